import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { CONSOLE_USER, createConsoleAdapter, type ConsoleEnd } from '../src/platforms/console/index.js';
import { createTestContext } from './support/context.js';

const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

describe('rating a console digest with keys', () => {
  it('shows [u<n>] 👍 and [d<n>] 👎 under each paper; the keys rate for that follow, and the digest’s keys keep working', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const context = await createTestContext();
    let end!: (info: ConsoleEnd) => void;
    const ended = new Promise<ConsoleEnd>((resolve) => (end = resolve));
    const adapter = createConsoleAdapter({ context, commands, log: silentLogger, metrics: noMetrics }, { input, output, interactive: false, onEnd: end });
    await adapter.start();
    const person = { platform: 'console' as const, workspace: CONSOLE_USER.workspace, user: CONSOLE_USER.user };
    context.store.addFollow(person, 'LLM inference', new Date('2026-11-01T00:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['console', adapter.deliverer]]), sleep: async () => {} });
    expect(await scheduler.runDue(new Date('2026-11-23T08:00:20Z'))).toMatchObject({ sent: 1 });
    expect(printed).toMatch(/\[u1\] 👍 {2}\[d1\] 👎/);
    const ids = [...printed.matchAll(/^ {4}(p-[0-9a-z]{10}) /gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(2);
    input.end('u1\nd2\nu2\nd99\n/papers follows\n');
    await ended;
    expect(Object.fromEntries(context.store.followRatings(person).get('llm inference')!)).toEqual({ [ids[0]!]: 1, [ids[1]!]: 1 });
    expect(printed).toContain('👍 for “LLM inference”: papers like it come first (1 👍, 0 👎)');
    expect(printed).toContain('👎 for “LLM inference”: papers like it stop coming (1 👍, 1 👎)');
    expect(printed).toContain('There is no [d99] on the last reply.');
    expect(printed).toContain('1. LLM inference (2 👍, 0 👎)');
  });
});
