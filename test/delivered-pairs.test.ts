import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveredPairs } from '../src/core/delivered-pairs.js';
import { fingerprint, KeyFingerprints, type Fingerprint } from '../src/core/key-fingerprints.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { targetKey, type Target } from '../src/core/types.js';

/** A fingerprint that only sees a key's length: keys of one length collide. */
const byLength: Fingerprint = (key, out) => {
  out[0] = key.length;
  out[1] = 7;
};

describe('KeyFingerprints', () => {
  it('numbers each listed key by its first place and answers -1 for any other', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `slack:T${i % 7}:user:U${i}`);
    const table = new KeyFingerprints([...keys, keys[3]!]);
    keys.forEach((k, i) => expect(table.get(k)).toBe(i));
    // Fresh strings with the same characters find the same numbers.
    expect(table.get(['slack:T3', 'user', 'U10'].join(':'))).toBe(10);
    for (const other of ['slack:T1:user:U5000', '', 'slack:T0:user:U0 ', 'discord:T0:user:U0']) expect(table.get(other)).toBe(-1);
  });

  it('leaves out both of two listed keys it cannot tell apart, and keeps the others', () => {
    const table = new KeyFingerprints(['ab', 'cd', 'xyz', 'ab'], byLength);
    expect([table.get('ab'), table.get('cd'), table.get('xyz')]).toEqual([-1, -1, 2]);
    // Both halves of the fingerprint count: one equal half is not a match.
    const firstChar: Fingerprint = (key, out) => {
      out[0] = key.length;
      out[1] = key.charCodeAt(0);
    };
    const halves = new KeyFingerprints(['ab', 'cd'], firstChar);
    expect([halves.get('ab'), halves.get('cd'), halves.get('xy')]).toEqual([0, 1, -1]);
  });

  it('gives different fingerprints to keys that differ in one character or in order', () => {
    const a = new Int32Array(2);
    const b = new Int32Array(2);
    const seen = new Set<string>();
    for (const key of ['slack:T:user:U12', 'slack:T:user:U21', 'slack:T:user:U13', 'slack:T:user:U1', 'slack:T:user:U12\u0000']) {
      fingerprint(key, a);
      seen.add(`${a[0]},${a[1]}`);
    }
    expect(seen.size).toBe(5);
    fingerprint('slack:T:user:U12', a);
    fingerprint(['slack', 'T', 'user', 'U12'].join(':'), b);
    expect([...b]).toEqual([...a]);
  });
});

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

  it('leaves out targets whose keys it cannot tell apart, so their planner reads the store', () => {
    const made = open();
    done = made.done;
    const { store } = made;
    seed(store);
    // U1 and U2 have keys of one length: with a length-only fingerprint, neither is numbered.
    const pairs = DeliveredPairs.read(store, [targetKey(dm('U1')), targetKey(dm('U2')), targetKey(channel)], ['p1', 'p2', 'p3'], byLength);
    expect([pairs.target(targetKey(dm('U1'))), pairs.target(targetKey(dm('U2')))]).toEqual([-1, -1]);
    const c = pairs.target(targetKey(channel));
    expect(['p1', 'p2', 'p3'].filter((id) => pairs.has(c, pairs.paper(id)))).toEqual(['p3']);
  });
});
