import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { atomEntry, atomFeed, errorFeed, html503, type FakeArxivPaper } from './arxiv-atom.js';

export type { FakeArxivPaper } from './arxiv-atom.js';

/** One request the bot made to the fake export API. */
export interface ArxivRequest {
  path: string;
  params: Record<string, string>;
  userAgent: string | undefined;
  /** The test's clock when the request arrived (virtual time under a fake clock). */
  at: number;
}

/**
 * A scripted answer for the next request, before the fake answers normally again:
 * arXiv's error feed, an HTML 503, a feed cut off mid-entry, a page with no entries although the
 * listing says there are more, an HTML page with status 200, or any status and body.
 */
export type ArxivAnswer = 'error-feed' | 'html-503' | 'truncated' | 'empty-page' | 'html-200' | { status: number; body: string; type?: string };

/**
 * A fake arXiv export API on 127.0.0.1: `GET /api/query?search_query=cat:<c>&sortBy=submittedDate
 * &sortOrder=descending&start=&max_results=` over the papers it holds, answered as real-shaped
 * Atom. It records every request and how many were open at once.
 */
export class FakeArxiv {
  readonly requests: ArxivRequest[] = [];
  readonly answers: ArxivAnswer[] = [];
  private readonly papers: FakeArxivPaper[] = [];
  private readonly server: Server;
  private open = 0;
  maxConcurrent = 0;
  /** Runs before each answer: a test can change the listing between two pages. */
  beforeAnswer?: (request: ArxivRequest) => void;
  /** Declare the arXiv namespaces once on the feed rather than on each element. */
  rootNamespaces = false;
  port = 0;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Adds papers (or a newer version of one already held). */
  add(...papers: FakeArxivPaper[]): this {
    for (const paper of papers) {
      const at = this.papers.findIndex((p) => p.id === paper.id);
      if (at >= 0) this.papers[at] = paper;
      else this.papers.push(paper);
    }
    return this;
  }

  /** Queues scripted answers for the next requests. */
  answer(...answers: ArxivAnswer[]): this {
    this.answers.push(...answers);
    return this;
  }

  /** The papers of one category, newest submission first: what `sortBy=submittedDate` returns. */
  listing(category: string): FakeArxivPaper[] {
    return this.papers
      .filter((p) => p.primary === category || (p.crossLists ?? []).includes(category))
      .sort((a, b) => Date.parse(b.published) - Date.parse(a.published) || b.id.localeCompare(a.id));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const params = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, params, userAgent: req.headers['user-agent'], at: this.now() });
    this.open += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.open);
    res.on('close', () => (this.open -= 1));
    // Answer on the next turn so a second request, had the client sent one, would overlap.
    const request = this.requests.at(-1)!;
    setImmediate(() => {
      this.beforeAnswer?.(request);
      this.respond(url, params, res);
    });
  }

  private respond(url: URL, params: Record<string, string>, res: ServerResponse): void {
    if (url.pathname !== '/api/query') return send(res, 404, 'text/plain', 'not found');
    const scripted = this.answers.shift();
    if (scripted === 'html-503') return send(res, 503, 'text/html', html503, { 'retry-after': '5' });
    if (scripted === 'html-200') return send(res, 200, 'text/html', '<html><body><h1>arXiv</h1><p>Welcome</p></body></html>');
    if (scripted === 'error-feed') return send(res, 200, 'application/atom+xml', errorFeed('incorrect id format for 1234.56789'));
    if (typeof scripted === 'object') return send(res, scripted.status, scripted.type ?? 'application/atom+xml', scripted.body);

    const start = Number(params.start ?? 0);
    const max = Number(params.max_results ?? 10);
    const query = params.search_query ?? '';
    const category = query.startsWith('cat:') ? query.slice(4) : '';
    const listing = this.listing(category);
    const slice = scripted === 'empty-page' ? [] : listing.slice(start, start + max);
    const body = atomFeed(slice.map((p) => atomEntry(p, this.rootNamespaces)), { query, start, maxResults: max, totalResults: listing.length, rootNamespaces: this.rootNamespaces });
    if (scripted === 'truncated') return send(res, 200, 'application/atom+xml', body.slice(0, Math.floor(body.length * 0.6)));
    send(res, 200, 'application/atom+xml; charset=utf-8', body);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}

/** A paper for the fake: the fields a test does not care about filled in plausibly. */
export function arxivPaper(id: string, published: string, fields: Partial<FakeArxivPaper> = {}): FakeArxivPaper {
  return {
    id,
    title: `Paper ${id}: a study of learning systems`,
    abstract: `We study paper ${id} and report what we find across several settings and benchmarks.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    published,
    primary: 'cs.LG',
    ...fields,
  };
}
