import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app/boot.js';
import { silentLogger } from '../src/core/log.js';
import { testConfig } from './support/context.js';

describe('/healthz and /metrics', () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    const config = testConfig();
    app = await startApp({ ...config, corpus: { ...config.corpus, watch: false }, http: { port: 0, host: '127.0.0.1' } }, silentLogger, { input, output, interactive: false });
    base = `http://127.0.0.1:${(app.server!.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.stop();
  });

  it('reports a healthy console bot with its corpus loaded and its store writable', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; corpus: { papers: number }; store: string; platforms: Record<string, boolean> };
    expect(body.ok).toBe(true);
    expect(body.corpus.papers).toBeGreaterThan(400);
    expect(body.store).toBe('ok');
    expect(body.platforms).toEqual({ console: true });
  });

  it('counts commands and searches in Prometheus text', async () => {
    const answered = new Promise<void>((resolve) => output.on('data', () => printed.includes('Papers for') && resolve()));
    input.write('/papers search graph neural networks\n');
    await answered;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/paperboy_commands_total\{platform="console",command="search",outcome="ok"\} 1/);
    expect(text).toMatch(/paperboy_searches_total 1/);
    expect(text).toContain('paperboy_search_duration_seconds_bucket');
    expect(text).toContain('paperboy_process_resident_memory_bytes');
  });

  it('answers 404 for anything else', async () => {
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
  });
});
