import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveredPairs } from '../src/core/delivered-pairs.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { targetKey, type Target } from '../src/core/types.js';

describe.each([
  ['memory', () => ({ store: createMemoryStore(), done: () => {} })],
  ['sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-pairs-'));
    const store = openSqliteStore(join(dir, 'p.db'));
    return { store, done: () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }],
] as const)('DeliveredPairs on the %s store', (_name, open) => {
  let done = () => {};
  afterEach(() => done());
  const t0 = new Date('2026-03-01T08:00:00Z');
  const dm = (id: string): Target => ({ platform: 'slack', workspace: 'T', kind: 'user', id });
  const channel: Target = { platform: 'slack', workspace: 'T', kind: 'channel', id: 'C1' };
  const seed = (store: Store) => {
    const sent = (t: Target, slot: string, ids: string[]) => {
      store.claimRun(t, slot, { paperIds: ids, payload: '{}' }, t0);
      store.finishRun(t, slot, { state: 'sent', messageId: 'm', paperIds: ids }, t0);
    };
    sent(dm('U1'), 's1', ['p1', 'p2']);
    sent(dm('U2'), 's1', ['p2']);
    sent(channel, 's1', ['p3']);
    store.claimRun(dm('U3'), 's1', { paperIds: ['p1', 'p4'], payload: '{}' }, t0); // claimed, maybe sent
    store.claimRun(dm('U2'), 's2', { paperIds: ['p3'], payload: '{}' }, t0);
    store.finishRun(dm('U2'), 's2', { state: 'failed', error: 'x' }, t0); // failed: p3 is free again
  };

  it('answers for every target given as deliveredPapers does, and -1 for targets and papers not read', () => {
    const made = open();
    done = made.done;
    const { store } = made;
    seed(store);
    const targets = [dm('U1'), dm('U2'), dm('U3'), channel, dm('U4')];
    const papers = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const pairs = DeliveredPairs.read(store, targets.map(targetKey), papers);
    for (const target of targets) {
      const t = pairs.target(targetKey(target));
      expect(t).toBeGreaterThanOrEqual(0);
      const has = papers.filter((id) => pairs.has(t, pairs.paper(id)));
      expect(has).toEqual([...store.deliveredPapers(target, papers)].sort());
    }
    expect(pairs.target(targetKey(dm('U9')))).toBe(-1);
    expect(pairs.paper('p9')).toBe(-1);
    // Only the papers asked about: U1's p2 is not seen when p2 was not read.
    const some = DeliveredPairs.read(store, [targetKey(dm('U1'))], ['p1']);
    expect([some.paper('p1'), some.paper('p2')]).toEqual([0, -1]);
    expect(some.has(0, 0)).toBe(true);
  });

  it('gives a target listed twice (one channel, two digests) its first number, with its papers', () => {
    const made = open();
    done = made.done;
    const { store } = made;
    seed(store);
    const pairs = DeliveredPairs.read(store, [targetKey(channel), targetKey(dm('U1')), targetKey(channel)], ['p1', 'p3']);
    expect([pairs.target(targetKey(channel)), pairs.target(targetKey(dm('U1')))]).toEqual([0, 1]);
    expect([pairs.has(0, pairs.paper('p3')), pairs.has(0, pairs.paper('p1')), pairs.has(1, pairs.paper('p1'))]).toEqual([true, false, true]);
  });
});
