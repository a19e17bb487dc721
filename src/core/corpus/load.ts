import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../types.js';
import { mergeDuplicates } from './merge.js';
import { isCorpusFile, parseCorpusFile } from './parse-file.js';

export interface CorpusLoad {
  papers: Paper[];
  stats: { files: number; papers: number; duplicatesMerged: number; skippedLines: number };
  warnings: string[];
}

/**
 * Reads every *.txt and *.jsonl file in `dir` (in name order), parses them, and merges papers
 * with the same normalized title. A bad file or line becomes a warning; a missing or empty
 * directory is an error, since a bot with no papers is misconfigured.
 */
export async function loadCorpus(dir: string, log?: Logger): Promise<CorpusLoad> {
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
  if (names.length === 0) {
    throw new Error(
      `corpus directory ${where} has no *.txt or *.jsonl files: add some (see the README, "Adding papers"), ` +
        'or set CORPUS_DIR to a folder that has them, such as seeds',
    );
  }
  const warnings: string[] = [];
  const all: Paper[] = [];
  let skippedLines = 0;
  let files = 0;
  for (const name of names) {
    let text: string;
    try {
      text = await readFile(join(where, name), 'utf8');
    } catch (err) {
      warnings.push(`${name}: skipped, cannot be read (${(err as Error).message})`);
      continue;
    }
    const parsed = parseCorpusFile(name, text);
    files++;
    all.push(...parsed.papers);
    warnings.push(...parsed.warnings);
    skippedLines += parsed.skippedLines;
  }
  const { papers, merged, collisions } = mergeDuplicates(all);
  warnings.push(...collisions);
  for (const warning of warnings) log?.warn({ dir: where }, warning);
  if (papers.length === 0) {
    throw new Error(`corpus directory ${where} has corpus files but no readable papers in them: see the warnings logged above`);
  }
  return { papers, stats: { files, papers: papers.length, duplicatesMerged: merged, skippedLines }, warnings };
}
