import { parseJsonl } from './parse-jsonl.js';
import { parseListing } from './parse-listing.js';
import type { ParsedFile } from './parsed.js';

/** File name endings the corpus loader reads. */
export const CORPUS_EXTENSIONS = ['.txt', '.jsonl'] as const;

export function isCorpusFile(fileName: string): boolean {
  return CORPUS_EXTENSIONS.some((ext) => fileName.toLowerCase().endsWith(ext));
}

/** Parses one corpus file: `.jsonl` as JSON lines, anything else as a Daily Papers listing. */
export function parseCorpusFile(fileName: string, text: string): ParsedFile {
  return fileName.toLowerCase().endsWith('.jsonl') ? parseJsonl(fileName, text) : parseListing(fileName, text);
}
