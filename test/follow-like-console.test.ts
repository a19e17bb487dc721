import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createConsoleAdapter, type ConsoleEnd } from '../src/platforms/console/index.js';
import { createTestContext } from './support/context.js';

/** Follow by example and "why this paper" in the console: the [lN] key, the list, the digest's reasons. */

const SEED = 'p-ahy3wqk1qh'; // "Scalable Second Order Optimization for Deep Learning"
const you = { platform: 'console' as const, workspace: 'local', user: 'you' };
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

describe('follow by example in the console', () => {
  it('[lN] follows papers like paper N; the follow is listed by its title; the digest says why each paper came', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const context = await createTestContext({ now: new Date('2026-11-23T07:00:00Z') });
    let end!: (info: ConsoleEnd) => void;
    const ended = new Promise<ConsoleEnd>((resolve) => (end = resolve));
    const adapter = createConsoleAdapter({ context, commands, log: silentLogger, metrics: noMetrics }, { input, output, interactive: false, onEnd: end });
    await adapter.start();

    // Which number the seed paper gets on the first page decides the key.
    const page = context.index.search('scalable second order optimization deep learning', { limit: context.config.search.pageSize }).hits;
    const n = page.findIndex((h) => h.paper.id === SEED) + 1;
    expect(n).toBeGreaterThan(0);
    input.end(`/papers search scalable second order optimization deep learning\nl${n}\n/papers follow like p-zzzzzzzzzz\n/papers follow macroeconomics\n/papers follows\n`);
    await ended;
    expect(printed).toContain(`[l${n}] Follow papers like this`);
    expect(printed).toContain('Following papers like “Scalable Second Order Optimization for Deep Learning”');
    expect(printed).toContain('! I have no paper with id "p-zzzzzzzzzz".');
    expect(printed).toContain('1. papers like “Scalable Second Order Optimization for Deep Learning”\n2. macroeconomics');
    expect(context.store.listFollows(you).map((f) => f.examples)).toEqual([[SEED], undefined]);

    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['console', adapter.deliverer]]), sleep: async () => {} });
    const before = printed.length;
    expect(await scheduler.runDue(new Date('2026-11-24T08:00:20Z'))).toMatchObject({ sent: 1 });
    const digest = printed.slice(before);
    expect(digest).toContain('papers like “Scalable Second Order Optimization for Deep Learning”: ');
    const papers = digest.match(/\n *\d+\. /g) ?? [];
    expect(papers.length).toBeGreaterThan(0);
    expect(digest.match(/\n {4}Why: like “Scalable Second Order Optimization for Deep Learning”\n/g)).toHaveLength(papers.length);
    expect(digest.match(/\[l\d+\] Follow papers like this/g)).toHaveLength(papers.length);
  });
});
