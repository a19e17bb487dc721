import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../src/config/index.js';
import { commands, parseCommandText, runCommand } from '../src/core/commands/index.js';
import { arxivPaperId, loadCorpus } from '../src/core/corpus/index.js';
import { createLogger } from '../src/core/log.js';
import { PaperIndex } from '../src/core/search/index.js';
import { ArxivClient, RequestLimiter } from '../src/core/sources/arxiv/index.js';
import { createArxivSource } from '../src/core/sources/arxiv/source.js';
import { createSourceRunner, createSources, type PaperSource } from '../src/core/sources/index.js';
import type { Store } from '../src/core/store/port.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import type { Paper } from '../src/core/types.js';
import { arxivPaper, FakeArxiv } from './fakes/arxiv.js';
import { hfItem, SEED_ID, SEED_TITLE } from './fakes/huggingface-fixtures.js';
import { startFakeHuggingFace, type FakeHuggingFace } from './fakes/huggingface.js';
import { fakeCron } from './scheduler-support.js';
import { testConfig } from './support/context.js';
import { virtualClock } from './support/virtual-clock.js';

let seeds: Paper[];
beforeAll(async () => {
  seeds = (await loadCorpus('seeds')).papers;
});

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Tuesday 21:00 New York, an hour after the announcement. */
const NOW = new Date('2026-11-25T02:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const MONDAY_SUBMISSIONS = Date.parse('2026-11-24T18:00:00Z');

function sourcesConfig(apiUrl: string, categories = ['cs.LG'], over: Partial<AppConfig['sources']> = {}): AppConfig['sources'] {
  const base = testConfig().sources;
  return { ...base, enabled: ['arxiv'], retries: 1, retryBaseMs: 0, timeoutMs: 2000, ...over, arxiv: { ...base.arxiv, apiUrl, categories, pageSize: 20 } };
}

function sqliteStore(): Store {
  const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'paperboy-arxiv-')), 'paperboy.db'));
  closers.push(() => store.close());
  return store;
}

/**
 * A runner over a copy of the seed index and the given store, with the arXiv source on a virtual
 * clock (the 3-second spacing holds without waiting) and optionally Hugging Face beside it.
 */
async function setup(options: { store?: Store; categories?: string[]; hf?: FakeHuggingFace; fake?: FakeArxiv; over?: Partial<AppConfig['sources']> } = {}) {
  const clock = virtualClock(NOW.getTime());
  const fake = options.fake ?? (await new FakeArxiv(() => clock.now()).start());
  closers.push(() => fake.close());
  const store = options.store ?? sqliteStore();
  const index = new PaperIndex(seeds.map((p) => ({ ...p })));
  store.recordFirstSeen(seeds.map((p) => p.id), new Date('2026-11-01T00:00:00Z'));
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger({ level: 'debug', format: 'json' }, { write: (l: string) => void lines.push(JSON.parse(l)) } as unknown as NodeJS.WritableStream);
  const config = sourcesConfig(fake.url, options.categories, { ...options.over, ...(options.hf ? { enabled: ['huggingface', 'arxiv'], huggingface: { ...testConfig().sources.huggingface, apiUrl: options.hf.url } } : {}) });
  const limiter = new RequestLimiter(3000, clock);
  const arxiv = createArxivSource({
    client: new ArxivClient({ baseUrl: fake.url, userAgent: 'Paperboy/test', limiter, clock, retries: 1, retryBaseMs: 1000, timeoutMs: 2000 }),
    log,
    categories: config.arxiv.categories,
    marginDays: config.arxiv.marginDays,
    maxCatchUpDays: config.catchUpDays,
    firstPollDays: config.freshStartDays,
    pageSize: config.arxiv.pageSize,
    maxPagesPerCategory: config.arxiv.maxPagesPerCategory,
    schedule: { cron: config.arxiv.schedule, timeZone: config.arxiv.timeZone },
    cursor: { load: () => store.sourceCursor('arxiv'), save: (v) => store.saveSourceCursor('arxiv', v, new Date(clock.now())) },
  });
  const sources: PaperSource[] = [...(options.hf ? createSources({ ...config, enabled: ['huggingface'] }, log) : []), arxiv];
  const { cron, live } = fakeCron();
  const runner = createSourceRunner({
    sources,
    store,
    config,
    log,
    now: () => new Date(clock.now()),
    cron,
    ingest: {
      lookup: (id) => index.get(id),
      addToIndex: (papers) => {
        const added = index.add(papers);
        store.recordFirstSeen(added.map((p) => p.id), new Date(clock.now()));
        return added;
      },
    },
  });
  closers.push(() => runner.stop());
  return { fake, store, index, lines, clock, runner, config, live, limiter, warnings: () => lines.filter((l) => l.level === 40) };
}

