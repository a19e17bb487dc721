import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { ArxivClient, fetchCategory, RequestLimiter, windowStart, type PollOptions } from '../src/core/sources/arxiv/index.js';
import { createArxivSource, readCursor } from '../src/core/sources/arxiv/source.js';
import { SourceError, type FetchedPaper } from '../src/core/sources/source.js';
import { arxivPaper, FakeArxiv, type FakeArxivPaper } from './fakes/arxiv.js';
import { virtualClock, type VirtualClock } from './support/virtual-clock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let fake: FakeArxiv;
let clock: VirtualClock;
let limiter: RequestLimiter;
beforeEach(async () => {
  clock = virtualClock(Date.parse('2024-01-24T02:00:00Z'));
  fake = await new FakeArxiv(() => clock.now()).start();
  limiter = new RequestLimiter(3000, clock);
});
afterEach(() => fake.close());

const client = () => new ArxivClient({ baseUrl: fake.url, userAgent: 'Paperboy test', limiter, clock, retries: 1, retryBaseMs: 1000 });
const options = (o: Partial<PollOptions> = {}): PollOptions => ({ categories: ['cs.LG'], marginDays: 3, maxCatchUpDays: 14, firstPollDays: 3, pageSize: 20, maxPagesPerCategory: 50, ...o });

/** `count` papers of one category, one every `everyHours`, the newest submitted at `newest`. */
function papers(prefix: string, count: number, newest: number, everyHours: number, fields: Partial<FakeArxivPaper> = {}): FakeArxivPaper[] {
  return Array.from({ length: count }, (_, i) => arxivPaper(`${prefix}.${String(10000 + i)}`, iso(newest - i * everyHours * HOUR), fields));
}

describe('windowStart', () => {
  const now = Date.parse('2024-01-24T02:00:00Z');
  const o = { marginDays: 3, maxCatchUpDays: 14, firstPollDays: 2 };
  it('starts a category never polled a few days back', () => {
    expect(windowStart(undefined, now, o).toISOString()).toBe('2024-01-22T02:00:00.000Z');
  });
  it('looks the margin behind the newest submission already seen', () => {
    expect(windowStart('2024-01-23T18:00:00Z', now, o).toISOString()).toBe('2024-01-20T18:00:00.000Z');
  });
  it('never catches up further back than the bound', () => {
    expect(windowStart('2023-11-01T00:00:00Z', now, o).toISOString()).toBe('2024-01-10T02:00:00.000Z');
  });
  it('treats a newest date in the future as now', () => {
    expect(windowStart('2030-01-01T00:00:00Z', now, o).toISOString()).toBe('2024-01-21T02:00:00.000Z');
  });
});

