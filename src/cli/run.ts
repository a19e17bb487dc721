import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { loadCorpus, type CorpusLoad } from '../core/corpus/index.js';
import { PaperIndex } from '../core/search/index.js';
import { UsageError, type CliCommand, type CliContext, type OptionSpec } from './command.js';
import { usageText } from './usage.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** A person at a terminal is on stdin: never wait silently for lines that are not coming. */
  stdinIsTerminal?: boolean;
  out(line: string): void;
  err(line: string): void;
}

const GLOBAL_OPTIONS: OptionSpec = { corpus: { type: 'string' }, help: { type: 'boolean', short: 'h' } };

/** Runs one command line against the command table; returns the exit code. */
export async function runCli(argv: string[], commands: CliCommand[], io: CliIo): Promise<number> {
  const command = findCommand(argv, commands);
  if (!command) {
    const asked = argv.find((a) => !a.startsWith('-'));
    const group = commands.filter((c) => c.name.split(' ').length > 1 && c.name.split(' ')[0] === asked);
    if (!argv.includes('--help') && !argv.includes('-h')) {
      if (group.length > 0) io.err(`paperboy: "${asked}" needs a subcommand: ${group.map((c) => c.name).join(', ')}`);
      else io.err(asked ? `paperboy: unknown command "${asked}"` : 'paperboy: no command given');
    }
    io.err(group.length === 1 ? usageText(commands, group[0]) : usageText(commands));
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  try {
    const options = { ...GLOBAL_OPTIONS, ...command.options };
    const parsed = parseArgs({ args: negativeValuesInline(argv, options), options, allowPositionals: true, strict: true });
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
    ctx.stdinIsTerminal = io.stdinIsTerminal === true;
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

/**
 * "--limit -1" -> "--limit=-1": parseArgs would take "-1" for an option and give a puzzling
 * message; inline, the value reaches the command, which says what it expects.
 */
function negativeValuesInline(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.startsWith('--') ? argv[i]!.slice(2) : undefined;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(argv[i]!);
  }
  return out;
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
      try {
        return await loadCorpus(dir);
      } catch (err) {
        // The bot's message names CORPUS_DIR; here the --corpus flag works too.
        throw new Error(`${(err as Error).message} (or pass --corpus <dir>)`);
      }
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
