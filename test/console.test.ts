import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/app/boot.js';
import { consoleLogFile } from '../src/app/console-logs.js';
import { loadConfig, type AppConfig } from '../src/config/index.js';
import { commands } from '../src/core/commands/index.js';
import { createConsoleLogger, createLogger, silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createConsoleAdapter, type ConsoleEnd } from '../src/platforms/console/index.js';
import { createTestContext, testConfig } from './support/context.js';

/** A console adapter on in-memory streams; `ended` resolves when its input is done and answered. */
async function consoleSession(interactive: boolean) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  // Terminal escapes (cursor moves, colours) are not what a person reads.
  output.on('data', (d: Buffer) => (printed += d.toString().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')));
  const context = await createTestContext();
  let end!: (info: ConsoleEnd) => void;
  const ended = new Promise<ConsoleEnd>((resolve) => (end = resolve));
  const adapter = createConsoleAdapter({ context, commands, log: silentLogger, metrics: noMetrics }, { input, output, interactive, onEnd: end });
  await adapter.start();
  adapter.ready(['READY BLOCK']);
  return { input, context, ended, printed: () => printed };
}

/** Waits until the output shows `count` prompts: every line typed so far has been answered. */
async function prompts(session: Awaited<ReturnType<typeof consoleSession>>, count: number): Promise<void> {
  while ((session.printed().match(/papers> /g) ?? []).length < count) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('console conversation', () => {
  it('prints the ready block, then the prompt; Up recalls the last command (readline, not "^[[A")', async () => {
    const session = await consoleSession(true);
    expect(session.printed()).toMatch(/^READY BLOCK\nType \/papers help[^\n]*\npapers> $/);
    session.input.write('/papers search diffusion\r');
    await prompts(session, 2);
    session.input.write('\x1b[A\r');
    await prompts(session, 3);
    session.input.end();
    await session.ended;
    expect(session.printed().match(/Papers for “diffusion”/g)).toHaveLength(2);
    expect(session.printed()).not.toMatch(/don't know the command/);
  });

  it('stops at quit: piped lines after it do not run', async () => {
    const session = await consoleSession(false);
    session.input.end('/papers follow diffusion models\nquit\n/papers follow graph neural networks\n');
    expect(await session.ended).toEqual({ inputEnded: true, lines: 2 });
    const follows = session.context.store.listFollows({ platform: 'console', workspace: 'local', user: 'you' });
    expect(follows.map((f) => f.topic)).toEqual(['diffusion models']);
  });

  it('numbers papers as the notice does, has Previous, and keeps the buttons after a wrong key', async () => {
    const session = await consoleSession(false);
    session.input.end('/papers search language models\nn\n42\nzz\np\n7\n');
    await session.ended;
    const page2 = session.printed().slice(session.printed().indexOf('Showing 1-5'));
    expect(page2).toMatch(/\n 6\. [^\n]+\n[^\n]+\n +p-\w+ +\S+ +\[m6\] More like this/);
    expect(page2).toContain('Showing 6-10 of');
    expect(page2).toContain('[p] Previous 5  [n] Next 5');
    expect(session.printed()).toContain('! There is no [42] on the last reply.');
    // After the wrong key and the unknown command, [p] still pages back to 1-5.
    expect(session.printed().match(/Showing 1-5 of/g)).toHaveLength(2);
  });

  it('shows a paper by its number on the page', async () => {
    const session = await consoleSession(false);
    session.input.end('/papers search language models\nn\n7\n');
    await session.ended;
    const seventh = /\n 7\. ([^\n]+)\n/.exec(session.printed())![1]!;
    expect(session.printed().slice(session.printed().lastIndexOf('Showing 6-10'))).toContain(` 1. ${seventh}`);
  });
});

describe('console logs', () => {
  it('at a terminal, go to a file under the data folder; warnings and errors also as one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-log-'));
    const file = join(dir, 'paperboy.log');
    let brief = '';
    const log = createConsoleLogger({ level: 'info' }, file, { write: (line) => (brief += line) });
    log.info({ command: 'search', reason: 'Too many words' }, 'command refused');
    log.warn({ token: 'xoxb-secret' }, 'slow disk');
    log.error({ err: new Error('boom\n    at somewhere (file.ts:1:1)') }, 'digest failed');
    expect(brief).toBe(`paperboy warning: slow disk (more in ${file})\npaperboy error: digest failed: boom at somewhere (file.ts:1:1) (more in ${file})\n`);
    const written = readFileSync(file, 'utf8');
    expect(written.trimEnd().split('\n')).toHaveLength(3);
    expect(written).toContain('command refused');
    expect(written).not.toContain('xoxb-secret');
  });

  it('only in console mode at a terminal', () => {
    const config = { ...testConfig(), store: { driver: 'sqlite' as const, dataDir: 'data' } };
    expect(consoleLogFile(config, true)).toBe(join(process.cwd(), 'data', 'paperboy.log'));
    expect(consoleLogFile(config, false)).toBeUndefined();
    expect(consoleLogFile({ ...config, platforms: ['discord'] }, true)).toBeUndefined();
  });
});

describe('console port', () => {
  const start = (portChosen: boolean, port: number, overrides: Partial<AppConfig> = {}, log = silentLogger) => {
    const config = testConfig();
    const io = { input: new PassThrough(), output: new PassThrough(), interactive: false };
    return startApp({ ...config, corpus: { ...config.corpus, watch: false }, http: { port, host: '127.0.0.1' }, portChosen, ...overrides }, log, io);
  };

  it('knows whether PORT (or a config file of the user\'s) chose the port', () => {
    expect(loadConfig({}).portChosen).toBe(false);
    expect(loadConfig({ PORT: '3001' }).portChosen).toBe(true);
  });

  it('opens no port unless PORT was set, and the startup line shows the store path absolute', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-ready-'));
    let logged = '';
    const log = createLogger({ level: 'info', format: 'json' }, new Writable({ write: (chunk: Buffer, _e, done) => ((logged += chunk.toString()), done()) }));
    const app = await start(false, 3000, { store: { driver: 'sqlite', dataDir: relative(process.cwd(), dataDir) } }, log);
    expect(app.server).toBeUndefined();
    await app.stop();
    const ready = logged.split('\n').map((l) => (l ? (JSON.parse(l) as { msg: string; store?: string; http?: string }) : undefined)).find((e) => e?.msg.startsWith('Paperboy ready'))!;
    expect(ready).toMatchObject({ store: dataDir, http: 'off' });
    expect(ready.msg).toContain(`store ${dataDir}`);
  });

  it('names PORT when the port that was set is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    await expect(start(true, port)).rejects.toThrow(new RegExp(`port ${port} on 127.0.0.1 is already in use .*choose another PORT`));
    taken.close();
  });
});

// A child process that loads the corpus: slow on a busy machine.
describe('npm start with nothing to serve', { timeout: 60_000 }, () => {
  it('says which variables to set and exits non-zero when stdin is /dev/null', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k) && k !== 'PAPERBOY_CONFIG' && k !== 'PORT'));
    const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-nothing-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('no platform to serve');
    expect(stderr).toMatch(/SLACK_BOT_TOKEN.*\n.*DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
  });
});
