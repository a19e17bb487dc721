import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../src/app/boot.js';
import { watchStoreHealth } from '../src/app/store-health.js';
import { createLogger } from '../src/core/log.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { testConfig } from './support/context.js';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-health-'));
  dirs.push(dir);
  return dir;
};
const immutable: string[] = [];
afterEach(() => {
  for (const f of immutable.splice(0)) spawnSync('chattr', ['-i', f]);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** chattr +i stops even root from writing, as a read-only mount or chmod would stop a normal user. */
const canMakeImmutable = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-chattr-'));
  const f = join(dir, 'probe');
  writeFileSync(f, '');
  const ok = spawnSync('chattr', ['+i', f]).status === 0;
  spawnSync('chattr', ['-i', f]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

function logLines() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', format: 'json' }, { write: (l: string) => void lines.push(l) } as unknown as NodeJS.WritableStream);
  return { lines, log };
}

describe('SQLite store health', () => {
  it('fails its check once the database file is deleted while open', () => {
    const path = join(tmp(), 'paperboy.db');
    const store = openSqliteStore(path);
    expect(() => store.ping()).not.toThrow();
    unlinkSync(path);
    expect(() => store.ping()).toThrow(/paperboy\.db was deleted while the bot runs/);
    expect(() => store.addFollow({ platform: 'console', workspace: 'w', user: 'u' }, 'diffusion', new Date())).toThrow(/was deleted/);
    store.close();
  });

  it('fails its check once another file is moved over the database file', () => {
    const dir = tmp();
    const path = join(dir, 'paperboy.db');
    const store = openSqliteStore(path);
    openSqliteStore(join(dir, 'other.db')).close();
    renameSync(join(dir, 'other.db'), path);
    expect(() => store.ping()).toThrow(/was replaced by another file/);
    store.close();
  });

  it.skipIf(!canMakeImmutable)('fails its check when the files cannot be written, and closes without a crash', () => {
    const dir = tmp();
    const path = join(dir, 'paperboy.db');
    // In a child process: on the old code closing here ended in SIGBUS, which would take the test runner with it.
    const script = `
      import { openSqliteStore } from './src/core/store/sqlite.ts';
      import { execFileSync } from 'node:child_process';
      const store = openSqliteStore(${JSON.stringify(path)});
      store.addFollow({ platform: 'console', workspace: 'w', user: 'u' }, 'diffusion', new Date());
      execFileSync('chattr', ['+i', ${JSON.stringify(path)}, ${JSON.stringify(`${path}-wal`)}, ${JSON.stringify(`${path}-shm`)}]);
      try { store.ping(); console.log('ping ok'); } catch (e) { console.log('ping: ' + e.message); }
      try { store.addFollow({ platform: 'console', workspace: 'w', user: 'u' }, 'agents', new Date()); } catch (e) { console.log('write: ' + e.message); }
      store.close();
      console.log('closed');
      process.exit(0); // as src/main.ts does after stopping
    `;
    immutable.push(path, `${path}-wal`, `${path}-shm`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.signal).toBeNull();
    expect(run.stdout).toMatch(/ping: .*paperboy\.db(-wal|-shm)? is not writable \(EPERM\)/);
    expect(run.stdout).toMatch(/write: .*is not writable/);
    expect(run.stdout).toContain('closed');
    expect(run.status).toBe(0);
  });

  it('names the file when the database cannot be opened at start', () => {
    const path = join(tmp(), 'paperboy.db');
    writeFileSync(path, 'this is not a database, just some text that is long enough to look like a header '.repeat(20));
    expect(() => openSqliteStore(path)).toThrow(new RegExp(`cannot open the database file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(SQLITE_NOTADB\\)`));
  });
});

describe('/healthz and the log when the store breaks', () => {
  it('turns 503 naming the problem, and the log says so loudly, once the database file is deleted', async () => {
    const dataDir = tmp();
    const config = testConfig();
    const { lines, log } = logLines();
    const app = await startApp(
      { ...config, store: { driver: 'sqlite', dataDir }, corpus: { ...config.corpus, watch: false }, http: { port: 0, host: '127.0.0.1' } },
      log,
      { input: new PassThrough(), output: new PassThrough(), interactive: false },
    );
    try {
      const url = `http://127.0.0.1:${(app.server!.address() as AddressInfo).port}/healthz`;
      expect((await fetch(url)).status).toBe(200);
      unlinkSync(join(dataDir, 'paperboy.db'));
      const res = await fetch(url);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: boolean; store: string };
      expect(body.ok).toBe(false);
      expect(body.store).toMatch(/^failing: the database file .*paperboy\.db was deleted/);
      const alarms = lines.filter((l) => l.includes('STORE FAILING'));
      expect(alarms).toHaveLength(1);
      expect(JSON.parse(alarms[0]!).level).toBe(50);
      await fetch(url);
      expect(lines.filter((l) => l.includes('STORE FAILING'))).toHaveLength(1); // not once per request
    } finally {
      await app.stop();
    }
  });

  it('repeats the alarm every few minutes while the store stays broken, and says when it recovers', () => {
    const { lines, log } = logLines();
    let broken = true;
    let clock = 0;
    const store = { ping: () => { if (broken) throw new Error('disk I/O error'); } } as unknown as Parameters<typeof watchStoreHealth>[0];
    const health = watchStoreHealth(store, log, { now: () => clock });
    expect(health.check()).toBe('failing: disk I/O error');
    clock += 60_000;
    health.check();
    clock += 5 * 60_000;
    health.check();
    expect(lines.filter((l) => l.includes('STORE FAILING'))).toHaveLength(2);
    broken = false;
    expect(health.check()).toBe('ok');
    expect(lines.at(-1)).toContain('store writable again');
    health.stop();
  });
});
