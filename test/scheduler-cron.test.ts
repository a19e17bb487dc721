import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createScheduler } from '../src/core/scheduler.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { FakeSearch } from './fixtures/fake-search.js';
import { alice, channelDigest, corpusPapers, RecordingDeliverer, testConfig } from './scheduler-support.js';

afterEach(() => vi.useRealTimers());

describe('scheduler on real node-cron, with fake timers', () => {
  it('fires each digest at its wall-clock time in its zone (off the 5-minute sweep)', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T08:00:58Z') });
    const store = createMemoryStore();
    store.addFollow(alice, 'diffusion', new Date('2026-03-01T00:00:00Z'));
    store.setPrefs(alice, { time: '08:01', timeZone: 'UTC', paused: false, since: new Date('2026-03-01T00:00:00Z') });
    channelDigest(store, 'graph', { schedule: 'daily 09:01', timeZone: 'Europe/Berlin' }); // 08:01 UTC in winter
    channelDigest(store, 'robot', { channel: 'C2', schedule: 'daily 09:03', timeZone: 'UTC' });
    const deliverer = new RecordingDeliverer();
    const scheduler = createScheduler({ store, index: new FakeSearch(corpusPapers()), deliverers: new Map([['slack', deliverer]]), config: testConfig(), log: silentLogger });
    await scheduler.start();
    await scheduler.idle();
    expect(deliverer.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(3_000);
    await scheduler.idle();
    expect(deliverer.sent.map((s) => s.target.id).sort()).toEqual(['C1', 'U1']);
    await vi.advanceTimersByTimeAsync(Date.parse('2026-03-02T09:03:30Z') - Date.now());
    expect(new Date().toISOString()).toBe('2026-03-02T09:03:30.000Z');
    await scheduler.idle();
    expect(deliverer.sent.map((s) => s.target.id).sort()).toEqual(['C1', 'C2', 'U1']);
    await scheduler.stop();
  });
});
