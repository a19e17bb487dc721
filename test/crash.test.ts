import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/core/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runner = join(import.meta.dirname, 'fixtures', 'crash-runner.ts');
const NOW = '2026-03-02T08:00:30Z';
const DUE = 8;

interface Line { target: string; key: string; papers: string[] }

/** Five users and three channel digests, all due at 08:00 UTC. */
function seed(db: string): void {
  const store = openSqliteStore(db);
  const created = new Date('2026-03-01T00:00:00Z');
  const topics = ['diffusion', 'graph', 'robot', 'language', 'vision'];
  topics.forEach((topic, i) => {
    const user = { platform: 'slack' as const, workspace: 'T', user: `U${i}` };
    store.addFollow(user, topic, created);
    store.addFollow(user, topics[(i + 1) % topics.length]!, created);
  });
  for (const [channel, topic] of [['C1', 'diffusion'], ['C1', 'graph'], ['C2', 'robot']] as const) {
    store.addDigest({ platform: 'slack', workspace: 'T', channel, topic, schedule: 'daily 08:00', timeZone: 'UTC', size: 2, createdBy: 'U0', created });
  }
  store.close();
}

/** Runs the scheduler process; if it reports BLOCKED (stopped mid-run), SIGKILLs it. */
function run(env: Record<string, string>): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('BLOCKED')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('DONE')) resolve('done');
      else reject(new Error(`crash-runner exited ${code}: ${err}`));
    });
  });
}

const readLog = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line) : []);

/** Seeds, runs until killed, checks how far it got, restarts; returns every send and checks the store is settled. */
async function scenario(name: string, env: Record<string, string>, sentBeforeKill: number): Promise<Line[]> {
  const db = join(dir, `${name}.db`);
  const log = join(dir, `${name}.log`);
  seed(db);
  const common = { CRASH_DB: db, CRASH_LOG: log, CRASH_NOW: NOW };
  expect(await run({ ...common, ...env })).toBe('killed');
  expect(readLog(log)).toHaveLength(sentBeforeKill);
  expect(await run({ ...common, CRASH_WAS_SENT: env.CRASH_WAS_SENT ?? '0' })).toBe('done');
  const store = openSqliteStore(db);
  expect(store.pendingRuns()).toEqual([]);
  store.close();
  return readLog(log);
}

function expectExactlyOnce(lines: Line[]): void {
  const keys = lines.map((l) => l.key);
  expect(new Set(keys).size).toBe(DUE);
  expect(keys).toHaveLength(DUE);
  const byTarget = new Map<string, string[]>();
  for (const l of lines) byTarget.set(l.target, [...(byTarget.get(l.target) ?? []), ...l.papers]);
  for (const papers of byTarget.values()) expect(new Set(papers).size).toBe(papers.length);
}

describe('a scheduler killed mid-run and restarted', () => {
  it('delivers each due digest exactly once, wherever the SIGKILL lands', async () => {
    const [beforeSend, afterSend, windowOnly] = await Promise.all([
      // Killed after claiming the 3rd run, before the platform got it: the restart sends it.
      scenario('before-send', { CRASH_AT: '3', CRASH_MODE: 'before-send' }, 2),
      // Killed after the platform accepted the 5th but before it was recorded: the restart finds it by key.
      scenario('after-send', { CRASH_AT: '5', CRASH_MODE: 'after-send', CRASH_WAS_SENT: '1' }, 5),
      // The same without a platform lookup: the one message in that window is re-sent, with the same idempotency key.
      scenario('after-send-no-lookup', { CRASH_AT: '5', CRASH_MODE: 'after-send' }, 5),
    ]);
    expectExactlyOnce(beforeSend);
    expectExactlyOnce(afterSend);
    expect(windowOnly).toHaveLength(DUE + 1);
    expect(new Set(windowOnly.map((l) => l.key)).size).toBe(DUE);
    // The interrupted 5th send is the one repeated (recovery now runs beside the due pass, so not necessarily next).
    expect(windowOnly.filter((l) => l.key === windowOnly[4]!.key)).toHaveLength(2);
  }, 120_000);
});
