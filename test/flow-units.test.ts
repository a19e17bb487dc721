import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelPacing } from '../src/core/flow/channel-pacing.js';
import { DeadlineError, withDeadline } from '../src/core/flow/deadline.js';
import { InflightGate } from '../src/core/flow/inflight-gate.js';
import { SeenKeys } from '../src/core/flow/seen-keys.js';
import { SendSlots } from '../src/core/flow/send-slots.js';

describe('SeenKeys', () => {
  it('reports a repeat within the window, forgets it after, and never holds more than its bound', () => {
    let now = 0;
    const seen = new SeenKeys(1000, 3, () => now);
    expect([seen.firstTime('a'), seen.firstTime('a')]).toEqual([true, false]);
    now = 1000;
    expect(seen.firstTime('a')).toBe(true);
    for (const k of ['b', 'c', 'd', 'e']) seen.firstTime(k);
    expect(seen.size).toBe(3);
  });
});

describe('InflightGate', () => {
  it('admits up to its bound, refuses past it, and counts a release once', () => {
    const gate = new InflightGate(2);
    const a = gate.tryEnter()!;
    gate.tryEnter();
    expect(gate.tryEnter()).toBeUndefined();
    a();
    a();
    expect(gate.inFlight).toBe(1);
    expect(gate.tryEnter()).toBeDefined();
  });

  it('refuses while the process is overloaded, unless nothing is in flight (someone is always served)', () => {
    let overloaded = true;
    const gate = new InflightGate(10, () => overloaded);
    const first = gate.tryEnter();
    expect(first).toBeDefined();
    expect(gate.tryEnter()).toBeUndefined();
    overloaded = false;
    expect(gate.tryEnter()).toBeDefined();
  });
});

describe('timers', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('withDeadline settles at its deadline even when the work ignores its signal, and aborts that signal', async () => {
    let signal!: AbortSignal;
    const result = withDeadline(500, undefined, (s) => ((signal = s), new Promise<never>(() => {}))).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await result).toMatchObject({ reason: 'deadline' });
    expect(signal.aborted).toBe(true);
    const outer = new AbortController();
    const stopping = withDeadline(10_000, outer.signal, () => new Promise<never>(() => {})).catch((e: unknown) => e);
    outer.abort();
    expect(await stopping).toBeInstanceOf(DeadlineError);
    expect(await stopping).toMatchObject({ reason: 'stopping' });
  });

  it('SendSlots lets the next send start once a slow one has held its slot for holdMs', async () => {
    const slots = new SendSlots(1, 1000);
    const started: string[] = [];
    void slots.run(() => (started.push('slow'), new Promise<never>(() => {})));
    void slots.run(async () => void started.push('next'));
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toEqual(['slow']);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['slow', 'next']);
  });
});

describe('ChannelPacing', () => {
  it('holds one destination only, keeping the later of two holds', () => {
    let now = 0;
    const pacing = new ChannelPacing(() => now);
    pacing.hold('slack:T:channel:C1', 30_000);
    pacing.hold('slack:T:channel:C1', 5_000);
    expect(pacing.waitMs('slack:T:channel:C1')).toBe(30_000);
    expect(pacing.waitMs('slack:T:channel:C2')).toBe(0);
    now = 30_000;
    expect(pacing.waitMs('slack:T:channel:C1')).toBe(0);
  });
});
