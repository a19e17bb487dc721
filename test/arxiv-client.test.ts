import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ArxivClient, ArxivError, RequestLimiter, systemClock } from '../src/core/sources/arxiv/index.js';
import { arxivPaper, FakeArxiv } from './fakes/arxiv.js';
import { virtualClock, type VirtualClock } from './support/virtual-clock.js';

const recorded = readFileSync(new URL('./fixtures/arxiv/cs-LG-page.xml', import.meta.url), 'utf8');
const UA = 'Paperboy/0.1.0 (research-paper digest bot; test)';

let fake: FakeArxiv;
let clock: VirtualClock;
beforeEach(async () => {
  clock = virtualClock();
  fake = await new FakeArxiv(() => clock.now()).start();
});
afterEach(async () => {
  vi.useRealTimers();
  await fake.close();
});

function client(options: Partial<ConstructorParameters<typeof ArxivClient>[0]> = {}): ArxivClient {
  return new ArxivClient({ baseUrl: fake.url, userAgent: UA, limiter: new RequestLimiter(3000, clock), clock, retryBaseMs: 1000, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<ArxivError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ArxivError);
  return err as ArxivError;
}

describe('ArxivClient', () => {
  it('asks for one category, newest submissions first, with a descriptive User-Agent', async () => {
    fake.answer({ status: 200, body: recorded });
    const page = await client({ baseUrl: `${fake.url}/` }).page({ category: 'cs.LG', start: 200, maxResults: 100 });
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2401.13002', '2401.12977', 'math/0309136']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      path: '/api/query',
      params: { search_query: 'cat:cs.LG', sortBy: 'submittedDate', sortOrder: 'descending', start: '200', max_results: '100' },
      userAgent: UA,
    });
  });

  it('reads an empty result as no papers, without retrying', async () => {
    const page = await client().page({ category: 'cs.XX', start: 0, maxResults: 50 });
    expect(page).toMatchObject({ totalResults: 0, papers: [] });
    expect(fake.requests).toHaveLength(1);
  });

  it('reports the error feed at once: asking again would not help', async () => {
    fake.answer('error-feed');
    const err = await refusal(client().page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err.failure).toBe('api');
    expect(err.message).toContain('incorrect id format for 1234.56789');
    expect(fake.requests).toHaveLength(1);
  });

  it('prefers the error feed message when it comes with a 400', async () => {
    fake.answer({ status: 400, body: readFileSync(new URL('./fixtures/arxiv/cs-LG-page.xml', import.meta.url), 'utf8').replace(/<entry>[\s\S]*<\/entry>/, '<entry><id>http://arxiv.org/api/errors#x</id><title>Error</title><summary>max_results must be at most 30000</summary></entry>') });
    const err = await refusal(client().page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err).toMatchObject({ failure: 'api', status: 400 });
    expect(err.message).toContain('max_results must be at most 30000');
  });

  it('retries an HTML 503 after its Retry-After, then reads the page', async () => {
    fake.add(arxivPaper('2401.00001', '2024-01-23T10:00:00Z'));
    fake.answer('html-503');
    const page = await client().page({ category: 'cs.LG', start: 0, maxResults: 10 });
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2401.00001']);
    expect(fake.requests).toHaveLength(2);
    expect(clock.sleeps[0]).toBe(5000); // Retry-After: 5 beats the 1 s base backoff
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(5000);
  });

  it('gives up after its retries with a clear error', async () => {
    fake.answer('html-503', 'html-503', 'html-503');
    const err = await refusal(client({ retries: 2 }).page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err).toMatchObject({ failure: 'unavailable', status: 503 });
    expect(err.message).toMatch(/HTTP 503/);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a truncated answer, an HTML 200 and an empty page inside the listing', async () => {
    fake.add(arxivPaper('2401.00001', '2024-01-23T10:00:00Z'));
    fake.answer('truncated', 'html-200', 'empty-page');
    const page = await client({ retries: 3 }).page({ category: 'cs.LG', start: 0, maxResults: 10 });
    expect(page.papers).toHaveLength(1);
    expect(fake.requests).toHaveLength(4);
  });

  it('says a persistently truncated answer is malformed', async () => {
    fake.add(arxivPaper('2401.00001', '2024-01-23T10:00:00Z'));
    fake.answer('truncated', 'truncated');
    const err = await refusal(client({ retries: 1 }).page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err.failure).toBe('malformed');
    expect(err.message).toMatch(/not well-formed XML.*cut off/);
  });

  it('refuses an answer over the size limit', async () => {
    fake.add(arxivPaper('2401.00001', '2024-01-23T10:00:00Z'));
    const err = await refusal(client({ retries: 0, maxBytes: 500 }).page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err.message).toMatch(/500-byte limit/);
  });

  it('reports a server that is not there as a network error', async () => {
    const url = fake.url;
    await fake.close();
    const err = await refusal(client({ baseUrl: url, retries: 0 }).page({ category: 'cs.LG', start: 0, maxResults: 10 }));
    expect(err.failure).toBe('network');
    fake = await new FakeArxiv().start(); // for afterEach
  });

  it('never puts anything but a category name into the query', async () => {
    const err = await refusal(client().page({ category: 'cs.LG OR all:x', start: 0, maxResults: 10 }));
    expect(err.message).toMatch(/not an arXiv category/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('RequestLimiter', () => {
  it('spaces requests 3 s apart and runs one at a time (fake timers, real clock code)', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const limiter = new RequestLimiter(3000, systemClock);
    const starts: number[] = [];
    let open = 0;
    let maxOpen = 0;
    const request = (ms: number) => async () => {
      starts.push(Date.now());
      maxOpen = Math.max(maxOpen, ++open);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      open -= 1;
    };
    const all = Promise.all([limiter.run(request(500)), limiter.run(request(0)), limiter.run(request(0))]);
    await vi.advanceTimersByTimeAsync(500 + 2999);
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 3500]);
    await vi.advanceTimersByTimeAsync(3000);
    await all;
    expect(starts).toEqual([0, 3500, 6500]);
    expect(maxOpen).toBe(1);
  });

  it('keeps spacing after a failed request, and a cancelled wait leaves the queue', async () => {
    const limiter = new RequestLimiter(3000, clock);
    const starts: number[] = [];
    await expect(limiter.run(async () => {
      starts.push(clock.now());
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const abort = new AbortController();
    abort.abort(new Error('shutting down'));
    await expect(limiter.run(async () => starts.push(clock.now()), abort.signal)).rejects.toThrow('shutting down');
    await limiter.run(async () => starts.push(clock.now()));
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBe(3000);
  });
});
