import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultStorePath, openSqliteStore } from '../src/core/store/sqlite.js';
import { FakeSlack } from './fakes/slack.js';

type Bot = ChildProcessWithoutNullStreams & { out: () => string; err: () => string; exited: Promise<number | null> };
let fake: FakeSlack;
const bots: Bot[] = [];

beforeAll(async () => {
  fake = await new FakeSlack().start();
});
// A test that failed midway must not leave a bot posting into the next one.
afterEach(() => {
  for (const bot of bots.splice(0)) if (bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
});
afterAll(async () => {
  fake.release();
  await fake.close();
});

/** A data folder whose one Slack reader's DM digest (to D<user>) was due two minutes ago. */
function dataDir(user: string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-one-'));
  const config = join(dir, 'config.yaml');
  const due = new Date(Date.now() - 120_000).toISOString().slice(11, 16);
  writeFileSync(config, `digests:\n  defaultTime: "${due}"\n  defaultTimeZone: UTC\ncorpus:\n  watch: false\n`);
  const store = openSqliteStore(defaultStorePath(dir));
  store.addFollow({ platform: 'slack', workspace: 'T1', user }, 'diffusion models', new Date(Date.now() - 3600_000));
  store.close();
  return { dir, config };
}

/** `npm start` as the Docker image runs it (node itself, so signals reach the app), on Slack HTTP mode against the fake. */
function startBot(dir: string, config: string, level = 'info'): Bot {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: level, PAPERBOY_CONFIG: config, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: fake.apiUrl },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const bot = Object.assign(child, { out: () => out, err: () => err, exited });
  bots.push(bot);
  return bot;
}

/** Resolves once the bot has logged `text` (on stderr, where its logs go). */
function logged(bot: Bot, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (bot.err().includes(text)) resolve();
    };
    bot.stderr.on('data', check);
    setTimeout(() => reject(new Error(`never logged "${text}": ${bot.err()}`)), 200_000).unref();
    void bot.exited.then(() => (bot.err().includes(text) ? resolve() : reject(new Error(`exited before logging "${text}": ${bot.err()}`))));
    check();
  });
}

const digestPosts = (user: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === `D${user}`);

function runOf(dir: string) {
  const store = openSqliteStore(defaultStorePath(dir));
  try {
    return { pending: store.pendingRuns() };
  } finally {
    store.close();
  }
}

describe('one process per data folder', () => {
  it('refuses a second process while the first is sending; after a kill -9 the next start takes over and sends nothing twice', async () => {
    const { dir, config } = dataDir('U1');
    const posts = () => digestPosts('U1');
    fake.hold('chat.postMessage');
    const first = startBot(dir, config);
    await fake.waitFor(() => posts().length === 1, 'the first bot posting its digest', 200_000);

    const second = startBot(dir, config);
    expect(await second.exited).toBe(3);
    expect(second.err()).toContain(`in use by another Paperboy process (pid ${first.pid}`);
    expect(second.err()).toContain('DATA_DIR');
    expect(posts()).toHaveLength(1);

    // Killed while Slack holds its accepted post unanswered; the lock dies with the process. Unless
    // the post's client timeout already fired (a loaded machine) and the bot found it and recorded
    // it, the run is still claimed and the next start must find it in Slack's history.
    first.kill('SIGKILL');
    await first.exited;
    const claimed = runOf(dir).pending.length === 1;
    const third = startBot(dir, config);
    if (claimed) {
      await logged(third, 'an earlier attempt had been posted');
      await logged(third, 'digest sent');
    } else {
      await logged(third, 'Paperboy ready');
    }
    third.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    fake.release();

    expect(posts()).toHaveLength(1);
    const key = (posts()[0]!.params.metadata as { event_payload: { idempotency_key: string } }).event_payload.idempotency_key;
    expect(fake.messagesWithKey(key)).toHaveLength(1);
    expect(runOf(dir).pending).toEqual([]);
  }, 600_000);
});

describe('a second SIGTERM', () => {
  it('does not cut a send off: the digest is recorded, and a restart sends nothing again', async () => {
    const { dir, config } = dataDir('U2');
    const posts = () => digestPosts('U2');
    fake.hold('chat.postMessage');
    const bot = startBot(dir, config);
    await fake.waitFor(() => posts().length === 1, 'the bot posting its digest', 200_000);
    bot.kill('SIGTERM');
    await logged(bot, 'signal received');
    bot.kill('SIGTERM');
    await logged(bot, 'already shutting down');
    fake.release();
    expect(await bot.exited).toBe(0);
    expect(runOf(dir).pending).toEqual([]);

    const again = startBot(dir, config);
    await logged(again, 'Paperboy ready');
    again.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(posts()).toHaveLength(1);
  }, 600_000);
});
