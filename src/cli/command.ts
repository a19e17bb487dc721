import type { ParseArgsConfig } from 'node:util';
import type { CorpusLoad } from '../core/corpus/index.js';
import type { PaperIndex } from '../core/search/index.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

/** What a subcommand gets: its parsed arguments, the corpus and index (loaded on first use), and IO. */
export interface CliContext {
  /** Positionals after the command name. */
  args: string[];
  values: OptionValues;
  corpus(): Promise<CorpusLoad>;
  index(): Promise<PaperIndex>;
  /** True when stdin is a terminal (set by runCli). */
  stdinIsTerminal?: boolean;
  /** Lines of standard input, for --batch. */
  stdinLines(): AsyncIterable<string>;
  out(line: string): void;
  err(line: string): void;
}

/** One CLI subcommand. Add an entry to the table in commands.ts to add a subcommand. */
export interface CliCommand {
  /** One or more words, e.g. "search" or "corpus stats". */
  name: string;
  /** Arguments and options as shown in the usage text, e.g. '"<query>" [--json] [--limit N]'. */
  usage: string;
  summary: string;
  options: OptionSpec;
  positionals: { min: number; max: number };
  /** Returns the exit code (0 when omitted). */
  run(ctx: CliContext): Promise<number | void>;
}

/** Thrown for a bad command line: main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function positiveInt(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, got "${String(value)}"`);
  return n;
}
