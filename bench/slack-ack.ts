/**
 * Slack ack latency: signed `/papers search` requests through the real bolt HTTP receiver
 * against the local fake Slack. The fake and the load generator run in a worker thread so the
 * bot's event loop is its own, as in production. `npx tsx bench/slack-ack.ts` prints the section.
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { commands, type CommandContext } from '../src/core/commands/index.js';
import { loadConfig } from '../src/config/index.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { PaperIndex } from '../src/core/search/index.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { createSlackAdapter } from '../src/platforms/slack/index.js';
import { percentile } from './lib/measure.js';
import { FakeSlack, postSigned, slashCommandBody } from '../test/fakes/slack.js';
import { printSectionWhenMain } from './lib/main.js';

const REQUESTS = 500;
const CONCURRENCY = 20;
const SECRET = 'bench-signing-secret';
const QUERIES = ['diffusion', 'state space models', 'graph neural networks', 'LLM reasoning', '"in-context learning" -vision', 'RLHF', 'mixture of experts', 'protein folding'];
const seedsDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'seeds');

interface LoadResult {
  /** Acks of the first, cold burst (JIT, first connections), reported apart from the measured run. */
  coldAckMs: number[];
  ackMs: number[];
  answerMs: number[];
  errors: number;
  seconds: number;
}

type ToWorker = { eventsUrl: string } | { close: true };
type FromWorker = { apiUrl: string } | { result: LoadResult } | { closed: true };

export async function run(): Promise<string> {
  const context: CommandContext = {
    index: new PaperIndex((await loadCorpus(seedsDir)).papers),
    store: createMemoryStore(),
    config: loadConfig({}),
    log: silentLogger,
    now: () => new Date(),
    schedulesChanged() {},
  };
  // Workers do not inherit tsx's loader: the stub registers it, then loads this file.
  const stub = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(stub, { eval: true });
  const next = async (): Promise<FromWorker> => (await once(worker, 'message'))[0] as FromWorker;
  try {
    const { apiUrl } = (await next()) as { apiUrl: string };
    const adapter = createSlackAdapter(
      { context, commands, log: silentLogger, metrics: noMetrics },
      { botToken: 'xoxb-bench', signingSecret: SECRET, apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [] },
    );
    await adapter.start();
    worker.postMessage({ eventsUrl: `http://127.0.0.1:${adapter.address()!.port}/slack/events` } satisfies ToWorker);
    const { result } = (await next()) as { result: LoadResult };
    await adapter.stop();
    worker.postMessage({ close: true } satisfies ToWorker);
    await next();
    return report(result, context.index.size);
  } finally {
    await worker.terminate();
  }
}

/** In the worker: the fake Slack and 20 concurrent senders. */
async function load(eventsUrl: string, fake: FakeSlack): Promise<LoadResult> {
  const cold = await burst(eventsUrl, fake, CONCURRENCY);
  const result = await burst(eventsUrl, fake, REQUESTS);
  return { ...result, coldAckMs: cold.ackMs, errors: result.errors + cold.errors };
}

async function burst(eventsUrl: string, fake: FakeSlack, requests: number): Promise<LoadResult> {
  const result: LoadResult = { coldAckMs: [], ackMs: [], answerMs: [], errors: 0, seconds: 0 };
  let sent = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < requests) {
      const i = sent++;
      const { id, url } = fake.newResponseUrl();
      const t0 = performance.now();
      try {
        const res = await postSigned(eventsUrl, slashCommandBody(`search ${QUERIES[i % QUERIES.length]}`, url), SECRET);
        await res.arrayBuffer();
        result.ackMs.push(performance.now() - t0);
        if (res.status !== 200) result.errors += 1;
        const answer = await fake.response(id, 1, 10_000);
        result.answerMs.push(performance.now() - t0);
        if (answer.response_type !== 'ephemeral') result.errors += 1;
      } catch {
        result.errors += 1;
      }
    }
  }));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function workerMain(): Promise<void> {
  const port = parentPort!;
  const fake = await new FakeSlack().start();
  port.on('message', (message: ToWorker) => {
    if ('eventsUrl' in message) {
      void load(message.eventsUrl, fake).then((result) => port.postMessage({ result } satisfies FromWorker));
    } else {
      void fake.close().then(() => port.postMessage({ closed: true } satisfies FromWorker));
    }
  });
  port.postMessage({ apiUrl: fake.apiUrl } satisfies FromWorker);
}

function report(r: LoadResult, papers: number): string {
  return [
    '## Slack: /papers ack latency (bolt HTTP receiver, local fake Slack)',
    '',
    `${REQUESTS} signed \`/papers search\` requests, ${CONCURRENCY} concurrent, ${papers} papers, after a warm-up burst. Ack: the HTTP 200 from /slack/events; answer: the response_url post. Load generator and fake in a worker thread.`,
    '',
    '| measure | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|',
    `| ack | ${fmt(percentile(r.ackMs, 50))} | ${fmt(percentile(r.ackMs, 99))} | ${fmt(Math.max(...r.ackMs))} |`,
    `| answer on response_url | ${fmt(percentile(r.answerMs, 50))} | ${fmt(percentile(r.answerMs, 99))} | ${fmt(Math.max(...r.answerMs))} |`,
    `| ack, first cold burst of ${CONCURRENCY} (not in the rows above) | ${fmt(percentile(r.coldAckMs, 50))} | ${fmt(percentile(r.coldAckMs, 99))} | ${fmt(Math.max(...r.coldAckMs))} |`,
    '',
    `Errors: ${r.errors} (target 0). Throughput: ${(REQUESTS / r.seconds).toFixed(0)} commands/s. Target: ack p99 < 50 ms (Slack requires < 3 s).`,
    '',
  ].join('\n');
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}

if (!isMainThread) {
  void workerMain();
} else {
  printSectionWhenMain(import.meta.url, run);
}
