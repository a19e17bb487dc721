import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendOptions } from '../src/core/deliverer.js';
import { DeliveryError } from '../src/core/errors.js';
import type { Reply } from '../src/core/reply.js';
import type { Target } from '../src/core/types.js';
import { runSlot } from '../src/core/digest-targets.js';
import { channelDigest, harness } from './scheduler-support.js';

const before = new Date('2026-03-01T00:00:00Z');
const user = (n: number) => ({ platform: 'slack' as const, workspace: 'T', user: `U${n}` });

/** A send that never answers; it ends only when its abort signal fires (if it gets one). */
const hang = (options?: SendOptions) =>
  new Promise<never>((_, reject) => options?.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('digest flow control', () => {
  it('four hung targets do not hold up the others (concurrency 4), and each hung send ends at its deadline', async () => {
    const h = harness();
    for (let n = 1; n <= 10; n++) h.store.addFollow(user(n), 'diffusion', before);
    const hung = new Set(['U1', 'U2', 'U3', 'U4']);
    const record = h.deliverer.send.bind(h.deliverer);
    h.deliverer.send = (target: Target, reply: Reply, options?: SendOptions) => (hung.has(target.id) ? hang(options) : record(target, reply, options));

    const pass = h.scheduler.runDue();
    // Only timers move the hung sends along: a few seconds in, everyone else has their digest.
    await vi.advanceTimersByTimeAsync(6_000);
    expect(h.deliverer.sent.map((s) => s.target.id).sort()).toEqual(['U10', 'U5', 'U6', 'U7', 'U8', 'U9']);

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const summary = await pass;
    expect(summary).toMatchObject({ sent: 6, failed: 4 });
    expect(h.store.pendingRuns()).toEqual([]);
    const slot = h.scheduler.targets().find((t) => t.target.id === 'U1')!;
    const run = h.store.getRun(slot.target, runSlot(slot, new Date('2026-03-02T08:00:00Z')));
    expect(run).toMatchObject({ state: 'failed', attempts: 3 });
    expect(run!.error).toContain('deadline');
  });

  it("one channel's 429 waits out its Retry-After for that channel only", async () => {
    const h = harness();
    channelDigest(h.store, 'diffusion', { channel: 'C1' });
    channelDigest(h.store, 'graph', { channel: 'C2' });
    h.deliverer.fail = (target, attempt) => (target.id === 'C1' && attempt === 1 ? new DeliveryError('rate limited', 'transient', 'ratelimited', 30_000) : undefined);
    h.at('2026-03-02T09:00:00Z');
    const summary = await h.scheduler.runDue();
    expect(summary).toMatchObject({ sent: 2, failed: 0 });
    // The only wait in the whole pass is C1's 30 s; C2 went at once, no backoff was added on top.
    expect(h.delays).toEqual([30_000]);
    expect(h.deliverer.sent.map((s) => s.target.id).sort()).toEqual(['C1', 'C2']);
  });

  it('stop(grace) abandons a hung send after the grace period and leaves its run claimed', async () => {
    const h = harness();
    h.store.addFollow(user(1), 'diffusion', before);
    let entered!: () => void;
    const inSend = new Promise<void>((resolve) => (entered = resolve));
    h.deliverer.send = (_target: Target, _reply: Reply, options?: SendOptions) => {
      entered();
      return hang(options);
    };
    const pass = h.scheduler.runDue();
    await inSend;
    const stopping = h.scheduler.stop(3_000);
    await vi.advanceTimersByTimeAsync(3_000);
    await stopping;
    expect(await pass).toMatchObject({ interrupted: 1, failed: 0 });
    expect(h.store.pendingRuns()).toHaveLength(1);
  });
});
