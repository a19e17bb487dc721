import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { loadCorpus, type CorpusLoad } from '../core/corpus/index.js';
import { PaperIndex } from '../core/search/index.js';
import { UsageError, type CliCommand, type CliContext, type OptionSpec } from './command.js';
import { usageText } from './usage.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  out(line: string): void;
  err(line: string): void;
}

const GLOBAL_OPTIONS: OptionSpec = { corpus: { type: 'string' }, help: { type: 'boolean', short: 'h' } };

/** Runs one command line against the command table; returns the exit code. */
export async function runCli(argv: string[], commands: CliCommand[], io: CliIo): Promise<number> {
  const command = findCommand(argv, commands);
  if (!command) {
    const asked = argv.find((a) => !a.startsWith('-'));
    if (!argv.includes('--help') && !argv.includes('-h')) io.err(asked ? `paperboy: unknown command "${asked}"` : 'paperboy: no command given');
    io.err(usageText(commands));
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  try {
    const parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      io.out(usageText(commands, command));
      return 0;
    }
    const args = parsed.positionals.slice(command.name.split(' ').length);
    const { min, max } = command.positionals;
    if (args.length < min || args.length > max) {
      throw new UsageError(`${command.name} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
    }
    const ctx = createContext(args, values, io);
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`paperboy: ${(err as Error).message}`);
      io.err(usageText(commands, command));
      return 2;
    }
    throw err;
  }
}

/** The command whose words lead the positionals; the longest wins ("corpus stats" over "corpus"). */
function findCommand(argv: string[], commands: CliCommand[]): CliCommand | undefined {
  const leading: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--corpus') i++;
    else if (a.startsWith('-')) continue;
    else leading.push(a);
  }
  return [...commands]
    .sort((a, b) => b.name.length - a.name.length)
    .find((c) => c.name.split(' ').every((word, i) => leading[i] === word));
}

function createContext(args: string[], values: Record<string, string | boolean | undefined>, io: CliIo): CliContext {
  let corpus: Promise<CorpusLoad> | undefined;
  let index: Promise<PaperIndex> | undefined;
  const load = () =>
    (corpus ??= (async () => {
      const dir = typeof values.corpus === 'string' ? values.corpus : loadConfig().corpus.dir;
      return loadCorpus(dir);
    })());
  return {
    args,
    values,
    corpus: load,
    index: () => (index ??= load().then((c) => new PaperIndex(c.papers))),
    stdinLines: () => createInterface({ input: io.stdin, crlfDelay: Infinity }),
    out: io.out,
    err: io.err,
  };
}
