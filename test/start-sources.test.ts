import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { npmStart as startBot } from './support/npm-start.js';
import { normalDay } from './fakes/huggingface-fixtures.js';
import { startFakeHuggingFace, type FakeHuggingFace } from './fakes/huggingface.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const npmStart = (env: Record<string, string>) => startBot(env, (fn) => cleanups.push(fn));

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-sources-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('npm start with a live source', () => {
  it('makes a paper only the fake serves searchable soon after start', async () => {
    const fake: FakeHuggingFace = await startFakeHuggingFace();
    cleanups.push(() => fake.close());
    fake.otherDays = normalDay;
    const bot = npmStart({ SOURCES: 'huggingface', HF_API_URL: fake.url, DATA_DIR: dataDir() });
    await vi.waitFor(() => expect(bot.stderr()).toContain('huggingface: fetched; 2 new papers'), { timeout: 60_000, interval: 50 });
    bot.send('/papers search marsupial segmentation');
    await vi.waitFor(() => expect(bot.stdout()).toContain('Quokka: Zero-Shot Marsupial Segmentation with Sparse Pouch Tokens'), { timeout: 10_000, interval: 50 });
    expect(await bot.end()).toBe(0);
    expect(fake.requests[0]).toMatch(/^\/api\/daily_papers\?date=\d{4}-\d{2}-\d{2}&limit=100&p=0$/);
  }, 90_000);

  it('with the source unreachable logs one clear warning and keeps answering', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // SOURCES unset: the default start, with fetching on.
    const bot = npmStart({ SOURCES: '', HF_API_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir() });
    await vi.waitFor(() => expect(bot.stderr()).toContain('fetching failed'), { timeout: 60_000, interval: 50 });
    bot.send('/papers search diffusion');
    await vi.waitFor(() => expect(bot.stdout()).toContain('Papers for'), { timeout: 10_000, interval: 50 });
    expect(await bot.end()).toBe(0);
    const warnings = bot.stderr().split('\n').filter((l) => l.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('huggingface: fetching failed (cannot connect (ECONNREFUSED)); Paperboy keeps running with the papers it has and retries with backoff');
  }, 90_000);
});
