import type { Paper } from '../types.js';

/** What parsing one corpus file yields; problems are warnings, never exceptions. */
export interface ParsedFile {
  papers: Paper[];
  warnings: string[];
  skippedLines: number;
}

/** Warnings kept per file; the rest are counted in one summary line, so a file of junk cannot fill memory or the log. */
export const MAX_WARNINGS_PER_FILE = 20;

/** A parser fed one line at a time (1-based line numbers), so files can be streamed. */
export interface LineParser {
  line(text: string, no: number): void;
  /** Counts a line the reader dropped itself (e.g. far too long), with why. */
  skip(no: number, why: string): void;
  end(): ParsedFile;
}

/** Collects a file's papers and at most MAX_WARNINGS_PER_FILE warnings, counting the rest. */
export class ParseResult {
  readonly papers: Paper[] = [];
  private readonly warnings: string[] = [];
  private hidden = 0;
  skippedLines = 0;

  constructor(private readonly fileName: string) {}

  /** Records one skipped line and why. */
  skip(no: number, why: string): void {
    this.skippedLines++;
    if (this.warnings.length < MAX_WARNINGS_PER_FILE) this.warnings.push(`${this.fileName}:${no}: ${why}`);
    else this.hidden++;
  }

  done(): ParsedFile {
    const warnings = [...this.warnings];
    if (this.hidden > 0) warnings.push(`${this.fileName}: ${this.hidden} more skipped lines not listed (${this.skippedLines} skipped in all)`);
    return { papers: this.papers, warnings, skippedLines: this.skippedLines };
  }
}
