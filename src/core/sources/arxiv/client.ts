import { parseArxivFeed, type ArxivPage } from './atom.js';
import { systemClock, type Clock } from './clock.js';
import { ArxivError } from './errors.js';
import { isArxivCategory } from './ids.js';
import { processArxivLimiter, type RequestLimiter } from './limiter.js';

export interface ArxivClientOptions {
  /** Export API origin, e.g. https://export.arxiv.org (no trailing `/api`). */
  baseUrl: string;
  /** Sent with every request: arXiv asks API users to say who they are. */
  userAgent: string;
  /** Defaults to the process-wide limiter; pass one only in tests. */
  limiter?: RequestLimiter;
  clock?: Clock;
  /** Per attempt, from request to the last byte. */
  timeoutMs?: number;
  /** Further attempts after a network error, a 429/5xx or a cut-off answer. */
  retries?: number;
  /** First wait before a retry; doubles each time, and a longer Retry-After wins (up to 5 minutes). */
  retryBaseMs?: number;
  /** Answers larger than this are refused (a 2,000-entry page is about 5 MB). */
  maxBytes?: number;
}

export interface PageQuery {
  category: string;
  start: number;
  maxResults: number;
}

const MAX_RETRY_WAIT_MS = 300_000;

/** The arXiv export API (`/api/query`), newest submissions of one category first. */
export class ArxivClient {
  private readonly limiter: RequestLimiter;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly maxBytes: number;
  private readonly endpoint: string;

  constructor(private readonly options: ArxivClientOptions) {
    this.limiter = options.limiter ?? processArxivLimiter();
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/api/query`;
  }

  /** The URL of one page; the query names a single category, so no user text reaches it. */
  pageUrl({ category, start, maxResults }: PageQuery): string {
    if (!isArxivCategory(category)) throw new ArxivError(`"${category.slice(0, 40)}" is not an arXiv category such as cs.LG`, 'api');
    const params = new URLSearchParams({
      search_query: `cat:${category}`,
      sortBy: 'submittedDate',
      sortOrder: 'descending',
      start: String(start),
      max_results: String(maxResults),
    });
    return `${this.endpoint}?${params}`;
  }

  /** One page, retried on failures that may pass; every attempt waits its turn at the limiter. */
  async page(query: PageQuery, signal?: AbortSignal): Promise<ArxivPage> {
    const url = this.pageUrl(query);
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await this.limiter.run(() => this.get(url, signal), signal);
        if (page.entryCount === 0 && page.totalResults !== null && query.start < page.totalResults) {
          // The export API sometimes answers a page inside the listing with no entries at all.
          throw new ArxivError(`page at ${query.start} of ${page.totalResults} came back empty`, 'malformed');
        }
        return page;
      } catch (err) {
        if (!(err instanceof ArxivError) || !err.retryable || attempt >= this.retries || signal?.aborted) throw err;
        const backoff = this.retryBaseMs * 2 ** attempt;
        await this.clock.sleep(Math.min(MAX_RETRY_WAIT_MS, Math.max(backoff, (err.retryAfterSeconds ?? 0) * 1000)), signal);
      }
    }
  }

  private async get(url: string, signal?: AbortSignal): Promise<ArxivPage> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { headers: { 'user-agent': this.options.userAgent, accept: 'application/atom+xml' }, signal: combined });
      body = await readCapped(res, this.maxBytes);
    } catch (err) {
      if (err instanceof ArxivError) throw err;
      if (signal?.aborted) throw signal.reason;
      const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : `request failed (${(err as Error).message})`;
      throw new ArxivError(why, 'network');
    }
    if (res.status === 429 || res.status >= 500) {
      throw new ArxivError(`HTTP ${res.status} (service unavailable; will try again later)`, 'unavailable', res.status, retryAfter(res));
    }
    if (!res.ok) {
      // A bad query can come back as a 400 carrying the error feed: prefer its message.
      const feedError = tryFeedError(body);
      throw new ArxivError(feedError ?? `HTTP ${res.status}`, feedError ? 'api' : 'http', res.status);
    }
    return parseArxivFeed(body);
  }
}

function tryFeedError(body: string): string | null {
  try {
    parseArxivFeed(body);
    return null;
  } catch (err) {
    return err instanceof ArxivError && err.failure === 'api' ? err.message.replace(/^arXiv: /, '') : null;
  }
}

function retryAfter(res: Response): number | undefined {
  const value = Number(res.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new ArxivError(`answer of ${declared} bytes is over the ${maxBytes}-byte limit`, 'malformed', res.status);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new ArxivError(`answer over the ${maxBytes}-byte limit`, 'malformed', res.status);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
