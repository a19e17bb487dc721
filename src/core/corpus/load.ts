import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../types.js';
import { mergeDuplicates } from './merge.js';
import { isCorpusFile, readCorpusFile } from './parse-file.js';

export interface CorpusLoad {
  papers: Paper[];
  stats: { files: number; papers: number; duplicatesMerged: number; skippedLines: number };
  warnings: string[];
}

export interface LoadOptions {
  /** Live sources are on: a folder with no papers is fine (papers will arrive). */
  allowEmpty?: boolean;
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
      `paperboy: corpus directory ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ` +
        'create it and put Daily Papers *.txt or *.jsonl files in it, or point --corpus / CORPUS_DIR at one that has them',
    );
  }
  if (names.length === 0 && !options.allowEmpty) {
    throw new Error(
      `paperboy: corpus directory ${where} has no *.txt or *.jsonl files: add some (see README, "Corpus formats") ` +
        'or point --corpus / CORPUS_DIR at the seeds folder',
    );
  }
  const warnings: string[] = [];
  const all: Paper[] = [];
  let skippedLines = 0;
  let files = 0;
  for (const name of names) {
    let parsed;
    try {
      parsed = await readCorpusFile(join(where, name), name);
    } catch (err) {
      warnings.push(`${name}: skipped, cannot be read (${(err as Error).message})`);
      continue;
    }
    files++;
    for (const paper of parsed.papers) all.push(paper);
    warnings.push(...parsed.warnings);
    skippedLines += parsed.skippedLines;
  }
  const { papers, merged, collisions } = mergeDuplicates(all);
  warnings.push(...collisions);
  for (const warning of warnings) log?.warn({ dir: where }, warning);
  if (papers.length === 0 && !options.allowEmpty) {
    throw new Error(`paperboy: corpus directory ${where} has corpus files but no readable papers in them: see the warnings above`);
  }
  return { papers, stats: { files, papers: papers.length, duplicatesMerged: merged, skippedLines }, warnings };
}