async function command(text: string, parts: { index: PaperIndex; store: Store; config?: AppConfig }) {
  const context = { config: testConfig(), ...parts, log: createLogger({ level: 'silent', format: 'json' }), now: () => NOW, schedulesChanged() {} };
  const request = { platform: 'console' as const, workspace: 'local', channel: 'console', user: 'me', isAdmin: false };
  const { def, args } = parseCommandText(commands, text);
  return (await runCommand(context, def, request, args)).reply;
}

const WOMBAT = arxivPaper('2611.04321', iso(MONDAY_SUBMISSIONS), {
  title: 'Wombat Burrow Mapping with Sparse Lidar Returns',
  abstract: 'We map wombat burrows from sparse lidar returns collected by a small ground robot, and show the maps are accurate enough for ecologists to count burrow entrances.',
  authors: ['Mia Wombat', 'Leo Quoll'],
  primary: 'cs.RO',
  crossLists: ['cs.LG', 'cs.CV'],
});

describe('arXiv as a live source, through the runner and the store', () => {
  it('stores, indexes and shows a paper only arXiv serves, with its categories', async () => {
    const { fake, store, index, runner, clock } = await setup();
    fake.add(WOMBAT, ...Array.from({ length: 5 }, (_, i) => arxivPaper(`2611.0100${i}`, iso(MONDAY_SUBMISSIONS - (i + 1) * HOUR))));
    const out = await runner.run('arxiv');
    expect(out).toMatchObject({ ok: true, added: 6, merged: 0, skipped: 0 });
    const id = arxivPaperId('2611.04321');
    expect(index.get(id)).toMatchObject({
      title: 'Wombat Burrow Mapping with Sparse Lidar Returns',
      url: 'https://arxiv.org/abs/2611.04321',
      arxivId: '2611.04321',
      authors: ['Mia Wombat', 'Leo Quoll'],
      published: '2026-11-24',
      categories: ['cs.RO', 'cs.LG', 'cs.CV'],
    });
    expect(index.search('wombat burrow lidar').hits[0]?.paper.id).toBe(id);
    expect(store.storedPapers().find((p) => p.id === id)).toMatchObject({ source: 'arxiv', categories: ['cs.RO', 'cs.LG', 'cs.CV'] });
    expect(store.firstSeen(id)).toEqual(new Date(clock.now()));
    expect(store.sourceStates()).toEqual([expect.objectContaining({ source: 'arxiv', fetched: 6, failures: 0 })]);
    expect(JSON.parse(store.sourceCursor('arxiv')!)).toEqual({ newestSubmitted: { 'cs.LG': iso(MONDAY_SUBMISSIONS) } });
    expect(fake.requests.map((r) => r.params)).toEqual([{ search_query: 'cat:cs.LG', sortBy: 'submittedDate', sortOrder: 'descending', start: '0', max_results: '20' }]);

    const shown = await command('show arXiv:2611.04321v1', { index, store });
    expect(shown.papers?.[0]).toMatchObject({ id, title: WOMBAT.title, byline: 'Mia Wombat, Leo Quoll · 2026-11-24 · cs.RO, cs.LG, cs.CV' });
  });

  it('merges with Hugging Face papers and the seeds: one paper, one id', async () => {
    const seedTitle = seeds[7]!.title;
    const hf = await startFakeHuggingFace({ '2026-11-24': [hfItem('2611.04321', WOMBAT.title, WOMBAT.abstract, { upvotes: 42, publishedAt: '2026-11-24T18:00:00.000Z' })] });
    closers.push(() => hf.close());
    const { fake, store, index, runner } = await setup({ hf });
    fake.add(
      { ...WOMBAT, version: 2 },
      arxivPaper('2611.07777', iso(MONDAY_SUBMISSIONS - HOUR), { title: SEED_TITLE, abstract: 'The seed paper again, as arXiv lists it, with an abstract long enough to pass validation.' }),
      arxivPaper('2611.08888', iso(MONDAY_SUBMISSIONS - 2 * HOUR), { title: seedTitle.toUpperCase(), abstract: 'Another seed paper, its title in capitals this time, with an abstract long enough to pass.' }),
    );
    expect((await runner.run('huggingface')).ok).toBe(true);
    const before = index.size;
    const out = await runner.run('arxiv');
    expect(out).toMatchObject({ ok: true, added: 0, merged: 2 });
    expect(index.size).toBe(before);

    // Daily Papers and arXiv brought the same arXiv id (v1 there, v2 here): one paper, both sources' fields.
    const wombats = store.storedPapers().filter((p) => p.arxivId === '2611.04321');
    expect(wombats).toHaveLength(1);
    expect(wombats[0]).toMatchObject({ id: arxivPaperId('2611.04321'), upvotes: 42, categories: ['cs.RO', 'cs.LG', 'cs.CV'] });
    expect(index.get(arxivPaperId('2611.04321'))).toMatchObject({ upvotes: 42, categories: ['cs.RO', 'cs.LG', 'cs.CV'] });
    // Seed papers keep their ids (delivery history holds); their link becomes the arXiv page.
    expect(index.get(SEED_ID)).toMatchObject({ url: 'https://arxiv.org/abs/2611.07777', arxivId: '2611.07777' });
    expect(index.get(seeds[7]!.id)).toMatchObject({ url: 'https://arxiv.org/abs/2611.08888', categories: ['cs.LG'] });
    expect(index.search(SEED_TITLE).hits.filter((h) => h.paper.title.toLowerCase() === SEED_TITLE.toLowerCase())).toHaveLength(1);
    expect(store.paperIdByArxiv('2611.07777')).toBe(SEED_ID);

    // A second poll changes nothing.
    expect(await runner.run('arxiv')).toMatchObject({ ok: true, added: 0, merged: 0, updated: 0 });
  });

  it('leaves the store as it was on each bad payload, and says what went wrong once', async () => {
    const { fake, store, runner, warnings, clock } = await setup({ categories: ['cs.LG', 'cs.CL'] });
    fake.add(WOMBAT, arxivPaper('2611.05000', iso(MONDAY_SUBMISSIONS), { primary: 'cs.CL' }));
    expect((await runner.run('arxiv')).ok).toBe(true);
    const papers = store.storedPapers();
    const cursor = store.sourceCursor('arxiv');

    fake.add(arxivPaper('2611.09999', iso(MONDAY_SUBMISSIONS + HOUR), { title: 'A Paper That Must Not Half Arrive' }));
    const bad = [['error-feed'], ['html-503', 'html-503'], ['truncated', 'truncated'], ['html-200', 'html-200'], ['empty-page', 'empty-page'], [{ status: 404, body: 'no such thing', type: 'text/plain' }]] as const;
    const messages: string[] = [];
    for (const answers of bad) {
      clock.advance(HOUR);
      fake.answer(...answers, ...answers); // both categories fail
      const out = await runner.run('arxiv');
      expect(out.ok).toBe(false);
      messages.push(out.error!);
      expect(store.storedPapers()).toEqual(papers);
      expect(store.sourceCursor('arxiv')).toBe(cursor);
    }
    expect(messages[0]).toMatch(/^cs\.LG: the export API reported an error: incorrect id format/);
    expect(messages[1]).toMatch(/HTTP 503/);
    expect(messages[2]).toMatch(/not well-formed XML/);
    expect(messages[3]).toMatch(/not an Atom feed/);
    expect(messages[4]).toMatch(/came back empty/);
    expect(messages[5]).toMatch(/HTTP 404/);
    expect(store.sourceStates()[0]).toMatchObject({ source: 'arxiv', failures: 6, lastError: messages[5] });
    expect(warnings().length).toBeLessThanOrEqual(bad.length);

    // Once arXiv answers again, the paper arrives.
    clock.advance(HOUR);
    expect(await runner.run('arxiv')).toMatchObject({ ok: true, added: 1 });
  });

  it('keeps going with the other categories when one fails, and retries the failed one next time', async () => {
    const { fake, store, runner } = await setup({ categories: ['cs.CL', 'cs.LG'] });
    fake.add(WOMBAT, arxivPaper('2611.05000', iso(MONDAY_SUBMISSIONS), { primary: 'cs.CL' }));
    fake.answer('error-feed');
    const out = await runner.run('arxiv');
    expect(out).toMatchObject({ ok: false, added: 1 });
    expect(out.error).toMatch(/^cs\.CL: /);
    expect(Object.keys(JSON.parse(store.sourceCursor('arxiv')!).newestSubmitted)).toEqual(['cs.LG']);
    expect(await runner.run('arxiv')).toMatchObject({ ok: true, added: 1 });
  });

  it('after a restart, starts from the stored cursor and pages back past it by the margin', async () => {
    const store = sqliteStore();
    const first = await setup({ store, over: { freshStartDays: 14 } });
    first.fake.add(...Array.from({ length: 60 }, (_, i) => arxivPaper(`2611.2${String(i).padStart(4, '0')}`, iso(MONDAY_SUBMISSIONS - i * 2 * HOUR))));
    expect((await first.runner.run('arxiv')).ok).toBe(true);
    await first.runner.stop();

    // A day later, in a new process: one new paper, and one submitted two days before the newest
    // already stored, announced only now.
    const late = arxivPaper('2611.30000', iso(MONDAY_SUBMISSIONS - 48 * HOUR - 1), { title: 'Held in Moderation for Two Days' });
    first.fake.add(arxivPaper('2611.30001', iso(MONDAY_SUBMISSIONS + 20 * HOUR)), late);
    first.fake.requests.length = 0;
    const second = await setup({ store, fake: first.fake });
    second.clock.advance(24 * HOUR);
    const out = await second.runner.run('arxiv');
    expect(out).toMatchObject({ ok: true, added: 2 });
    expect(second.index.get(arxivPaperId('2611.30000'))?.title).toBe('Held in Moderation for Two Days');
    // Window: 3 days behind Monday's newest (37 old papers, the late one, the new one); the page
    // from 40 on is wholly older, so paging stops there.
    expect(first.fake.requests.map((r) => r.params.start)).toEqual(['0', '20', '40']);
  });

  it('keeps to one request every 3 s, one at a time, across a multi-page backfill of several categories', async () => {
    const { fake, runner, limiter } = await setup({ categories: ['cs.LG', 'cs.CL', 'stat.ML'] });
    for (const [i, cat] of ['cs.LG', 'cs.CL', 'stat.ML'].entries())
      fake.add(...Array.from({ length: 50 }, (_, j) => arxivPaper(`2611.${i}${String(j).padStart(4, '0')}`, iso(MONDAY_SUBMISSIONS - j * HOUR), { primary: cat })));
    expect(await runner.run('arxiv')).toMatchObject({ ok: true, added: 150 });
    expect(fake.requests.length).toBeGreaterThanOrEqual(9);
    const gaps = fake.requests.slice(1).map((r, i) => r.at - fake.requests[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000);
    expect(fake.maxConcurrent).toBe(1);
    expect(limiter.maxConcurrent).toBe(1);
  });

  it('polls on its own schedule, after the announcement in New York time', async () => {
    const { runner, live, fake } = await setup();
    fake.add(WOMBAT);
    runner.start();
    expect(live()).toEqual([expect.objectContaining({ expression: '0 21 * * 0-4', timezone: 'America/New_York', name: 'paperboy-source-arxiv' })]);
    await live()[0]!.fn();
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
  });
});

describe('arXiv in the configuration and /papers sources', () => {
  it('reads ARXIV_API_URL and ARXIV_CATEGORIES, and refuses what is not a category', async () => {
    const { loadConfig } = await import('../src/config/index.js');
    const config = loadConfig({ SOURCES: 'huggingface,arxiv', ARXIV_API_URL: 'http://127.0.0.1:9', ARXIV_CATEGORIES: ' cs.LG, cs.CL ,,cs.LG' });
    expect(config.sources.enabled).toEqual(['huggingface', 'arxiv']);
    expect(config.sources.arxiv).toMatchObject({ apiUrl: 'http://127.0.0.1:9', categories: ['cs.LG', 'cs.CL'] });
    expect(loadConfig({}).sources.arxiv).toMatchObject({ apiUrl: 'https://export.arxiv.org', categories: [] });
    expect(() => loadConfig({ ARXIV_CATEGORIES: 'cs.LG OR all:x' })).toThrow(/sources\.arxiv\.categories\.0 = "cs\.LG OR all:x" is not allowed: expected arXiv categories/);
  });

  it('builds no arXiv source without categories, and says so', () => {
    const lines: { msg: string }[] = [];
    const log = createLogger({ level: 'info', format: 'json' }, { write: (l: string) => void lines.push(JSON.parse(l)) } as unknown as NodeJS.WritableStream);
    const config = sourcesConfig('http://127.0.0.1:9', []);
    expect(createSources(config, log)).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringContaining('arxiv is enabled but lists no categories')]);
    expect(createSources(sourcesConfig('http://127.0.0.1:9', ['cs.LG']), log).map((s) => s.name)).toEqual(['arxiv']);
  });

  it('/papers sources lists the categories', async () => {
    const { store, index, runner, fake } = await setup({ categories: ['cs.LG', 'stat.ML'] });
    fake.add(WOMBAT);
    await runner.run('arxiv');
    const config = { ...testConfig(), sources: sourcesConfig(fake.url, ['cs.LG', 'stat.ML']) };
    const reply = await command('sources', { index, store, config });
    expect(reply.text).toContain('arxiv: enabled');
    expect(reply.text).toContain('categories:   cs.LG, stat.ML');
  });
});
