import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../types.js';
import { cacheable, CacheUnusable, fileKey, readCorpusCache, sameFile, writeCorpusCache, type CachedCorpus, type CachedFile } from './cache.js';
import { mergeDuplicates } from './merge.js';
import { isCorpusFile, readCorpusFile } from './parse-file.js';
import type { ParsedFile } from './parsed.js';

export interface CorpusLoad {
  papers: Paper[];
  stats: { files: number; papers: number; duplicatesMerged: number; skippedLines: number };
  warnings: string[];
  /** Files read back from the parsed-corpus cache rather than parsed. */
  filesFromCache: number;
  /** With `cachePath`, when the cache on disk does not match the files: writes it (resolves true when written, false if not; never rejects). */
  saveCache?: () => Promise<boolean>;
}

export interface LoadOptions {
  /** Live sources are on: a folder with no papers is fine (papers will arrive). */
  allowEmpty?: boolean;
  /**
   * The parsed-corpus cache (cache.ts), usually in the data folder: unchanged files are read from
   * it instead of being parsed. Missing, stale or corrupt, it is ignored (logged) and `saveCache` rewrites it.
   */
  cachePath?: string;
}

/**
 * Reads every *.txt and *.jsonl file in `dir` (in name order), streamed, and merges papers with
 * the same normalized title. A bad file or line becomes a warning (at most a few per file, then a
 * count); a missing directory is an error, and so is an empty one unless `allowEmpty`, since a
 * bot with no papers and no source is misconfigured.
 */
export async function loadCorpus(dir: string, log?: Logger, options: LoadOptions = {}): Promise<CorpusLoad> {
  const where = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(where)).filter(isCorpusFile).sort();
  } catch (err) {
    throw new Error(
      `corpus directory ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ` +
        'create it and put Daily Papers *.txt or *.jsonl files in it (see the README, "Adding papers"), or set CORPUS_DIR to a folder that has them',
    );
  }
  if (names.length === 0 && !options.allowEmpty) {
    throw new Error(
      `corpus directory ${where} has no *.txt or *.jsonl files: add some (see the README, "Adding papers"), ` +
        'or set CORPUS_DIR to a folder that has them, such as seeds',
    );
  }
  const warnings: string[] = [];
  const all: Paper[] = [];
  let skippedLines = 0;
  let files = 0;
  const cache = options.cachePath ? await cachedFiles(options.cachePath, log) : undefined;
  /** What the cache should hold after this load; it is rewritten when that differs from what it holds. */
  const keep: CachedFile[] = [];
  let filesFromCache = 0;
  for (const name of names) {
    let parsed: ParsedFile;
    try {
      const path = join(where, name);
      const key = cache && (await fileKey(path, name));
      const hit = key && cache.files.find((f) => sameFile(f, key));
      if (hit) {
        parsed = hit.parsed;
        keep.push(hit);
        filesFromCache++;
      } else {
        const parsedAt = Date.now();
        parsed = await readCorpusFile(path, name);
        if (key && cacheable(key, parsedAt, parsed.papers)) keep.push({ ...key, parsed });
      }
    } catch (err) {
      warnings.push(`${name}: skipped, cannot be read (${(err as Error).message})`);
      continue;
    }
    files++;
    for (const paper of parsed.papers) all.push(paper);
    warnings.push(...parsed.warnings);
    skippedLines += parsed.skippedLines;
  }
  const unchanged = cache !== undefined && keep.length === cache.files.length && keep.every((f, i) => f === cache.files[i]);
  // Every file read back as the cache holds it, whose ids were distinct when written: nothing to merge (a 100k-entry map less at start).
  const { papers, merged, collisions } = unchanged && cache.distinctIds && filesFromCache === files ? { papers: all, merged: 0, collisions: [] } : mergeDuplicates(all);
  warnings.push(...collisions);
  for (const warning of warnings) log?.warn({ dir: where }, warning);
  if (papers.length === 0 && !options.allowEmpty) {
    throw new Error(`corpus directory ${where} has corpus files but no readable papers in them: see the warnings logged above`);
  }
  const stale = cache !== undefined && !unchanged;
  const saveCache = options.cachePath && stale ? () => saveCorpusCache(options.cachePath!, keep, log) : undefined;
  return { papers, stats: { files, papers: papers.length, duplicatesMerged: merged, skippedLines }, warnings, filesFromCache, saveCache };
}

/** The cache's files; none (logged) when it is missing or cannot be trusted, so every file is parsed. */
async function cachedFiles(path: string, log?: Logger): Promise<CachedCorpus> {
  try {
    const cached = await readCorpusCache(path);
    if (!cached) log?.info({ cache: path }, 'no parsed-corpus cache yet: parsing the corpus files');
    return cached ?? { files: [], distinctIds: false };
  } catch (err) {
    if (!(err instanceof CacheUnusable)) throw err;
    log?.warn({ cache: path, reason: err.message }, `parsed-corpus cache not used (${err.message}): parsing the corpus files`);
    return { files: [], distinctIds: false };
  }
}

async function saveCorpusCache(path: string, files: CachedFile[], log?: Logger): Promise<boolean> {
  const started = performance.now();
  try {
    const bytes = await writeCorpusCache(path, files);
    log?.info({ cache: path, files: files.length, bytes, ms: Math.round(performance.now() - started) }, 'parsed-corpus cache written');
    return true;
  } catch (err) {
    log?.warn({ cache: path, err: (err as Error).message }, 'parsed-corpus cache not written; the next start parses the corpus files');
    return false;
  }
}
