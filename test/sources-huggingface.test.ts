import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../src/config/index.js';
import { commands, parseCommandText, runCommand } from '../src/core/commands/index.js';
import { arxivPaperId, loadCorpus, parseArxivId } from '../src/core/corpus/index.js';
import { createLogger } from '../src/core/log.js';
import { PaperIndex } from '../src/core/search/index.js';
import { createSourceRunner, createSources, readDailyPapers, sourceFactories } from '../src/core/sources/index.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import type { Paper } from '../src/core/types.js';
import { emptyDay, hfItem, mondayDay, normalDay, SEED_ID, SEED_TITLE, weekendDay } from './fakes/huggingface-fixtures.js';
import { startFakeHuggingFace, type DayAnswer, type FakeHuggingFace } from './fakes/huggingface.js';
import { fakeCron } from './scheduler-support.js';
import { testConfig } from './support/context.js';

let seeds: Paper[];
beforeAll(async () => {
  seeds = (await loadCorpus('seeds')).papers;
});

const fakes: FakeHuggingFace[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const MONDAY = new Date('2026-11-23T09:00:00Z');

function sourcesConfig(apiUrl: string, over: Partial<AppConfig['sources']> = {}, pageSize = 100): AppConfig['sources'] {
  const base = testConfig().sources;
  return { ...base, enabled: ['huggingface'], freshStartDays: 4, retries: 1, retryBaseMs: 0, timeoutMs: 2000, ...over, huggingface: { ...base.huggingface, apiUrl, pageSize } };
}

/** A runner over a fresh copy of the seed index, the given store and the fake; its log lines are kept. */
async function setup(days: Record<string, DayAnswer> = { '2026-11-20': normalDay, '2026-11-21': weekendDay, '2026-11-22': weekendDay, '2026-11-23': emptyDay }, options: { store?: Store; over?: Partial<AppConfig['sources']>; apiUrl?: string; pageSize?: number } = {}) {
  const fake = await startFakeHuggingFace(days);
  fakes.push(fake);
  const store = options.store ?? createMemoryStore();
  const index = new PaperIndex(seeds.map((p) => ({ ...p })));
  store.recordFirstSeen(seeds.map((p) => p.id), new Date('2026-11-01T00:00:00Z'));
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger({ level: 'debug', format: 'json' }, { write: (l: string) => void lines.push(JSON.parse(l)) } as unknown as NodeJS.WritableStream);
  const clock = { now: MONDAY };
  const config = sourcesConfig(options.apiUrl ?? fake.url, options.over, options.pageSize);
  const { cron, live } = fakeCron();
  const runner = createSourceRunner({
    sources: createSources(config, log),
    store,
    config,
    log,
    now: () => clock.now,
    cron,
    ingest: {
      lookup: (id) => index.get(id),
      addToIndex: (papers) => {
        const added = index.add(papers);
        store.recordFirstSeen(added.map((p) => p.id), clock.now);
        return added;
      },
    },
  });
  return { fake, store, index, lines, clock, runner, config, live, warnings: () => lines.filter((l) => l.level === 40) };
}

const QUOKKA = arxivPaperId('2611.01234');

/** A URL on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('arXiv ids', () => {
  it('read the usual spellings and drop the version, so v1 and v2 are one paper', () => {
    for (const s of ['2401.12345', '2401.12345v2', 'arXiv:2401.12345v1', 'ARXIV: 2401.12345', 'https://arxiv.org/abs/2401.12345v3', 'http://arxiv.org/pdf/2401.12345v2.pdf', 'https://www.arxiv.org/abs/2401.12345/'])
      expect(parseArxivId(s), s).toBe('2401.12345');
    expect(parseArxivId('hep-th/9901001v2')).toBe('hep-th/9901001');
    for (const s of ['p-am5j09zwk1', 'diffusion', '2401.123', 'https://example.org/abs/2401.12345', 'javascript:2401.12345']) expect(parseArxivId(s), s).toBeUndefined();
    expect(arxivPaperId('2401.12345')).toMatch(/^p-[0-9a-z]{10}$/);
  });

  it('refuse Daily Papers items that are not papers, keeping the rest', () => {
    const { papers, skipped } = readDailyPapers([normalDay[0], { paper: { id: 'not-an-id', title: 'x', summary: 'y' } }, { title: 'no paper' }]);
    expect(papers.map((p) => p.arxivId)).toEqual(['2611.01234']);
    expect(skipped).toHaveLength(2);
    expect(() => readDailyPapers({ error: 'nope' })).toThrow(/expected a JSON array of papers, got object/);
  });
});

describe('Hugging Face Daily Papers against the local fake', () => {
  it('fetches the last few days on a fresh store, one request per day and page, and indexes the new papers', async () => {
    const { fake, store, index, runner } = await setup();
    const out = await runner.run('huggingface');
    expect(out).toMatchObject({ ok: true, added: 2, merged: 1, updated: 0, skipped: 0 });
    expect(fake.requests).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'].map((d) => `/api/daily_papers?date=${d}&limit=100&p=0`));
    const quokka = index.get(QUOKKA)!;
    expect(quokka).toMatchObject({
      title: 'Quokka: Zero-Shot Marsupial Segmentation with Sparse Pouch Tokens',
      url: 'https://arxiv.org/abs/2611.01234',
      arxivId: '2611.01234',
      authors: ['Mia Wombat', 'Leo Quoll', 'Ivy Dunnart'],
      published: '2026-11-19',
      upvotes: 42,
    });
    expect(index.search('marsupial segmentation').hits[0]?.paper.id).toBe(QUOKKA);
    expect(store.firstSeen(QUOKKA)).toEqual(MONDAY);
    // Given as 2611.05555v2: the same id as v1 would get.
    expect(index.get(arxivPaperId('2611.05555'))?.title).toBe('Hyperbolic Tidal Embeddings for Lunar Rovers');
    expect(store.storedPapers()).toHaveLength(3);
    expect(store.sourceStates()).toEqual([{ source: 'huggingface', lastSuccess: MONDAY, fetched: 3, failures: 0 }]);
  });

  it('reads every page of a long day until a short page', async () => {
    const many = Array.from({ length: 5 }, (_, i) => hfItem(`2611.1000${i}`, `Paged Paper Number ${i} About Wombats`, `An abstract about wombats number ${i} that is long enough to be a real abstract of a paper.`));
    const { fake, store, runner } = await setup({ '2026-11-23': many }, { over: { freshStartDays: 1 }, pageSize: 2 });
    expect((await runner.run('huggingface')).ok).toBe(true);
    expect(fake.requests).toEqual([0, 1, 2].map((p) => `/api/daily_papers?date=2026-11-23&limit=2&p=${p}`));
    expect(store.storedPapers()).toHaveLength(5);
  });

  it('merges a paper that is also in the seeds (same normalized title) into one, keeping the seed id', async () => {
    const { store, index, runner } = await setup();
    const before = index.size;
    await runner.run('huggingface');
    expect(index.size).toBe(before + 2);
    const seed = index.get(SEED_ID)!;
    expect(seed.title).toBe(SEED_TITLE);
    expect(seed.url).toBe('https://arxiv.org/abs/2611.04321');
    expect(seed.upvotes).toBe(7);
    expect(store.paperIdByArxiv('2611.04321')).toBe(SEED_ID);
    expect(store.firstSeen(SEED_ID)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(index.get(arxivPaperId('2611.04321'))).toBeUndefined();
  });

  it('finds a fetched paper by its arXiv id, with a version, with the arXiv: prefix, or by its link', async () => {
    const { store, index, runner } = await setup();
    await runner.run('huggingface');
    const context = { index, store, config: testConfig(), log: createLogger({ level: 'silent', format: 'json' }), now: () => MONDAY, schedulesChanged() {} };
    const request = { platform: 'console' as const, workspace: 'local', channel: 'console', user: 'me', isAdmin: false };
    for (const id of ['2611.05555', 'arXiv:2611.05555v2', 'https://arxiv.org/abs/2611.05555v1', '2611.04321']) {
      const { def, args } = parseCommandText(commands, `show ${id}`);
      const outcome = await runCommand(context, def, request, args);
      expect(outcome.reply.papers?.[0]?.title, id).toBe(id === '2611.04321' ? SEED_TITLE : 'Hyperbolic Tidal Embeddings for Lunar Rovers');
    }
  });

  it('/papers sources tells anyone each source, its last success, last error and papers saved', async () => {
    const { store, index, runner, clock, fake } = await setup();
    const request = { platform: 'console' as const, workspace: 'local', channel: 'console', user: 'me', isAdmin: false };
    const ask = async (config: AppConfig) => {
      const { def, args } = parseCommandText(commands, 'sources');
      return (await runCommand({ index, store, config, log: createLogger({ level: 'silent', format: 'json' }), now: () => clock.now, schedulesChanged() {} }, def, request, args)).reply.text;
    };
    expect(await ask(testConfig())).toContain('Live fetching is off');
    await runner.run('huggingface');
    fake.otherDays = { kind: 'html503' };
    fake.days.clear();
    clock.now = new Date('2026-11-23T15:00:00Z');
    await runner.run('huggingface');
    const on = { ...testConfig(), sources: { ...testConfig().sources, enabled: ['huggingface' as const] } };
    const text = await ask(on);
    expect(text).toContain('huggingface: enabled, failing since 2026-11-23 15:00 UTC');
    expect(text).toContain('last success: 2026-11-23 09:00 UTC');
    expect(text).toMatch(/last error: +2026-11-22 page 0: HTTP 503 Service Unavailable \(2026-11-23 15:00 UTC\)/);
    expect(text).toContain('papers saved: 3');
  });

  it('updates a paper whose title or abstract changed, under the same id, without making it new again', async () => {
    const { fake, store, runner, clock } = await setup();
    await runner.run('huggingface');
    fake.days.set('2026-11-24', [hfItem('2611.01234v2', 'Quokka 2: Zero-Shot Marsupial Segmentation', 'A revised abstract: we now also segment wallabies, and the pouch tokens are twice as sparse as before.')]);
    clock.now = new Date('2026-11-24T09:00:00Z');
    const out = await runner.run('huggingface');
    expect(out).toMatchObject({ ok: true, added: 0, updated: 1 });
    const stored = store.storedPapers().find((p) => p.id === QUOKKA)!;
    expect(stored.title).toBe('Quokka 2: Zero-Shot Marsupial Segmentation');
    expect(store.storedPapers()).toHaveLength(3);
    expect(store.firstSeen(QUOKKA)).toEqual(MONDAY);
  });

  it('catches up from the last success with a day of overlap, at most catchUpDays back', async () => {
    const { fake, runner, clock } = await setup();
    await runner.run('huggingface');
    fake.requests.length = 0;
    clock.now = new Date('2026-11-25T09:00:00Z');
    await runner.run('huggingface');
    expect(fake.requests.map((r) => /date=([\d-]+)/.exec(r)?.[1])).toEqual(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    fake.requests.length = 0;
    clock.now = new Date('2027-01-25T09:00:00Z');
    await runner.run('huggingface');
    expect(fake.requests).toHaveLength(14);
    expect(fake.requests[0]).toContain('date=2027-01-12');
  });

  it('retries a 429 and then stores the day', async () => {
    const { fake, store, runner } = await setup({ '2026-11-23': mondayDay }, { over: { freshStartDays: 1 } });
    fake.queue.push({ kind: '429', retryAfter: 0 });
    expect((await runner.run('huggingface')).ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(store.storedPapers().map((p) => p.arxivId)).toEqual(['2611.07777']);
  });

  const badPayloads: [string, DayAnswer, RegExp][] = [
    ['an HTML 503 page', { kind: 'html503' }, /HTTP 503/],
    ['truncated JSON', { kind: 'truncated' }, /not valid JSON \(application\/json, 700 bytes/],
    ['a 429 that does not end', { kind: '429', retryAfter: 0 }, /HTTP 429/],
    ['an object instead of a list', { kind: 'json', body: { error: 'Invalid date' } }, /expected a JSON array of papers, got object/],
  ];
  for (const [what, answer, why] of badPayloads) {
    it(`leaves the store intact and logs it when the source answers ${what}`, async () => {
      const { fake, store, index, runner, clock, warnings } = await setup();
      await runner.run('huggingface');
      const papersBefore = store.storedPapers();
      const sizeBefore = index.size;
      fake.days.clear();
      fake.otherDays = answer;
      clock.now = new Date('2026-11-24T09:00:00Z');
      const out = await runner.run('huggingface');
      expect(out.ok).toBe(false);
      expect(out.error).toMatch(why);
      expect(store.storedPapers()).toEqual(papersBefore);
      expect(index.size).toBe(sizeBefore);
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.msg).toMatch(why);
      expect(warnings()[0]!.msg).toContain('Paperboy keeps running');
      const state = store.sourceStates()[0]!;
      expect(state).toMatchObject({ lastSuccess: MONDAY, failingSince: clock.now, failures: 1 });
      expect(state.lastError).toMatch(why);
      await runner.stop();
    });
  }

  it('skips fetched items the validator refuses, logging them, and stores the rest', async () => {
    const bad = [
      hfItem('2611.20001', 'x'.repeat(5000), 'A title far too long to be one, which the validator must refuse outright.'),
      hfItem('2611.20002', 'Binary \u0000 Title', 'An abstract that is fine on its own but comes with a title holding a NUL byte.'),
      ...mondayDay,
    ];
    const { store, runner, warnings } = await setup({ '2026-11-23': bad }, { over: { freshStartDays: 1 } });
    const out = await runner.run('huggingface');
    expect(out).toMatchObject({ ok: true, added: 1, skipped: 2 });
    expect(store.storedPapers().map((p) => p.arxivId)).toEqual(['2611.07777']);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.examples).toEqual([
      '2026-11-23 page 0: 2611.20001: the title is longer than 300 characters',
      '2026-11-23 page 0: 2611.20002: the title is not text (control characters or undecodable bytes)',
    ]);
  });

  it('with no network logs one clear warning, retries with growing delays, and reports failing past the alert time', async () => {
    const { store, runner, clock, warnings, lines } = await setup({}, { apiUrl: await closedPort(), over: { retries: 0, failingAlertMinutes: 60 } });
    for (let i = 0; i < 3; i++) {
      const out = await runner.run('huggingface');
      expect(out.error).toMatch(/cannot connect \(ECONNREFUSED\)/);
      clock.now = new Date(clock.now.getTime() + 30 * 60_000);
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toBe('huggingface: fetching failed (cannot connect (ECONNREFUSED)); Paperboy keeps running with the papers it has and retries with backoff');
    expect(lines.filter((l) => l.msg === 'huggingface: still failing').map((l) => l.retryInMinutes)).toEqual([10, 20]);
    expect(store.sourceStates()[0]).toMatchObject({ failures: 3, failingSince: MONDAY });
    expect(runner.status()[0]).toMatchObject({ source: 'huggingface', enabled: true, alert: true });
    await runner.stop();
  });

  it('polls on the configured cron schedule, in UTC', async () => {
    const { runner, live, store } = await setup();
    runner.start();
    expect(live()).toEqual([expect.objectContaining({ expression: '20 */6 * * *', timezone: 'UTC' })]);
    await live()[0]!.fn();
    expect(store.sourceStates()[0]?.lastSuccess).toEqual(MONDAY);
    await runner.stop();
    expect(live()).toEqual([]);
  });
});

