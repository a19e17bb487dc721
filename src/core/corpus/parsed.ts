import type { Paper } from '../types.js';

/** What parsing one corpus file yields; problems are warnings, never exceptions. */
export interface ParsedFile {
  papers: Paper[];
  warnings: string[];
  skippedLines: number;
}
