import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPacer } from '../src/platforms/slack/pacer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Slack history pacer', () => {
  it('starts one call per interval in a workspace, and other workspaces do not wait', async () => {
    vi.useFakeTimers();
    const pacer = createPacer(1000);
    const started: string[] = [];
    const call = (name: string) => async () => void started.push(name);
    const done = [pacer.run('T1', call('a')), pacer.run('T1', call('b')), pacer.run('T1', call('c')), pacer.run('T2', call('x'))];
    await vi.advanceTimersByTimeAsync(0);
    expect(started.sort()).toEqual(['a', 'x']);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).not.toContain('b');
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toContain('b');
    expect(started).not.toContain('c');
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toContain('c');
    await Promise.all(done);
  });

  it("a 429's Retry-After holds the workspace's next call back", async () => {
    vi.useFakeTimers();
    const pacer = createPacer(100);
    await pacer.run('T1', async () => {});
    pacer.backOff('T1', 5000);
    let ran = false;
    const next = pacer.run('T1', async () => void (ran = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(ran).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toBe(true);
    await next;
  });

  it('a failing call does not stop the queue', async () => {
    const pacer = createPacer(0);
    await expect(pacer.run('T1', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(pacer.run('T1', async () => 'ok')).resolves.toBe('ok');
  });
});