describe('source configuration', () => {
  it('reads SOURCES and HF_API_URL, with fetching on by default and "none" turning it off', () => {
    expect(loadConfig({}).sources).toMatchObject({ enabled: ['huggingface'], huggingface: { apiUrl: 'https://huggingface.co' } });
    expect(loadConfig({ SOURCES: 'none' }).sources.enabled).toEqual([]);
    expect(loadConfig({ SOURCES: ' HuggingFace , arxiv ' }).sources.enabled).toEqual(['huggingface', 'arxiv']);
    expect(loadConfig({ HF_API_URL: 'http://127.0.0.1:8080' }).sources.huggingface.apiUrl).toBe('http://127.0.0.1:8080');
    expect(() => loadConfig({ SOURCES: 'rss' })).toThrow(/sources\.enabled\.0 = "rss" is not allowed/);
    expect(() => loadConfig({ HF_API_URL: 'ftp://example.org' })).toThrow(/sources\.huggingface\.apiUrl/);
  });

  it('skips an enabled source this build does not have, with one warning', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json' }, { write: (l: string) => void lines.push(l) } as unknown as NodeJS.WritableStream);
    const sources = createSources({ ...loadConfig({}).sources, enabled: ['huggingface', 'arxiv'] }, log);
    expect(sources.map((s) => s.name)).toEqual(Object.keys(sourceFactories).filter((n) => n === 'huggingface' || n === 'arxiv'));
    expect(lines.length).toBe(2 - sources.length);
  });
});
