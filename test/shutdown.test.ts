import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStorePath, openSqliteStore } from '../src/core/store/sqlite.js';

const you = { platform: 'console', workspace: 'local', user: 'you' } as const;

/** The bot as the Docker image runs it: node itself, so the signal reaches the app. */
function startBot(dataDir: string, configFile: string): ChildProcessWithoutNullStreams & { out: () => string; err: () => string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', PAPERBOY_CONFIG: configFile },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return Object.assign(child, { out: () => out, err: () => err });
}

function waitFor(child: ReturnType<typeof startBot>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (child.out().includes(text)) resolve();
    };
    child.stdout.on('data', check);
    child.on('exit', () => reject(new Error(`exited before printing "${text}": ${child.err()}`)));
    check();
  });
}

const exited = (child: ReturnType<typeof startBot>) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('shutdown', () => {
  it('on SIGTERM after a catch-up digest, exits 0 with the run recorded, and a restart sends nothing again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-shutdown-'));
    const now = new Date();
    const twoMinutesAgo = new Date(now.getTime() - 120_000);
    const hhmm = twoMinutesAgo.toISOString().slice(11, 16);
    const configFile = join(dataDir, 'config.yaml');
    writeFileSync(configFile, `digests:\n  defaultTime: "${hhmm}"\n  defaultTimeZone: UTC\n`);
    const seeded = openSqliteStore(defaultStorePath(dataDir));
    seeded.addFollow(you, 'diffusion models', new Date(now.getTime() - 3600_000));
    seeded.close();

    const bot = startBot(dataDir, configFile);
    await waitFor(bot, '=== Digest for you');
    const code = exited(bot);
    bot.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(bot.err()).toContain('stopped');

    const store = openSqliteStore(defaultStorePath(dataDir));
    const target = { platform: 'console', workspace: 'local', kind: 'user', id: 'you' } as const;
    expect(store.pendingRuns()).toEqual([]);
    const digestPapers = bot.out().match(/ p-[0-9a-z]+ /g)!.map((s) => s.trim());
    expect(digestPapers.length).toBeGreaterThan(0);
    expect(store.deliveredPapers(target, digestPapers).size).toBe(digestPapers.length);
    store.close();

    const again = startBot(dataDir, configFile);
    again.stdin.end('/papers follows\n');
    expect(await exited(again)).toBe(0);
    expect(again.out()).toContain('1. diffusion models');
    expect(again.out()).not.toContain('Digest for you');
  });
});
