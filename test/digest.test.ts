import { describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../src/config/index.js';
import { createDeliveryChanges, createDigestPlanner } from '../src/core/digest.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { FakeSearch, paper } from './fixtures/fake-search.js';

const base = loadConfig({});
const config = (over: Partial<AppConfig['digests']> = {}): AppConfig => ({ ...base, digests: { ...base.digests, size: 2, ...over } });
const t0 = new Date('2026-03-01T08:00:00Z');
const alice = { platform: 'slack' as const, workspace: 'T', user: 'U1' };
const dm = { platform: 'slack' as const, workspace: 'T', kind: 'user' as const, id: 'U1' };

const corpus = () =>
  new FakeSearch([
    paper('d1', 'diffusion models diffusion', 'diffusion'),
    paper('d2', 'diffusion for graphs', 'graph diffusion'),
    paper('d3', 'latent diffusion', 'latent'),
    paper('g1', 'graph networks', 'graph'),
    paper('g2', 'graph transformers', 'graph'),
    paper('r1', 'robot learning', 'robot'),
  ]);

function deliver(store: Store, ids: string[], slot = 's0') {
  store.claimRun(dm, slot, { paperIds: ids, payload: '{}' }, t0);
  store.finishRun(dm, slot, { state: 'sent', messageId: 'm', paperIds: ids }, t0);
}

describe('digest planning', () => {
  it('gathers all follows of a user into one reply, a section per topic, best first, capped per topic', () => {
    const store = createMemoryStore();
    const follows = [store.addFollow(alice, 'diffusion', t0).follow, store.addFollow(alice, 'robot', t0).follow];
    const plan = createDigestPlanner(store, corpus(), config()).planUser(alice, follows);
    expect(plan.sections.map((s) => [s.topic, s.papers.map((p) => p.id)])).toEqual([['diffusion', ['d1', 'd2']], ['robot', ['r1']]]);
    expect(plan.paperIds).toEqual(['d1', 'd2', 'r1']);
    expect(plan.reply).toMatchObject({ visibility: 'channel', title: 'Your paper digest', text: 'diffusion: 2 new papers (1-2)\nrobot: 1 new paper (3)' });
    expect(plan.reply?.papers?.map((p) => p.id)).toEqual(['d1', 'd2', 'r1']);
    expect(plan.reply?.papers?.[0]).toMatchObject({ title: 'diffusion models diffusion', url: 'https://example.org/d1' });
  });

  it('lists a paper matched by two topics once, in the first topic, and fills the second with the next best', () => {
    const store = createMemoryStore();
    const follows = [store.addFollow(alice, 'graph', t0).follow, store.addFollow(alice, 'diffusion', t0).follow];
    const plan = createDigestPlanner(store, corpus(), config()).planUser(alice, follows);
    expect(plan.sections.map((s) => s.papers.map((p) => p.id))).toEqual([['d2', 'g1'], ['d1', 'd3']]);
    const wide = createDigestPlanner(store, corpus(), config({ size: 3 })).planUser(alice, follows);
    expect(wide.paperIds).toEqual(['d2', 'g1', 'g2', 'd1', 'd3']);
    expect(new Set(wide.paperIds).size).toBe(wide.paperIds.length);
  });

  it('never picks a paper already delivered to (or claimed for) the target', () => {
    const store = createMemoryStore();
    const follows = [store.addFollow(alice, 'diffusion', t0).follow];
    deliver(store, ['d1']);
    store.claimRun(dm, 's1', { paperIds: ['d2'], payload: '{}' }, t0);
    expect(createDigestPlanner(store, corpus(), config()).planUser(alice, follows).paperIds).toEqual(['d3']);
    deliver(store, ['d3'], 's2');
    const plan = createDigestPlanner(store, corpus(), config()).planUser(alice, follows);
    expect(plan.reply).toBeUndefined();
    expect(plan.paperIds).toEqual([]);
  });

  it('leads with papers first seen after the follow was created', () => {
    const store = createMemoryStore();
    const index = corpus();
    index.add([paper('d9', 'a diffusion note', 'x')]);
    store.recordFirstSeen(['d1', 'd2', 'd3'], new Date('2026-01-01T00:00:00Z'));
    store.recordFirstSeen(['d9'], new Date('2026-03-02T00:00:00Z'));
    const follows = [store.addFollow(alice, 'diffusion', t0).follow];
    expect(createDigestPlanner(store, index, config()).planUser(alice, follows).paperIds).toEqual(['d9', 'd1']);
  });

  it('posts nothing to a quiet channel unless the empty note is on', () => {
    const store = createMemoryStore();
    const digest = store.addDigest({ platform: 'slack', workspace: 'T', channel: 'C', topic: 'quantum gravity', schedule: 'daily 09:00', timeZone: 'UTC', size: 3, createdBy: 'U1', created: t0 });
    expect(createDigestPlanner(store, corpus(), config()).planChannel(digest).reply).toBeUndefined();
    const noted = createDigestPlanner(store, corpus(), config({ emptyChannelNote: true })).planChannel(digest);
    expect(noted.reply).toEqual({ visibility: 'channel', text: 'No new papers on “quantum gravity” today.' });
    expect(noted.paperIds).toEqual([]);
  });

  it("uses the channel digest's own size", () => {
    const store = createMemoryStore();
    const digest = store.addDigest({ platform: 'slack', workspace: 'T', channel: 'C', topic: 'diffusion', schedule: 'daily 09:00', timeZone: 'UTC', size: 3, createdBy: 'U1', created: t0 });
    const plan = createDigestPlanner(store, corpus(), config()).planChannel(digest);
    expect(plan.target).toEqual({ platform: 'slack', workspace: 'T', kind: 'channel', id: 'C' });
    expect(plan.reply).toMatchObject({ title: 'New papers on “diffusion”', papers: [{ id: 'd1' }, { id: 'd2' }, { id: 'd3' }] });
  });

  for (const [name, open] of [['memory', createMemoryStore], ['sqlite', () => openSqliteStore(':memory:')]] as const) {
    it(`plans exactly the same with a prefetch of deliveries and ratings as without (${name} store)`, () => {
      const store = open();
      const words = ['diffusion', 'graph', 'robot', 'latent', 'audio', 'video'];
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const index = new FakeSearch(Array.from({ length: 60 }, (_, i) => paper(`p${i}`, `${words[i % 6]} ${words[(i * 5 + 1) % 6]} ${i}`)));
      store.recordFirstSeen(Array.from({ length: 30 }, (_, i) => `p${i}`), new Date('2026-01-01T00:00:00Z'));
      store.recordFirstSeen(Array.from({ length: 30 }, (_, i) => `p${i + 30}`), new Date('2026-03-02T00:00:00Z'));
      const users = Array.from({ length: 40 }, (_, u) => ({ ...alice, user: `U${u}` }));
      for (const [u, user] of users.entries()) {
        for (const w of words) if (random() < 0.4) store.addFollow(user, w, new Date(u % 2 ? '2026-02-01T00:00:00Z' : '2026-03-01T12:00:00Z'));
        const target = { ...dm, id: user.user };
        const had = index.match(words[u % 6]!).map((h) => h.paper.id).filter(() => random() < 0.5);
        // Some delivered, some claimed but unsent, some claimed and then failed (free again).
        store.claimRun(target, 's1', { paperIds: had.slice(0, 3), payload: '{}' }, t0);
        store.finishRun(target, 's1', { state: 'sent', messageId: 'm', paperIds: had.slice(0, 3) }, t0);
        store.claimRun(target, 's2', { paperIds: had.slice(3, 5), payload: '{}' }, t0);
        store.claimRun(target, 's3', { paperIds: had.slice(5, 7), payload: '{}' }, t0);
        store.finishRun(target, 's3', { state: 'failed', error: 'x' }, t0);
        // Some carry papers offered before, some of them aged out or too old to carry.
        if (u % 3 === 0) {
          store.offerPapers(target, [{ paperId: `p${u}`, topic: words[u % 6]!, relevance: 0.5 }, { paperId: `p${u + 1}`, topic: 'gone', relevance: 0.9 }], t0);
          store.offerPapers(target, [{ paperId: `p${u + 2}`, topic: words[u % 6]!, relevance: 0.7 }], new Date('2025-01-01T00:00:00Z'));
          if (u % 2 === 0) store.expireOffered(target, [`p${u + 1}`], t0);
        }
        // Some rated a follow: three 👎 make it quiet; a 👍 keeps it going.
        const rated = store.listFollows(user)[0];
        if (rated && u % 4 === 1) for (const h of index.match(rated.topic).slice(0, 3)) store.rate(user, rated.topic, h.paper.id, -1, t0);
        if (rated && u % 4 === 2) store.rate(user, rated.topic, index.match(rated.topic)[0]!.paper.id, 1, t0);
      }
      // Some follows learn from ratings (read with the prefetch where the store reads them in bulk).
      const rateSome = (user: typeof alice, at: Date) => {
        for (const f of store.listFollows(user)) for (const h of index.match(f.topic).slice(0, 4)) if (random() < 0.5) store.rate(user, f.topic, h.paper.id, random() < 0.5 ? 1 : -1, at);
      };
      for (const [u, user] of users.entries()) if (u % 4 === 0) rateSome(user, t0);
      const followers = store.allFollowers();
      const plain = createDigestPlanner(store, index, config({ size: 3 }));
      const prefetched = createDigestPlanner(store, index, config({ size: 3 }));
      prefetched.prefetch(followers);
      let papers = 0;
      for (const [i, { user, follows }] of followers.entries()) {
        // A user rates while the pass is under way: later plans see it, as without a prefetch.
        if (i === 20) for (const f of followers[25]!.follows) for (const h of index.match(f.topic).slice(0, 3)) store.rate(followers[25]!.user, f.topic, h.paper.id, -1, new Date('2026-03-02T07:00:00Z'));
        const expected = plain.planUser(user, follows);
        expect(prefetched.planUser(user, follows)).toEqual(expected);
        papers += expected.paperIds.length;
      }
      expect(papers).toBeGreaterThan(100);
      // The quiet follows send nothing, with the prefetch too.
      const quiet = followers.filter(({ user }) => Number(user.user.slice(1)) % 4 === 1 && store.listFollows(user).length > 0);
      expect(quiet.length).toBeGreaterThan(3);
      for (const { user, follows } of quiet) expect(createDigestPlanner(store, index, config({ size: 3 })).planUser(user, follows).sections.map((s) => s.topic)).not.toContain(follows[0]!.topic);
      store.close();
    });
  }

  it('reads a target from the store once it changed since the prefetch, or was planned from it already', () => {
    const store = createMemoryStore();
    const follows = [store.addFollow(alice, 'diffusion', t0).follow];
    store.claimRun(dm, 's0', { paperIds: ['d1'], payload: '{}' }, t0);
    const changes = createDeliveryChanges();
    const planner = createDigestPlanner(store, corpus(), config(), undefined, changes);
    planner.prefetch([{ user: alice, follows }]);
    // The claim of d1 failed after the prefetch: d1 is free again.
    changes.note(dm);
    store.finishRun(dm, 's0', { state: 'failed', error: 'x' }, t0);
    const first = planner.planUser(alice, follows);
    expect(first.paperIds).toEqual(['d1', 'd2']);
    planner.prefetch([{ user: alice, follows }]);
    expect(planner.planUser(alice, follows).paperIds).toEqual(['d1', 'd2']);
    // Claimed without a note: planning alice again still sees it, as she was planned from this prefetch once.
    store.claimRun(dm, 's1', { paperIds: first.paperIds, payload: '{}' }, t0);
    expect(planner.planUser(alice, follows).paperIds).toEqual(['d3']);
  });

  it('reads a target the prefetch was not given from the store, with the prefetch of others in place', () => {
    const store = createMemoryStore();
    const bob = { ...alice, user: 'U2' };
    const aliceFollows = [store.addFollow(alice, 'diffusion', t0).follow];
    const bobFollows = [store.addFollow(bob, 'diffusion', t0).follow];
    deliver(store, ['d1']);
    const planner = createDigestPlanner(store, corpus(), config());
    planner.prefetch([{ user: bob, follows: bobFollows }]);
    expect(planner.planUser(alice, aliceFollows).paperIds).toEqual(['d2', 'd3']);
    expect(planner.planUser(bob, bobFollows).paperIds).toEqual(['d1', 'd2']);
  });

  it('searches each topic once per planning pass, however many users share it', () => {
    const store = createMemoryStore();
    const index = corpus();
    const planner = createDigestPlanner(store, index, config());
    for (let i = 0; i < 50; i++) {
      const user = { ...alice, user: `U${i}` };
      planner.planUser(user, [store.addFollow(user, 'Diffusion', t0).follow, store.addFollow(user, 'graph', t0).follow]);
    }
    expect(index.matchCalls).toBe(2);
  });
});
