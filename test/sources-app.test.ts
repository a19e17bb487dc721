import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../src/app/boot.js';
import { commands as cliCommands } from '../src/cli/commands.js';
import { runCli } from '../src/cli/run.js';
import { arxivPaperId, loadCorpus } from '../src/core/corpus/index.js';
import { silentLogger } from '../src/core/log.js';
import { createScheduler } from '../src/core/scheduler.js';
import { PaperIndex } from '../src/core/search/index.js';
import { createSourceRunner, createSources } from '../src/core/sources/index.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { hfItem, mondayDay, normalDay } from './fakes/huggingface-fixtures.js';
import { startFakeHuggingFace, type FakeHuggingFace } from './fakes/huggingface.js';
import { fakeCron, RecordingDeliverer } from './scheduler-support.js';
import { testConfig } from './support/context.js';

const QUOKKA = arxivPaperId('2611.01234');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeHf(): Promise<FakeHuggingFace> {
  const fake = await startFakeHuggingFace();
  cleanups.push(() => fake.close());
  return fake;
}
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-sources-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The bot on the console platform with SQLite under dataDir and the Hugging Face source at apiUrl. */
async function boot(dataDir: string, apiUrl: string, output = new PassThrough(), corpusDir?: string, watch = false): Promise<{ app: RunningApp; input: PassThrough; printed: () => string }> {
  const base = testConfig();
  const config = {
    ...base,
    store: { driver: 'sqlite' as const, dataDir },
    corpus: { dir: corpusDir ?? base.corpus.dir, watch },
    http: { port: 0, host: '127.0.0.1' },
    sources: { ...base.sources, enabled: ['huggingface' as const], retries: 0, failingAlertMinutes: 0, huggingface: { ...base.sources.huggingface, apiUrl } },
  };
  const input = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const app = await startApp(config, silentLogger, { input, output, interactive: false });
  cleanups.push(() => app.stop());
  return { app, input, printed: () => printed };
}

