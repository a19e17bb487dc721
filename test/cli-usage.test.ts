import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands.js';
import { runCli } from '../src/cli/run.js';

/** Runs the CLI in-process with a stdin that never ends, as a terminal's would not. */
async function cli(args: string[], options: { stdinIsTerminal?: boolean; stdin?: string } = {}) {
  const stdin = new PassThrough();
  if (options.stdin !== undefined) stdin.end(options.stdin);
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { stdin, stdinIsTerminal: options.stdinIsTerminal, out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
  return { code, out, err };
}

describe('cli usage mistakes get a clear message and a non-zero exit', () => {
  it('match with neither --topic nor --batch, on a terminal, prints the usage instead of waiting', async () => {
    const run = await cli(['match'], { stdinIsTerminal: true });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/match needs exactly one of --topic "<t>" or --batch/);
    expect(run.err).toContain('Usage:');
  });

  it('match reads piped topics when stdin is not a terminal', async () => {
    const run = await cli(['match', '--json', '--corpus', 'seeds'], { stdin: 'diffusion models\n' });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as unknown[]).length).toBeGreaterThan(0);
  });

  it('--limit -1 says what --limit expects', async () => {
    const run = await cli(['search', 'x', '--limit', '-1']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--limit must be a positive whole number, got "-1"');
  });

  it('corpus and digest name their missing subcommand', async () => {
    const corpus = await cli(['corpus']);
    expect(corpus.code).toBe(2);
    expect(corpus.err).toContain('paperboy: "corpus" needs a subcommand: corpus stats');
    const digest = await cli(['digest']);
    expect(digest.err).toContain('paperboy: "digest" needs a subcommand: digest preview');
  });

  it('an empty corpus folder: one prefix, a README section that exists, and the flag only here', async () => {
    await expect(cli(['corpus', 'stats', '--corpus', 'docs'])).rejects.toThrow(
      /^corpus directory \S+docs has no \*\.txt or \*\.jsonl files: add some \(see the README, "Adding papers"\), or set CORPUS_DIR to a folder that has them, such as seeds \(or pass --corpus <dir>\)$/,
    );
  });
});
