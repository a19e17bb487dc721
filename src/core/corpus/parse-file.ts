import { createReadStream } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { jsonlParser } from './parse-jsonl.js';
import { listingParser } from './parse-listing.js';
import type { LineParser, ParsedFile } from './parsed.js';

/** File name endings the corpus loader reads. */
export const CORPUS_EXTENSIONS = ['.txt', '.jsonl'] as const;
/** A longer line is dropped unread: no paper is that long, and holding it could exhaust memory. */
export const MAX_LINE_CHARS = 100_000;
/** Lines parsed between two turns of the event loop, so commands and /healthz are answered meanwhile. */
const LINES_PER_SLICE = 500;

export function isCorpusFile(fileName: string): boolean {
  return CORPUS_EXTENSIONS.some((ext) => fileName.toLowerCase().endsWith(ext));
}

function parserFor(fileName: string): LineParser {
  return fileName.toLowerCase().endsWith('.jsonl') ? jsonlParser(fileName) : listingParser(fileName);
}

/** Parses one corpus file held in memory: `.jsonl` as JSON lines, anything else as a Daily Papers listing. */
export function parseCorpusFile(fileName: string, text: string): ParsedFile {
  const parser = parserFor(fileName);
  text.split(/\r?\n/).forEach((line, i) => parser.line(line, i + 1));
  return parser.end();
}

/**
 * Streams a corpus file from disk in 64 KiB chunks and parses it line by line, yielding to the
 * event loop every few hundred lines: a 50 MB file never blocks the process, and a line longer
 * than MAX_LINE_CHARS is skipped without being held.
 */
export async function readCorpusFile(path: string, fileName: string): Promise<ParsedFile> {
  const parser = parserFor(fileName);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let carry = '';
  let overlong = false;
  let no = 0;
  let sinceYield = 0;
  /** Parses a line; true when it is time to yield to the event loop. */
  const emit = (line: string): boolean => {
    no++;
    if (overlong) {
      overlong = false;
      parser.skip(no, `skipped a line longer than ${MAX_LINE_CHARS} characters`);
    } else parser.line(line.endsWith('\r') ? line.slice(0, -1) : line, no);
    if (++sinceYield < LINES_PER_SLICE) return false;
    sinceYield = 0;
    return true;
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const line = overlong ? '' : carry + chunk.slice(start, nl);
      carry = '';
      if (emit(line)) await yieldToLoop();
      start = nl + 1;
    }
    if (!overlong) carry += chunk.slice(start);
    if (carry.length > MAX_LINE_CHARS) {
      overlong = true;
      carry = '';
    }
    await yieldToLoop();
  }
  if (carry || overlong) emit(carry);
  return parser.end();
}