describe('fetchCategory: when to stop paging', () => {
  it('pages until a whole page was submitted before the window, and no further', async () => {
    fake.add(...papers('2401', 200, Date.parse('2024-01-23T18:00:00Z'), 1)); // one an hour for 200 hours
    const since = new Date(Date.parse('2024-01-23T18:00:00Z') - 45 * HOUR);
    const result = await fetchCategory(client(), { category: 'cs.LG', since, pageSize: 20, maxPages: 50 });
    expect(result.papers).toHaveLength(46); // hours 0..45 inclusive
    expect(result.papers.every((p) => Date.parse(p.published) >= since.getTime())).toBe(true);
    // Pages 0-19, 20-39, 40-59 (holds 40..45 and older), 60-79 (all older): stop there.
    expect(fake.requests.map((r) => r.params.start)).toEqual(['0', '20', '40', '60']);
    expect(result).toMatchObject({ pages: 4, truncated: false });
  });

  it('stops at the end of the listing and on an empty category', async () => {
    fake.add(...papers('2401', 7, Date.parse('2024-01-23T18:00:00Z'), 1));
    const since = new Date(0);
    expect((await fetchCategory(client(), { category: 'cs.LG', since, pageSize: 20, maxPages: 50 })).papers).toHaveLength(7);
    expect((await fetchCategory(client(), { category: 'cs.CL', since, pageSize: 20, maxPages: 50 })).papers).toHaveLength(0);
    expect(fake.requests).toHaveLength(2);
  });

  it('counts a paper once when the listing shifts between two pages', async () => {
    const newest = Date.parse('2024-01-23T18:00:00Z');
    fake.add(...papers('2401', 30, newest, 1));
    fake.beforeAnswer = (request) => {
      // A new submission lands while we page: everything moves down by one.
      if (request.params.start === '20') fake.add(arxivPaper('2401.99999', iso(newest + HOUR)));
    };
    const result = await fetchCategory(client(), { category: 'cs.LG', since: new Date(0), pageSize: 20, maxPages: 50 });
    const ids = result.papers.map((p) => p.arxivId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(30); // 2401.10019 came on both pages; 2401.99999 sorted before the page we were on
  });

  it('says when the page bound cut a backfill short', async () => {
    fake.add(...papers('2401', 100, Date.parse('2024-01-23T18:00:00Z'), 1));
    const result = await fetchCategory(client(), { category: 'cs.LG', since: new Date(0), pageSize: 20, maxPages: 2 });
    expect(result).toMatchObject({ pages: 2, truncated: true });
    expect(result.papers).toHaveLength(40);
  });
});

/** One poll of the arXiv source over the fake, its cursor kept in `cursor`; collects what it yields. */
async function poll(cursor: { value?: string }, o: Partial<PollOptions> = {}) {
  const source = createArxivSource({
    client: client(),
    log: silentLogger,
    ...options(o),
    schedule: { cron: '0 21 * * 0-4', timeZone: 'America/New_York' },
    cursor: { load: () => cursor.value, save: (v) => void (cursor.value = v) },
  });
  const papers: FetchedPaper[] = [];
  let error: SourceError | undefined;
  try {
    for await (const batch of source.fetch({ since: new Date(0), until: new Date(clock.now()) }, new AbortController().signal)) papers.push(...batch.papers);
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    error = err;
  }
  return { papers, error, newest: readCursor(cursor.value).newestSubmitted };
}

describe('the arXiv source: polls, cursors and the stopping rule', () => {
  it('finds late-announced papers that "stop at the first paper already seen" would lose', async () => {
    const monday = Date.parse('2024-01-23T18:00:00Z');
    fake.add(...papers('2401', 120, monday, 1));
    const cursor: { value?: string } = {};
    const first = await poll(cursor);
    expect(first.error).toBeUndefined();
    expect(first.newest['cs.LG']).toBe(iso(monday));
    const seen = new Set(first.papers.map((p) => p.arxivId));

    // The next day: new submissions, plus two papers submitted days ago that arXiv announces only
    // now (on hold, or cross-listed late). They sort among papers the first poll already had.
    clock.advance(DAY);
    fake.add(...papers('2402', 10, monday + 20 * HOUR, 1));
    const late = [arxivPaper('2401.50001', iso(monday - 30 * HOUR)), arxivPaper('2401.50002', iso(monday - 60 * HOUR), { primary: 'cs.CL', crossLists: ['cs.LG'] })];
    fake.add(...late);
    fake.requests.length = 0;

    const listing = fake.listing('cs.LG').map((p) => p.id);
    const firstSeen = listing.findIndex((id) => seen.has(id));
    expect(listing.indexOf('2401.50001')).toBeGreaterThan(firstSeen); // the naive rule stops before it
    expect(listing.indexOf('2401.50002')).toBeGreaterThan(firstSeen + 20); // more than a page further

    const second = await poll(cursor);
    const fetched = second.papers.map((p) => p.arxivId);
    expect(fetched).toEqual(expect.arrayContaining(['2401.50001', '2401.50002', '2402.10000', '2402.10009']));
    expect(new Set(fetched).size).toBe(fetched.length);
    expect(second.newest['cs.LG']).toBe(iso(monday + 20 * HOUR));
    // The window reached back 3 days behind Monday's newest; the last page was wholly older.
    const since = monday - 3 * DAY;
    const lastStart = Number(fake.requests.at(-1)!.params.start);
    const lastPage = fake.listing('cs.LG').slice(lastStart, lastStart + 20);
    expect(lastPage.every((p) => Date.parse(p.published) < since)).toBe(true);
    const beforeLast = fake.listing('cs.LG').slice(lastStart - 20, lastStart);
    expect(beforeLast.some((p) => Date.parse(p.published) >= since)).toBe(true);
  });

  it('lists a cross-listed paper once, with its categories, and keeps a cursor per category', async () => {
    const t = Date.parse('2024-01-23T18:00:00Z');
    fake.add(
      arxivPaper('2401.00001', iso(t), { primary: 'cs.LG', crossLists: ['cs.CL'] }),
      arxivPaper('2401.00002', iso(t - HOUR), { primary: 'cs.CL' }),
      arxivPaper('2401.00003', iso(t - 2 * HOUR), { primary: 'cs.LG' }),
    );
    const result = await poll({}, { categories: ['cs.LG', 'cs.CL'] });
    // Listed in both categories, so yielded by both; ingestion stores it once (one arXiv id, one id).
    expect([...new Set(result.papers.map((p) => p.arxivId))].sort()).toEqual(['2401.00001', '2401.00002', '2401.00003']);
    expect(result.papers.find((p) => p.arxivId === '2401.00001')!.categories).toEqual(['cs.LG', 'cs.CL']);
    expect(result.newest).toEqual({ 'cs.LG': iso(t), 'cs.CL': iso(t) });
  });

  it('keeps what other categories fetched when one fails, and the failed one retries its whole window next time', async () => {
    const t = Date.parse('2024-01-23T18:00:00Z');
    fake.add(...papers('2401', 30, t, 1, { primary: 'cs.CL' }), arxivPaper('2402.00001', iso(t), { primary: 'cs.LG' }));
    const cursor = { value: JSON.stringify({ newestSubmitted: { 'cs.CL': iso(t - DAY), 'cs.LG': iso(t - DAY) } }) };
    fake.beforeAnswer = (request) => {
      if (request.params.search_query === 'cat:cs.CL' && request.params.start === '20') fake.answer('truncated');
    };
    const result = await poll(cursor, { categories: ['cs.CL', 'cs.LG'] });
    expect(result.error?.message).toMatch(/^cs\.CL: the answer is not well-formed XML/);
    expect(result.error?.transient).toBe(true);
    // cs.CL's first page came through (and would be stored); the cut-off second one did not.
    expect(result.papers.map((p) => p.arxivId)).toEqual([...papers('2401', 20, t, 1).map((p) => p.id), '2402.00001']);
    expect(result.newest).toEqual({ 'cs.CL': iso(t - DAY), 'cs.LG': iso(t) });
  });

  it('keeps to one request every 3 s and one at a time through a multi-page backfill of several categories', async () => {
    const t = Date.parse('2024-01-23T18:00:00Z');
    for (const [i, cat] of ['cs.LG', 'cs.CL', 'stat.ML'].entries()) fake.add(...papers(`24${10 + i}`, 120, t, 2, { primary: cat }));
    const stale = { value: JSON.stringify({ newestSubmitted: { 'cs.LG': iso(t - 30 * DAY), 'cs.CL': iso(t - 30 * DAY), 'stat.ML': iso(t - 30 * DAY) } }) };
    // Two polls at once (say a catch-up and a cron tick) share the process's limiter.
    const [a, b] = await Promise.all([poll(stale, { categories: ['cs.LG', 'cs.CL', 'stat.ML'] }), poll({}, { categories: ['stat.ML'] })]);
    expect(a.papers).toHaveLength(3 * 120); // 14 days back covers all 240 hours
    expect(b.papers.length).toBeGreaterThan(0);
    expect(fake.requests.length).toBeGreaterThan(20);
    const gaps = fake.requests.slice(1).map((r, i) => r.at - fake.requests[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000);
    expect(fake.maxConcurrent).toBe(1);
    expect(limiter.maxConcurrent).toBe(1);
  });
});
