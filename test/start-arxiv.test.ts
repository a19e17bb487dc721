import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { npmStart as startBot } from './support/npm-start.js';
import { arxivPaper, FakeArxiv } from './fakes/arxiv.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const npmStart = (env: Record<string, string>) => startBot(env, (fn) => cleanups.push(fn));

describe('npm start with arXiv categories', () => {
  it('makes a paper only the fake arXiv serves searchable within a minute of start', async () => {
    const fake = await new FakeArxiv().start();
    cleanups.push(() => fake.close());
    fake.add(
      arxivPaper('2611.04321', new Date(Date.now() - 5 * 3_600_000).toISOString(), {
        title: 'Wombat Burrow Mapping with Sparse Lidar Returns',
        abstract: 'We map wombat burrows from sparse lidar returns collected by a small ground robot, accurate enough for ecologists to count burrow entrances.',
        primary: 'cs.RO',
        crossLists: ['cs.LG'],
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-arxiv-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const bot = npmStart({ SOURCES: 'arxiv', ARXIV_API_URL: fake.url, ARXIV_CATEGORIES: 'cs.LG', DATA_DIR: dir });
    await vi.waitFor(() => expect(bot.stderr()).toContain('arxiv: fetched; 1 new papers'), { timeout: 60_000, interval: 50 });
    bot.send('/papers search wombat burrow lidar');
    await vi.waitFor(() => expect(bot.stdout()).toContain('Wombat Burrow Mapping with Sparse Lidar Returns'), { timeout: 10_000, interval: 50 });
    bot.send('/papers sources');
    await vi.waitFor(() => expect(bot.stdout()).toContain('categories:   cs.LG'), { timeout: 10_000, interval: 50 });
    expect(await bot.end()).toBe(0);
    expect(fake.requests[0]).toMatchObject({ path: '/api/query', params: { search_query: 'cat:cs.LG', sortBy: 'submittedDate', sortOrder: 'descending', start: '0' } });
    expect(fake.requests[0]!.userAgent).toMatch(/^Paperboy\/\d+\.\d+\.\d+ \(self-hosted research-paper digest bot;/);
  }, 90_000);
});
