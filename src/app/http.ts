import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { HttpRoute } from '../platforms/platform.js';

export interface HealthReport {
  ok: boolean;
  /** Still reading the corpus and opening the store. */
  starting?: boolean;
  corpus: { papers: number };
  store: 'ok' | string;
  platforms: Record<string, boolean>;
  /** Each enabled live source: "ok", or "failing since ...: why" once past the alert time. Never makes ok false. */
  sources?: Record<string, string>;
}

/** /healthz (200 when healthy, else 503) and /metrics (Prometheus text). */
export function opsRoutes(health: () => HealthReport, registry: Registry): HttpRoute[] {
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler(_req, res) {
        const report = health();
        res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler(_req, res) {
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(text);
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`metrics unavailable: ${(err as Error).message}`);
          },
        );
      },
    },
  ];
}

/** Serves the routes on their own port, for when Slack's HTTP receiver isn't running. */
export async function serveRoutes(routes: HttpRoute[], port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (route) return route.handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
