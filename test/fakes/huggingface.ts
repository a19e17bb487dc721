import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTML_503, TRUNCATED_JSON } from './huggingface-fixtures.js';

/** What the fake answers for one date. Arrays are paged by `p` and `limit` like the real API. */
export type DayAnswer =
  | unknown[]
  | { kind: 'html503' }
  | { kind: 'truncated' }
  | { kind: '429'; retryAfter?: number }
  | { kind: 'json'; body: unknown }
  | { kind: 'hang' };

export interface FakeHuggingFace {
  /** Base URL to use as HF_API_URL. */
  url: string;
  /** Paths and queries requested, in order. */
  requests: string[];
  /** Answers per YYYY-MM-DD; other dates get `otherDays` (default: an empty list). */
  days: Map<string, DayAnswer>;
  otherDays: DayAnswer;
  /** Answers for the next requests, whatever the date (taken first). */
  queue: DayAnswer[];
  close(): Promise<void>;
}

/** A local Hugging Face Daily Papers API on 127.0.0.1: GET /api/daily_papers?date=&limit=&p=. */
export async function startFakeHuggingFace(days: Record<string, DayAnswer> = {}): Promise<FakeHuggingFace> {
  const hanging = new Set<ServerResponse>();
  const fake: FakeHuggingFace = {
    url: '',
    requests: [],
    days: new Map(Object.entries(days)),
    otherDays: [],
    queue: [],
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push(`${url.pathname}${url.search}`);
    if (req.method !== 'GET' || url.pathname !== '/api/daily_papers') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not Found"}');
      return;
    }
    const date = url.searchParams.get('date') ?? '';
    const answer = fake.queue.shift() ?? fake.days.get(date) ?? fake.otherDays;
    if (Array.isArray(answer)) {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const page = Number(url.searchParams.get('p') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer.slice(page * limit, (page + 1) * limit)));
      return;
    }
    switch (answer.kind) {
      case 'html503':
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end(HTML_503);
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(TRUNCATED_JSON);
        return;
      case '429':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(answer.retryAfter ?? 0) });
        res.end('{"error":"You have been rate-limited"}');
        return;
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
        return;
      case 'hang':
        hanging.add(res);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
