import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStorePath, openSqliteStore } from '../src/core/store/sqlite.js';
import { FakeSlack } from './fakes/slack.js';

/** `node src/main.ts` as the Docker image runs it, in Slack HTTP mode against the fake. */
function startBot(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k) && k !== 'PAPERBOY_CONFIG'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...clean, PORT: '0', LOG_LEVEL: 'info', SLACK_SIGNING_SECRET: 'secret', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

let fake: FakeSlack;
beforeAll(async () => {
  fake = await new FakeSlack().start();
});
afterAll(async () => {
  await fake.close();
});

describe('the bot process at start and on SIGTERM', () => {
  it('stops with one clear line naming SLACK_BOT_TOKEN, before "ready", when Slack refuses the token', async () => {
    fake.fail('auth.test', { error: 'invalid_auth' });
    const bot = startBot({ SLACK_BOT_TOKEN: 'xoxb-refused-token', SLACK_API_URL: fake.apiUrl, DATA_DIR: mkdtempSync(join(tmpdir(), 'paperboy-auth-')), LOG_LEVEL: 'warn' });
    expect(await bot.exited).toBe(3);
    const lines = bot.output().trim().split('\n');
    expect(lines.at(-1)).toBe('paperboy: Slack refused SLACK_BOT_TOKEN (invalid_auth): check the token in SLACK_BOT_TOKEN, then start again.');
    expect(bot.output()).not.toContain('Paperboy ready');
    expect(bot.output()).not.toMatch(/^\s+at /m);
    expect(bot.output()).not.toContain('xoxb-refused-token');
  }, 60_000);

  it('exits promptly on SIGTERM while a digest send hangs, leaving that run claimed for the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-hung-'));
    const now = new Date();
    const configFile = join(dataDir, 'config.yaml');
    writeFileSync(configFile, `digests:\n  defaultTime: "${new Date(now.getTime() - 120_000).toISOString().slice(11, 16)}"\n  defaultTimeZone: UTC\n`);
    const seeded = openSqliteStore(defaultStorePath(dataDir));
    seeded.addFollow({ platform: 'slack', workspace: 'T1', user: 'UHUNG' }, 'diffusion models', new Date(now.getTime() - 3600_000));
    seeded.close();
    // Every post hangs: the Slack client's own timeout and retries would hold a plain shutdown for a minute or more.
    fake.fail('chat.postMessage', ...Array.from({ length: 20 }, () => ({ stall: true as const })));

    const bot = startBot({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir, PAPERBOY_CONFIG: configFile });
    await fake.waitFor(() => fake.callsTo("chat.postMessage").length > 0, "the digest post", 30_000).catch((err: unknown) => { throw new Error(`${String(err)}\n${bot.output()}`); });
    const posts = fake.callsTo('chat.postMessage').length;
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // It left while the first post was still unanswered: not one retry was started.
    expect(fake.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(bot.output()).toContain('stopped');

    const store = openSqliteStore(defaultStorePath(dataDir));
    expect(store.pendingRuns().map((r) => r.target)).toEqual(['slack:T1:user:UHUNG']);
    store.close();
  }, 60_000);
});
