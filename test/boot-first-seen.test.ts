import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp } from '../src/app/boot.js';
import { loadCorpus, paperId } from '../src/core/corpus/index.js';
import { silentLogger } from '../src/core/log.js';
import { SNAPSHOT_FILE } from '../src/core/search/index.js';
import { testConfig } from './support/context.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-first-seen-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string, corpusDir: string) {
  const base = testConfig();
  const config = { ...base, store: { driver: 'sqlite' as const, dataDir }, corpus: { dir: corpusDir, watch: false }, http: { port: 0, host: '127.0.0.1' }, sources: { ...base.sources, enabled: [] } };
  const app = await startApp(config, silentLogger, { input: new PassThrough(), output: new PassThrough(), interactive: false });
  cleanups.push(() => app.stop());
  return app;
}

describe('first seen at start', () => {
  it('records papers new since the snapshot before ready, and the snapshot\'s own again after ready (a store younger than its snapshot)', async () => {
    const dataDir = tmp();
    const corpusDir = tmp();
    cpSync('seeds', corpusDir, { recursive: true });
    const first = await start(dataDir, corpusDir);
    await first.stop();
    expect(existsSync(join(dataDir, SNAPSHOT_FILE))).toBe(true);

    // The store loses its first-seen rows; a paper arrives in the corpus folder.
    const db = new Database(join(dataDir, 'paperboy.db'));
    cleanups.push(() => db.close());
    db.exec('DELETE FROM first_seen');
    const title = 'Pouch Tokens for Zero-Shot Marsupial Segmentation';
    writeFileSync(join(corpusDir, 'late.jsonl'), JSON.stringify({ title, abstract: 'An abstract long enough to be an abstract of a paper about marsupials and their pouch tokens.' }));

    const seeds = (await loadCorpus('seeds')).papers;
    const second = await start(dataDir, corpusDir);
    expect(second.health().corpus.papers).toBeGreaterThan(1);
    const seen = (id: string) => db.prepare('SELECT at FROM first_seen WHERE paper_id = ?').get(id);
    // At ready: the new paper is recorded; the snapshot's papers are not yet (a restart does not wait for them).
    expect(seen(paperId(title))).toBeDefined();
    expect(seen(seeds[0]!.id)).toBeUndefined();
    await vi.waitFor(() => expect(seeds.filter((p) => !seen(p.id))).toEqual([]), { timeout: 10_000, interval: 20 });
  }, 60_000);
});