describe('fetched papers in the running bot', () => {
  it('starts on an empty corpus folder when a live source is on', async () => {
    const fake = await fakeHf();
    fake.otherDays = normalDay;
    const { app } = await boot(tmp(), fake.url, new PassThrough(), tmp());
    await vi.waitFor(() => expect(app.health().corpus.papers).toBe(3), { timeout: 10_000, interval: 20 });
    expect(app.health().ok).toBe(true);
  });

  it('does not index a corpus file paper twice when a source already brought it', async () => {
    const fake = await fakeHf();
    fake.otherDays = normalDay;
    const corpus = tmp();
    const { app } = await boot(tmp(), fake.url, new PassThrough(), corpus, true);
    await vi.waitFor(() => expect(app.health().corpus.papers).toBe(3), { timeout: 10_000, interval: 20 });
    const line = (title: string) => JSON.stringify({ title, abstract: 'An abstract long enough to be an abstract of a paper about marsupials and pouch tokens.' });
    writeFileSync(join(corpus, 'late.jsonl'), [line('QUOKKA: zero-shot marsupial segmentation with sparse pouch tokens'), line('A Genuinely New Corpus Paper')].join('\n'));
    await vi.waitFor(() => expect(app.health().corpus.papers).toBe(4), { timeout: 10_000, interval: 20 });
  });

  it('keeps every fetched paper across a restart with the source down; /healthz stays 200 and names the failing source', async () => {
    const seedCount = (await loadCorpus('seeds')).papers.length;
    const fake = await fakeHf();
    fake.otherDays = normalDay; // whatever today is, the fake serves these
    const dataDir = tmp();
    const first = await boot(dataDir, fake.url);
    await vi.waitFor(() => expect(first.app.health().corpus.papers).toBe(seedCount + 2), { timeout: 10_000, interval: 20 });
    const metricsUrl = `http://127.0.0.1:${(first.app.server!.address() as AddressInfo).port}/metrics`;
    await vi.waitFor(async () => expect(await (await fetch(metricsUrl)).text()).toMatch(/paperboy_source_last_success_timestamp_seconds\{source="huggingface"\} \d{10}/), { timeout: 5000, interval: 20 });
    expect(await (await fetch(metricsUrl)).text()).toContain('paperboy_source_papers_fetched_total{source="huggingface"} 9'); // 3 days, the same 3 items each
    await first.app.stop();

    // The admin's view from the command line, read from the same store.
    vi.stubEnv('DATA_DIR', dataDir);
    vi.stubEnv('SOURCES', 'huggingface');
    const out: string[] = [];
    expect(await runCli(['sources'], cliCommands, { stdin: new PassThrough(), out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    vi.unstubAllEnvs();
    expect(out.join('\n')).toMatch(/^huggingface: enabled\n  last success: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n  last error:   none\n  papers saved: 3$/);
    await fake.close();

    const second = await boot(dataDir, await closedPort());
    expect(second.app.health().corpus.papers).toBe(seedCount + 2);
    second.input.write('/papers show arXiv:2611.01234v1\n');
    await vi.waitFor(() => expect(second.printed()).toContain('Quokka: Zero-Shot Marsupial Segmentation'), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(second.app.health().sources?.huggingface).toMatch(/^failing since .*cannot connect \(ECONNREFUSED\)/), { timeout: 10_000, interval: 20 });
    const res = await fetch(`http://127.0.0.1:${(second.app.server!.address() as AddressInfo).port}/healthz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('delivers a fetched paper to a matching follow at the next digest', async () => {
    const fake = await fakeHf();
    fake.days.set('2026-11-23', normalDay);
    const store = createMemoryStore();
    const seeds = (await loadCorpus('seeds')).papers;
    const index = new PaperIndex(seeds.map((p) => ({ ...p })));
    const clock = { now: new Date('2026-11-22T12:00:00Z') };
    store.recordFirstSeen(seeds.map((p) => p.id), clock.now);
    const alice = { platform: 'slack' as const, workspace: 'T', user: 'U1' };
    store.addFollow(alice, 'marsupial segmentation', clock.now);
    const deliverer = new RecordingDeliverer();
    const config = testConfig();
    const scheduler = createScheduler({ store, index, config, log: silentLogger, deliverers: new Map([['slack', deliverer]]), cron: fakeCron().cron, clock: () => clock.now, sleep: async () => {} });
    const sources = { ...config.sources, enabled: ['huggingface' as const], freshStartDays: 1, huggingface: { ...config.sources.huggingface, apiUrl: fake.url } };
    const runner = createSourceRunner({
      sources: createSources(sources, silentLogger), store, config: sources, log: silentLogger, now: () => clock.now, cron: fakeCron().cron,
      ingest: { lookup: (id) => index.get(id), addToIndex: (papers) => scheduler.addPapers(papers) },
    });
    clock.now = new Date('2026-11-23T07:00:00Z');
    expect(await runner.run('huggingface')).toMatchObject({ ok: true, added: 2 });
    await scheduler.runDue(new Date('2026-11-23T08:00:00Z'));
    const sent = deliverer.to('U1');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.reply.papers?.map((p) => p.id)).toContain(QUOKKA);
    // A later fetch with a changed title is an update, never new again.
    fake.days.set('2026-11-24', [hfItem('2611.01234v2', 'Quokka Two: Marsupial Segmentation Revisited', 'Revised: marsupial segmentation with sparse pouch tokens, now for wallabies and wombats as well.')]);
    clock.now = new Date('2026-11-24T07:00:00Z');
    expect(await runner.run('huggingface')).toMatchObject({ ok: true, added: 0, updated: 1 });
    await scheduler.runDue(new Date('2026-11-24T08:00:00Z'));
    expect(deliverer.to('U1').flatMap((s) => s.reply.papers?.map((p) => p.id) ?? []).filter((id) => id === QUOKKA)).toHaveLength(1);
    await runner.stop();
    await scheduler.stop();
  });
});

describe('kill -9 during ingestion', () => {
  function runIngest(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/ingest-runner.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout })));
    return { child, done };
  }

  it('loses nothing already stored and duplicates nothing when the fetch is killed and run again', async () => {
    const fake = await fakeHf();
    fake.days.set('2026-11-22', normalDay);
    fake.days.set('2026-11-23', { kind: 'hang' });
    const db = join(tmp(), 'paperboy.db');
    const env = { INGEST_DB: db, HF_URL: fake.url, INGEST_NOW: '2026-11-23T09:00:00Z', INGEST_DAYS: '2' };
    const watcher = openSqliteStore(db);
    cleanups.push(() => watcher.close());

    const killed = runIngest(env);
    // The first day is stored; the second request hangs: kill it there.
    await vi.waitFor(() => {
      expect(watcher.storedPapers()).toHaveLength(3);
      expect(fake.requests.some((r) => r.includes('2026-11-23'))).toBe(true);
    }, { timeout: 15_000, interval: 25 });
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    const afterKill = watcher.storedPapers();
    expect(afterKill.map((p) => p.arxivId).sort()).toEqual(['2611.01234', '2611.04321', '2611.05555']);

    fake.days.set('2026-11-23', [...mondayDay, normalDay[0]!]);
    for (let i = 0; i < 2; i++) {
      const again = await runIngest(env).done;
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: true });
    }
    const papers = watcher.storedPapers();
    expect(papers.map((p) => p.arxivId).sort()).toEqual(['2611.01234', '2611.04321', '2611.05555', '2611.07777']);
    expect(new Set(papers.map((p) => p.id)).size).toBe(4);
    for (const p of afterKill) expect(papers).toContainEqual(p);
    expect(watcher.sourceStates()[0]).toMatchObject({ source: 'huggingface', lastSuccess: new Date('2026-11-23T09:00:00Z') });
  }, 90_000);
});
