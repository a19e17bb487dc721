import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_CACHE_FILE } from '../src/core/corpus/index.js';
import { SNAPSHOT_FILE } from '../src/core/search/index.js';
import { normalDay } from './fakes/huggingface-fixtures.js';
import { startFakeHuggingFace } from './fakes/huggingface.js';
import { npmStart as startBot } from './support/npm-start.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const npmStart = (env: Record<string, string>) => startBot(env, (fn) => cleanups.push(fn));

describe('npm start with an index snapshot', () => {
  it('writes a snapshot, restores it on restart, and adds the papers a source stored since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-snapshot-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await startFakeHuggingFace();
    cleanups.push(() => fake.close());
    // Two papers new to the corpus (the day's third is a seed paper, whose changed text would rebuild the index).
    fake.otherDays = [normalDay[0], normalDay[2]];

    // First start: no snapshot yet, the index is built and written to the data folder.
    const first = npmStart({ SOURCES: 'none', DATA_DIR: dir });
    await vi.waitFor(() => expect(first.stderr()).toContain('index snapshot written'), { timeout: 60_000, interval: 50 });
    expect(first.stderr()).toContain('no index snapshot yet');
    expect(first.stderr()).toContain('no parsed-corpus cache yet');
    // npm start ran the bundle (scripts/start.mjs), and its latent fit ran on the bundled worker.
    expect(first.stderr()).not.toContain('running through the tsx loader');
    expect(first.stderr()).not.toContain('fit on the worker thread failed');
    first.send('/papers search diffusion');
    await vi.waitFor(() => expect(first.stdout()).toContain('Papers for'), { timeout: 20_000, interval: 50 });
    expect(await first.end()).toBe(0);
    expect(existsSync(join(dir, SNAPSHOT_FILE))).toBe(true);
    // Written after ready, and waited for at shutdown.
    expect(first.stderr()).toContain('parsed-corpus cache written');
    expect(existsSync(join(dir, CORPUS_CACHE_FILE))).toBe(true);

    // Second start: restored; a source stores two papers (the snapshot is not rewritten before it stops).
    const second = npmStart({ SOURCES: 'huggingface', HF_API_URL: fake.url, DATA_DIR: dir });
    await vi.waitFor(() => expect(second.stderr()).toContain('huggingface: fetched; 2 new papers'), { timeout: 60_000, interval: 50 });
    expect(second.stderr()).toContain('index restored from its snapshot, 0 paper(s) added since');
    // Every seed file came back from the parsed-corpus cache.
    const seedFiles = readdirSync('seeds').filter((f) => /\.(txt|jsonl)$/.test(f)).length;
    expect(second.stderr()).toContain(`"corpusFilesFromCache":${seedFiles}`);
    second.send('/papers search diffusion');
    await vi.waitFor(() => expect(second.stdout()).toContain('Papers for'), { timeout: 20_000, interval: 50 });
    expect(await second.end()).toBe(0);

    // Third start, source off: the snapshot plus the two stored papers, found by search.
    const third = npmStart({ SOURCES: 'none', DATA_DIR: dir });
    await vi.waitFor(() => expect(third.stderr()).toContain('index restored from its snapshot, 2 paper(s) added since'), { timeout: 60_000, interval: 50 });
    third.send('/papers search marsupial segmentation');
    await vi.waitFor(() => expect(third.stdout()).toContain('Quokka: Zero-Shot Marsupial Segmentation with Sparse Pouch Tokens'), { timeout: 20_000, interval: 50 });
    expect(await third.end()).toBe(0);
    expect(third.stderr().split('\n').filter((l) => l.includes('"level":40'))).toEqual([]);
  }, 180_000);
});
