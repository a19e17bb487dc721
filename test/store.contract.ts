import { describe, expect, it } from 'vitest';
import type { RunPlan, Store, StoredPaper } from '../src/core/store/port.js';
import { targetKey, type Target, type UserKey } from '../src/core/types.js';

const alice: UserKey = { platform: 'slack', workspace: 'T1', user: 'U1' };
const bob: UserKey = { platform: 'slack', workspace: 'T1', user: 'U2' };
const aliceOnDiscord: UserKey = { platform: 'discord', workspace: 'G1', user: 'U1' };
const general = { platform: 'slack' as const, workspace: 'T1', channel: 'C1' };
const random = { platform: 'slack' as const, workspace: 'T1', channel: 'C2' };
const t0 = new Date('2026-03-01T08:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const dm: Target = { platform: 'slack', workspace: 'T1', kind: 'user', id: 'U1' };
const channel: Target = { platform: 'slack', workspace: 'T1', kind: 'channel', id: 'C1' };
const plan = (...paperIds: string[]): RunPlan => ({ paperIds, payload: JSON.stringify({ visibility: 'channel', text: paperIds.join(',') }) });
const digestInput = (topic: string, over: Partial<{ channel: string }> = {}) => ({
  ...general, ...over, topic, schedule: 'daily 09:00', timeZone: 'Europe/Berlin', size: 5, createdBy: 'U1', created: t0,
});

/** The behaviour every Store implementation must show; run by one test file per implementation. */
/** eachDelivered's answer as target key -> papers. */
function byTarget(s: Store, ids: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  s.eachDelivered(ids, (id, targets) => {
    expect(ids).toContain(id);
    for (const t of targets) out.set(t, (out.get(t) ?? new Set()).add(id));
  });
  return out;
}

export function storeContract(name: string, open: () => Store): void {
  describe(`${name} store contract`, () => {
    describe('follows', () => {
      it('adds, lists oldest first and keeps users and platforms apart', () => {
        const s = open();
        s.addFollow(alice, 'diffusion models', t0);
        s.addFollow(alice, 'graph neural networks', later(1));
        s.addFollow(bob, 'robotics', t0);
        s.addFollow(aliceOnDiscord, 'robotics', t0);
        expect(s.listFollows(alice).map((f) => f.topic)).toEqual(['diffusion models', 'graph neural networks']);
        expect(s.listFollows(bob).map((f) => f.topic)).toEqual(['robotics']);
        expect(s.listFollows(alice)[0]).toMatchObject({ platform: 'slack', workspace: 'T1', user: 'U1', created: t0 });
      });

      it('treats the same topic in another case as the same follow and keeps the first spelling', () => {
        const s = open();
        const first = s.addFollow(alice, 'Diffusion Models', t0);
        const again = s.addFollow(alice, 'diffusion models', later(5));
        expect(first.created).toBe(true);
        expect(again).toEqual({ follow: first.follow, created: false });
        expect(s.listFollows(alice)).toHaveLength(1);
        expect(s.listFollows(alice)[0]!.topic).toBe('Diffusion Models');
      });

      it("removes only the user's own follow", () => {
        const s = open();
        const { follow } = s.addFollow(alice, 'diffusion', t0);
        expect(s.removeFollow(bob, follow.id)).toBe(false);
        expect(s.removeFollow(alice, follow.id)).toBe(true);
        expect(s.removeFollow(alice, follow.id)).toBe(false);
        expect(s.listFollows(alice)).toEqual([]);
      });

      it('keeps a follow by example with its papers, in order, beside follows of words', () => {
        const s = open();
        s.addFollow(alice, 'diffusion', t0);
        const { follow, created } = s.addFollow(alice, 'like p-bbbbbbbbbb p-aaaaaaaaaa', later(1), ['p-bbbbbbbbbb', 'p-aaaaaaaaaa']);
        expect(created).toBe(true);
        expect(follow.examples).toEqual(['p-bbbbbbbbbb', 'p-aaaaaaaaaa']);
        expect(s.addFollow(alice, 'LIKE p-bbbbbbbbbb p-aaaaaaaaaa', later(2), ['p-bbbbbbbbbb', 'p-aaaaaaaaaa']).created).toBe(false);
        expect(s.listFollows(alice).map((f) => [f.topic, f.examples])).toEqual([['diffusion', undefined], ['like p-bbbbbbbbbb p-aaaaaaaaaa', ['p-bbbbbbbbbb', 'p-aaaaaaaaaa']]]);
        expect(s.allFollowers()[0]!.follows[1]).toMatchObject({ examples: ['p-bbbbbbbbbb', 'p-aaaaaaaaaa'] });
        expect('examples' in s.listFollows(alice)[0]!).toBe(false);
        expect(s.removeFollow(alice, follow.id)).toBe(true);
        expect(s.listFollows(alice).map((f) => f.topic)).toEqual(['diffusion']);
      });

      it('lists every follower with their follows', () => {
        const s = open();
        s.addFollow(alice, 'a', t0);
        s.addFollow(bob, 'b', t0);
        s.addFollow(alice, 'c', t0);
        const all = s.allFollowers().map((f) => [f.user.user, f.follows.map((x) => x.topic)]);
        expect(all).toEqual(expect.arrayContaining([['U1', ['a', 'c']], ['U2', ['b']]]));
        expect(all).toHaveLength(2);
      });

      it('lists the same followers a page at a time, each user once, as later reads find them', () => {
        const s = open();
        const users: UserKey[] = [];
        for (let i = 0; i < 7; i++) users.push({ platform: i % 3 ? 'slack' : 'discord', workspace: `T${i % 2}`, user: `U${(i * 5) % 7}` });
        users.forEach((u, i) => {
          s.addFollow(u, `topic ${i}`, later(i));
          if (i % 2) s.addFollow(u, `more ${i}`, later(10 - i));
        });
        const read = (limit: number, between: (page: number) => void = () => {}) => {
          const out: ReturnType<Store['allFollowers']> = [];
          for (let page = 0, after: UserKey | undefined; ; page++) {
            const got = s.followersPage(after, limit);
            expect(got.length).toBeLessThanOrEqual(limit);
            out.push(...got);
            if (got.length < limit) return out;
            after = got[got.length - 1]!.user;
            between(page);
          }
        };
        const byUser = (list: ReturnType<Store['allFollowers']>) => [...list].sort((a, b) => JSON.stringify(a.user).localeCompare(JSON.stringify(b.user)));
        for (const limit of [1, 2, 3, 7, 100]) expect(byUser(read(limit)), `limit ${limit}`).toEqual(byUser(s.allFollowers()));
        // Follows added while reading (one user already read, one not) still leave every user listed once.
        const [first, second] = [users[0]!, users[1]!];
        const changed = read(2, (page) => {
          if (page !== 0) return;
          s.addFollow(first, 'late topic', later(20));
          s.addFollow(second, 'late topic', later(20));
        });
        expect(changed).toHaveLength(7);
        expect(new Set(changed.map((f) => JSON.stringify(f.user))).size).toBe(7);
      });
    });

    describe('channel digests', () => {
      it('adds unpaused, lists per channel, removes only within the channel', () => {
        const s = open();
        const d = s.addDigest(digestInput('diffusion'));
        s.addDigest(digestInput('robotics', { channel: 'C2' }));
        expect(d).toMatchObject({ topic: 'diffusion', schedule: 'daily 09:00', timeZone: 'Europe/Berlin', size: 5, paused: false, createdBy: 'U1', created: t0 });
        expect(s.listDigests(general).map((x) => x.id)).toEqual([d.id]);
        expect(s.allDigests()).toHaveLength(2);
        expect(s.removeDigest(random, d.id)).toBe(false);
        expect(s.removeDigest(general, d.id)).toBe(true);
        expect(s.listDigests(general)).toEqual([]);
      });

      it('pauses with a reason and resumes, restarting activeSince', () => {
        const s = open();
        const d = s.addDigest(digestInput('diffusion'));
        expect(d.activeSince).toEqual(t0);
        s.setDigestPaused(d.id, true, 'channel_not_found', later(10));
        expect(s.listDigests(general)[0]).toMatchObject({ paused: true, pausedReason: 'channel_not_found' });
        s.setDigestPaused(d.id, false, undefined, later(20));
        const resumed = s.listDigests(general)[0]!;
        expect(resumed.paused).toBe(false);
        expect(resumed.pausedReason).toBeUndefined();
        expect(resumed.activeSince).toEqual(later(20));
      });
    });

    describe('prefs and first seen', () => {
      it('stores prefs per user', () => {
        const s = open();
        expect(s.getPrefs(alice)).toBeUndefined();
        s.setPrefs(alice, { time: '07:30', timeZone: 'America/New_York', paused: false, since: t0 });
        s.setPrefs(bob, { time: '09:00', timeZone: 'UTC', paused: true, pausedReason: 'cannot_dm_bot', since: t0 });
        expect(s.getPrefs(alice)).toEqual({ time: '07:30', timeZone: 'America/New_York', paused: false, since: t0 });
        expect(s.getPrefs(bob)).toMatchObject({ paused: true, pausedReason: 'cannot_dm_bot' });
        // In one read too, for every follower, as getPrefs gives them.
        s.addFollow(alice, 'robots', t0);
        s.addFollow(bob, 'robots', t0);
        s.addFollow(aliceOnDiscord, 'robots', t0);
        const all = s.followerPrefs();
        for (const { user } of s.allFollowers()) expect(all.get(targetKey({ platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user }))).toEqual(s.getPrefs(user));
        expect(s.followerCount()).toBe(s.allFollowers().length);
        expect(s.followerCount()).toBe(3);
        s.removeFollow(bob, s.listFollows(bob)[0]!.id);
        expect(s.followerCount()).toBe(2);
      });

      it('keeps the earliest first-seen time', () => {
        const s = open();
        s.recordFirstSeen(['p1', 'p2'], t0);
        s.recordFirstSeen(['p2', 'p3'], later(60));
        expect(s.firstSeen('p1')).toEqual(t0);
        expect(s.firstSeen('p2')).toEqual(t0);
        expect(s.firstSeen('p3')).toEqual(later(60));
        expect(s.firstSeen('nope')).toBeUndefined();
      });
    });

    describe('runs and deliveries', () => {
      it('claims a (target, slot) once', () => {
        const s = open();
        expect(s.claimRun(dm, '2026-03-01T08:00:00.000Z', plan('p1'), t0)).toBe(true);
        expect(s.claimRun(dm, '2026-03-01T08:00:00.000Z', plan('p2'), t0)).toBe(false);
        expect(s.claimRun(dm, '2026-03-02T08:00:00.000Z', plan('p2'), t0)).toBe(true);
        expect(s.claimRun(channel, '2026-03-01T08:00:00.000Z', null, t0)).toBe(true);
        expect(s.getRun(channel, '2026-03-01T08:00:00.000Z')).toMatchObject({ state: 'empty' });
        expect(s.getRun(dm, '2026-03-01T08:00:00.000Z')).toMatchObject({ state: 'claimed', targetRef: dm, plan: plan('p1'), attempts: 0 });
        expect(s.runTargets('2026-03-01T08:00:00.000Z')).toEqual(new Set([targetKey(dm), targetKey(channel)]));
        expect(s.runTargets('2026-03-03T08:00:00.000Z')).toEqual(new Set());
      });

      it('lists claimed runs as pending until finished, counting attempts', () => {
        const s = open();
        const slot = '2026-03-01T08:00:00.000Z';
        s.claimRun(dm, slot, plan('p1', 'p2'), t0);
        s.recordAttempt(dm, slot, 'timeout', later(1));
        s.recordAttempt(dm, slot, 'timeout', later(2));
        expect(s.pendingRuns()).toEqual([expect.objectContaining({ target: 'slack:T1:user:U1', slot, attempts: 2, error: 'timeout', targetRef: dm })]);
        s.finishRun(dm, slot, { state: 'sent', messageId: 'm1', paperIds: ['p1', 'p2'] }, later(3));
        expect(s.pendingRuns()).toEqual([]);
        expect(s.getRun(dm, slot)).toMatchObject({ state: 'sent', messageId: 'm1', updated: later(3) });
        expect(s.getRun(dm, slot)?.error).toBeUndefined();
      });

      it('refuses to finish a run twice or one never claimed', () => {
        const s = open();
        const slot = '2026-03-01T08:00:00.000Z';
        expect(() => s.finishRun(dm, slot, { state: 'sent' }, t0)).toThrow(/no claimed run/);
        s.claimRun(dm, slot, plan('p1'), t0);
        s.finishRun(dm, slot, { state: 'failed', error: 'gave up' }, t0);
        expect(() => s.finishRun(dm, slot, { state: 'sent', paperIds: ['p1'] }, t0)).toThrow(/no claimed run/);
        expect(s.deliveredPapers(dm, ['p1'])).toEqual(new Set());
      });

      it('reports delivered and claimed-but-unsent papers per target', () => {
        const s = open();
        s.claimRun(dm, 's1', plan('p1', 'p2'), t0);
        s.finishRun(dm, 's1', { state: 'sent', messageId: 'm1', paperIds: ['p1', 'p2'] }, t0);
        s.claimRun(dm, 's2', plan('p3'), t0);
        expect(s.deliveredPapers(dm, ['p1', 'p3', 'p4'])).toEqual(new Set(['p1', 'p3']));
        expect(s.deliveredPapers(channel, ['p1', 'p3'])).toEqual(new Set());
        s.finishRun(dm, 's2', { state: 'failed', error: 'x' }, t0);
        expect(s.deliveredPapers(dm, ['p1', 'p3'])).toEqual(new Set(['p1']));
      });

      it('reports delivered and claimed-but-unsent papers for every target at once (eachDelivered), as deliveredPapers does per target', () => {
        const s = open();
        const bobDm: Target = { ...dm, id: 'U2' };
        s.claimRun(dm, 's1', plan('p1', 'p2'), t0);
        s.finishRun(dm, 's1', { state: 'sent', messageId: 'm1', paperIds: ['p1', 'p2'] }, t0);
        s.claimRun(channel, 's1', plan('p2', 'p3'), t0);
        s.claimRun(bobDm, 's1', plan('p3'), t0);
        const ids = ['p1', 'p2', 'p3', 'p4', 'p2'];
        expect(byTarget(s, ids)).toEqual(new Map([
          [targetKey(dm), new Set(['p1', 'p2'])],
          [targetKey(channel), new Set(['p2', 'p3'])],
          [targetKey(bobDm), new Set(['p3'])],
        ]));
        expect(byTarget(s, ['p3'])).toEqual(new Map([[targetKey(channel), new Set(['p3'])], [targetKey(bobDm), new Set(['p3'])]]));
        expect(byTarget(s, ['p4'])).toEqual(new Map());
        expect(byTarget(s, [])).toEqual(new Map());

        s.finishRun(channel, 's1', { state: 'sent', messageId: 'm2', paperIds: ['p2', 'p3'] }, t0);
        s.finishRun(bobDm, 's1', { state: 'failed', error: 'x' }, t0);
        const after = byTarget(s, ids);
        expect(after.has(targetKey(bobDm))).toBe(false);
        for (const target of [dm, channel, bobDm]) expect(after.get(targetKey(target)) ?? new Set()).toEqual(s.deliveredPapers(target, ids));
      });

      it('prunes finished runs before a date but keeps claimed ones and deliveries', () => {
        const s = open();
        s.claimRun(dm, '2026-01-01T08:00:00.000Z', plan('p1'), t0);
        s.finishRun(dm, '2026-01-01T08:00:00.000Z', { state: 'sent', messageId: 'm', paperIds: ['p1'] }, t0);
        s.claimRun(dm, '2026-01-02T08:00:00.000Z', plan('p2'), t0);
        s.claimRun(dm, '2026-03-01T08:00:00.000Z', null, t0);
        expect(s.pruneRuns(new Date('2026-02-01T00:00:00Z'))).toBe(1);
        expect(s.getRun(dm, '2026-01-01T08:00:00.000Z')).toBeUndefined();
        expect(s.pendingRuns()).toHaveLength(1);
        expect(s.deliveredPapers(dm, ['p1'])).toEqual(new Set(['p1']));
        expect(byTarget(s, ['p1', 'p2'])).toEqual(new Map([[targetKey(dm), new Set(['p1', 'p2'])]]));
      });
    });

    describe('ratings', () => {
      it('keeps each person’s latest rating per follow and paper, apart from every other person and follow', () => {
        const s = open();
        s.addFollow(alice, 'Diffusion Models', t0);
        s.addFollow(alice, 'robots', t0);
        s.addFollow(bob, 'diffusion models', t0);
        s.rate(alice, 'diffusion models', 'p1', 1, later(1));
        s.rate(alice, 'DIFFUSION  models', 'p2', -1, later(2));
        s.rate(alice, 'diffusion models', 'p1', -1, later(3));
        s.rate(alice, 'robots', 'p1', 1, later(4));
        s.rate(bob, 'diffusion models', 'p9', 1, later(5));
        const mine = s.followRatings(alice);
        expect([...mine.get('diffusion models')!]).toEqual([['p2', -1], ['p1', -1]]);
        expect([...mine.get('robots')!]).toEqual([['p1', 1]]);
        expect([...s.followRatings(bob).get('diffusion models')!]).toEqual([['p9', 1]]);
        expect(s.followRatings(aliceOnDiscord).size).toBe(0);
      });

      it('clears one rating, resets one follow, and forgets a follow’s ratings when it is unfollowed', () => {
        const s = open();
        const { follow } = s.addFollow(alice, 'diffusion', t0);
        s.addFollow(alice, 'robots', t0);
        s.rate(alice, 'diffusion', 'p1', 1, later(1));
        s.rate(alice, 'diffusion', 'p2', 1, later(1));
        s.rate(alice, 'robots', 'p3', -1, later(1));
        s.rate(alice, 'diffusion', 'p2', 0, later(2));
        expect([...s.followRatings(alice).get('diffusion')!.keys()]).toEqual(['p1']);
        expect(s.clearRatings(alice, 'Robots')).toBe(1);
        expect(s.followRatings(alice).has('robots')).toBe(false);
        expect(s.clearRatings(bob, 'diffusion')).toBe(0);
        expect(s.removeFollow(alice, follow.id)).toBe(true);
        expect(s.followRatings(alice).size).toBe(0);
        s.addFollow(alice, 'diffusion', later(3));
        expect(s.followRatings(alice).size).toBe(0);
      });
    });

    describe('offered papers and topic notices', () => {
      const offer = (paperId: string, relevance: number, topic = 'diffusion') => ({ paperId, topic, relevance });

      it('offers papers most relevant first, keeping the first offer time, per target', () => {
        const s = open();
        s.offerPapers(dm, [offer('p1', 0.5), offer('p2', 0.9, 'graphs')], t0);
        s.offerPapers(dm, [offer('p1', 0.7), offer('p3', 0.6)], later(60));
        expect(s.offeredPapers(dm)).toEqual([
          { paperId: 'p2', topic: 'graphs', relevance: 0.9, since: t0 },
          { paperId: 'p3', topic: 'diffusion', relevance: 0.6, since: later(60) },
          { paperId: 'p1', topic: 'diffusion', relevance: 0.5, since: t0 },
        ]);
        expect(s.offeredPapers(channel)).toEqual([]);
      });

      it('drops an offered paper once it is shown, by a run or by "Show them", and never offers a delivered one', () => {
        const s = open();
        s.offerPapers(dm, [offer('p1', 0.5), offer('p2', 0.4), offer('p3', 0.3)], t0);
        s.claimRun(dm, 'slot', plan('p1'), t0);
        s.finishRun(dm, 'slot', { state: 'sent', messageId: 'm1', paperIds: ['p1'] }, later(1));
        s.recordShown(dm, ['p2'], 'm2', later(2));
        expect(s.offeredPapers(dm).map((o) => o.paperId)).toEqual(['p3']);
        expect(s.deliveredPapers(dm, ['p1', 'p2', 'p3'])).toEqual(new Set(['p1', 'p2']));
        s.offerPapers(dm, [offer('p1', 0.9)], later(3));
        expect(s.offeredPapers(dm).map((o) => o.paperId)).toEqual(['p3']);
      });

      it('ages papers out: no longer offered, not delivered, and not offered again', () => {
        const s = open();
        s.offerPapers(dm, [offer('p1', 0.5), offer('p2', 0.4)], t0);
        s.expireOffered(dm, ['p1'], later(10));
        expect(s.offeredPapers(dm).map((o) => o.paperId)).toEqual(['p2']);
        expect(s.expiredPapers(dm)).toEqual(new Set(['p1']));
        expect(s.deliveredPapers(dm, ['p1'])).toEqual(new Set());
        s.offerPapers(dm, [offer('p1', 0.5)], later(20));
        expect(s.offeredPapers(dm).map((o) => o.paperId)).toEqual(['p2']);
        expect(s.expiredPapers(channel)).toEqual(new Set());
      });

      it('reads every target\'s offered and aged-out papers at once, as offeredPapers and expiredPapers do per target', () => {
        const s = open();
        const bobDm: Target = { ...dm, id: 'U2' };
        expect(s.offersByTarget()).toEqual({ targets: new Map(), aliased: new Set() });
        s.offerPapers(dm, [offer('p1', 0.5), offer('p2', 0.9, 'graphs'), offer('p3', 0.2)], t0);
        s.offerPapers(bobDm, [offer('p1', 0.4)], later(5));
        s.offerPapers(channel, [offer('p4', 0.3), offer('p5', 0.6)], t0);
        s.expireOffered(dm, ['p3'], later(10));
        s.recordShown(channel, ['p5'], 'm1', later(11));
        const read = s.offersByTarget();
        expect([...read.targets.keys()].sort()).toEqual([dm, bobDm, channel].map(targetKey).sort());
        for (const target of [dm, bobDm, channel]) {
          expect(read.targets.get(targetKey(target))).toEqual({ offered: s.offeredPapers(target), expired: s.expiredPapers(target) });
        }
        expect(read.targets.get(targetKey(dm))!.offered.map((o) => o.paperId)).toEqual(['p2', 'p1']);
        expect(read.targets.get(targetKey(dm))!.expired).toEqual(new Set(['p3']));
        expect(read.targets.get(targetKey(channel))!.offered.map((o) => o.paperId)).toEqual(['p4']);
      });

      it('remembers which topics a target was told about', () => {
        const s = open();
        expect(s.topicNotices(dm)).toEqual(new Set());
        s.addTopicNotices(dm, ['the', '🚀'], t0);
        s.addTopicNotices(dm, ['the'], later(1));
        expect(s.topicNotices(dm)).toEqual(new Set(['the', '🚀']));
        expect(s.topicNotices(channel)).toEqual(new Set());
      });
    });

    describe('stored papers and sources', () => {
      const fetched = (id: string, over: Partial<StoredPaper> = {}): StoredPaper => ({
        id, title: `Title ${id}`, abstract: `Abstract of ${id}`, url: `https://arxiv.org/abs/${id}`, source: 'huggingface',
        arxivId: `2401.0000${id.slice(-1)}`, authors: ['A. Author'], published: '2024-01-02', upvotes: 3, ...over,
      });

      it('saves new papers, tells new from changed from the same, and lists them in the order first stored', () => {
        const s = open();
        expect(s.savePapers([fetched('p-1'), fetched('p-2')], t0)).toEqual(['new', 'new']);
        expect(s.savePapers([fetched('p-2', { upvotes: 9 }), fetched('p-1'), fetched('p-3')], later(1))).toEqual(['changed', 'same', 'new']);
        expect(s.storedPapers().map((p) => p.id)).toEqual(['p-1', 'p-2', 'p-3']);
        expect(s.storedPapers()[1]).toEqual(fetched('p-2', { upvotes: 9 }));
        expect(s.paperIdByArxiv('2401.00002')).toBe('p-2');
        expect(s.paperIdByArxiv('2401.99999')).toBeUndefined();
      });

      it('keeps optional fields absent rather than empty', () => {
        const s = open();
        s.savePapers([{ id: 'p-9', title: 'T', abstract: 'A', url: 'https://example.org', source: 'x' }], t0);
        expect(s.storedPapers()).toEqual([{ id: 'p-9', title: 'T', abstract: 'A', url: 'https://example.org', source: 'x' }]);
      });

      it('keeps categories, and a cursor per source', () => {
        const s = open();
        expect(s.savePapers([fetched('p-1', { categories: ['cs.LG', 'cs.CL'] })], t0)).toEqual(['new']);
        expect(s.savePapers([fetched('p-1', { categories: ['cs.LG'] })], later(1))).toEqual(['changed']);
        expect(s.storedPapers()[0]!.categories).toEqual(['cs.LG']);
        expect(s.sourceCursor('arxiv')).toBeUndefined();
        s.saveSourceCursor('arxiv', '{"a":1}', t0);
        s.saveSourceCursor('arxiv', '{"a":2}', later(1));
        s.saveSourceCursor('other', 'x', t0);
        expect(s.sourceCursor('arxiv')).toBe('{"a":2}');
      });

      it('records source successes and failures: failing since the first failure, cleared by a success', () => {
        const s = open();
        expect(s.sourceStates()).toEqual([]);
        s.recordSourceFailure('huggingface', t0, 'HTTP 503', 0);
        s.recordSourceFailure('huggingface', later(5), 'timeout', 2);
        expect(s.sourceStates()).toEqual([{ source: 'huggingface', lastError: 'timeout', lastErrorAt: later(5), failingSince: t0, fetched: 2, failures: 2 }]);
        s.recordSourceSuccess('huggingface', later(10), 5);
        expect(s.sourceStates()).toEqual([{ source: 'huggingface', lastSuccess: later(10), fetched: 7, failures: 2 }]);
      });
    });

    describe('merging one person’s places (identity)', () => {
      const inG1: UserKey = { platform: 'discord', workspace: 'G1', user: 'U7' };
      const inG2: UserKey = { platform: 'discord', workspace: 'G2', user: 'U7' };
      const person: UserKey = { platform: 'discord', workspace: '@me', user: 'U7' };
      const dmOf = (u: UserKey): Target => ({ platform: u.platform, workspace: u.workspace, kind: 'user', id: u.user });
      const merge = (s: Store, from: string, max = 25) => s.mergePersonScope('discord', from, '@me', { maxFollows: max, now: later(100) });

      it('makes one list, oldest first, a topic followed twice kept once with its oldest follow', () => {
        const s = open();
        s.addFollow(person, 'robots', later(3));
        s.addFollow(inG1, 'Diffusion', later(1));
        s.addFollow(inG2, 'diffusion ', later(0));
        s.addFollow(inG2, 'graphs', later(2));
        s.addFollow(bob, 'kept apart', t0);
        const one = merge(s, 'G1');
        const two = merge(s, 'G2');
        expect(one.persons + two.persons).toBe(2);
        expect(two.duplicatesCollapsed).toBe(1);
        expect(s.listFollows(person).map((f) => [f.topic, f.created])).toEqual([['diffusion ', later(0)], ['graphs', later(2)], ['robots', later(3)]]);
        expect(s.listFollows(person).every((f) => f.workspace === '@me')).toBe(true);
        expect(s.listFollows(inG1)).toEqual([]);
        expect(s.listFollows(inG2)).toEqual([]);
        expect(s.listFollows(bob).map((f) => f.topic)).toEqual(['kept apart']);
        expect(s.allFollowers().filter((f) => f.user.user === 'U7')).toEqual([{ user: person, follows: expect.any(Array) }]);
        expect(s.addFollow(person, 'DIFFUSION', later(9)).created).toBe(false);
        expect(merge(s, 'G1')).toMatchObject({ persons: 0 });
      });

      it('carries a follow by example into the merged list, its papers kept, a repeat collapsed', () => {
        const s = open();
        s.addFollow(inG1, 'like p-aaaaaaaaaa', later(1), ['p-aaaaaaaaaa']);
        s.addFollow(inG2, 'like p-aaaaaaaaaa', later(2), ['p-aaaaaaaaaa']);
        s.addFollow(inG2, 'like p-bbbbbbbbbb p-cccccccccc', later(3), ['p-bbbbbbbbbb', 'p-cccccccccc']);
        merge(s, 'G1');
        expect(merge(s, 'G2').duplicatesCollapsed).toBe(1);
        expect(s.listFollows(person).map((f) => [f.topic, f.examples, f.created])).toEqual([
          ['like p-aaaaaaaaaa', ['p-aaaaaaaaaa'], later(1)],
          ['like p-bbbbbbbbbb p-cccccccccc', ['p-bbbbbbbbbb', 'p-cccccccccc'], later(3)],
        ]);
        expect(s.allFollowers().find((f) => f.user.user === 'U7')!.follows.map((f) => f.examples)).toEqual([['p-aaaaaaaaaa'], ['p-bbbbbbbbbb', 'p-cccccccccc']]);
      });

      it('keeps the oldest up to the cap and names the dropped ones once', () => {
        const s = open();
        s.addFollow(inG1, 'a', later(0));
        s.addFollow(inG1, 'c', later(2));
        s.addFollow(inG2, 'b', later(1));
        s.addFollow(inG2, 'd', later(3));
        s.addFollow(inG2, 'e', later(4));
        merge(s, 'G1', 2);
        expect(merge(s, 'G2', 2).followsDropped).toBe(3);
        expect(s.listFollows(person).map((f) => f.topic)).toEqual(['a', 'b']);
        expect(s.takeDroppedFollows(person)).toEqual(['c', 'd', 'e']);
        expect(s.takeDroppedFollows(person)).toEqual([]);
      });

      it('keeps the most recently changed prefs', () => {
        const s = open();
        s.setPrefs(inG1, { time: '06:00', timeZone: 'UTC', paused: false, since: later(5) });
        s.setPrefs(inG2, { time: '21:00', timeZone: 'Asia/Tokyo', paused: true, since: later(9) });
        s.setPrefs(person, { time: '07:00', timeZone: 'UTC', paused: false, since: later(1) });
        merge(s, 'G1');
        expect(s.getPrefs(person)).toMatchObject({ time: '06:00', since: later(5) });
        merge(s, 'G2');
        expect(s.getPrefs(person)).toEqual({ time: '21:00', timeZone: 'Asia/Tokyo', paused: true, since: later(9) });
        // An old key reads and writes the person's prefs (a pause by a send planned before the merge lands on the person).
        expect(s.getPrefs(inG1)).toEqual(s.getPrefs(person));
        s.setPrefs(inG2, { time: '21:00', timeZone: 'Asia/Tokyo', paused: true, pausedReason: '50007', since: later(10) });
        expect(s.getPrefs(person)).toMatchObject({ paused: true, pausedReason: '50007' });
        expect(s.allFollowers().some((f) => f.user.workspace !== '@me' && f.user.platform === 'discord')).toBe(false);
        // The planner's one read gives the merged person the same prefs.
        s.addFollow(person, 'robots', later(11));
        expect(s.followerPrefs().get(targetKey({ platform: person.platform, workspace: person.workspace, kind: 'user', id: person.user }))).toEqual(s.getPrefs(person));
      });

      it('moves deliveries and runs as a union: nothing delivered or planned anywhere counts as new', () => {
        const s = open();
        const slot = '2026-03-02T08:00:00.000Z';
        s.claimRun(dmOf(inG1), slot, plan('p1'), t0);
        s.finishRun(dmOf(inG1), slot, { state: 'sent', messageId: 'm1', paperIds: ['p1'] }, t0);
        s.claimRun(dmOf(inG2), slot, plan('p2'), t0); // interrupted: planned, maybe sent
        s.claimRun(dmOf(person), slot, plan('p3'), t0);
        s.finishRun(dmOf(person), slot, { state: 'sent', messageId: 'm3', paperIds: ['p3'] }, t0);
        s.claimRun(dmOf(inG2), '2026-03-03T08:00:00.000Z', plan('p4'), t0);
        merge(s, 'G1');
        merge(s, 'G2');
        expect(s.deliveredPapers(dmOf(person), ['p1', 'p2', 'p3', 'p4', 'p5'])).toEqual(new Set(['p1', 'p2', 'p3', 'p4']));
        expect(byTarget(s, ['p1', 'p2', 'p3', 'p4'])).toEqual(new Map([[targetKey(dmOf(person)), new Set(['p1', 'p2', 'p3', 'p4'])]]));
        // Both interrupted runs stay pending, now the person's: the colliding one under a marked slot.
        expect(s.pendingRuns().map((r) => [r.target, r.slot]).sort()).toEqual([
          [targetKey(dmOf(person)), `${slot}/from-G2`],
          [targetKey(dmOf(person)), '2026-03-03T08:00:00.000Z'],
        ]);
        expect(s.getRun(dmOf(person), slot)).toMatchObject({ state: 'sent', messageId: 'm3' });
      });

      it('answers a run planned under the old key on the merged person', () => {
        const s = open();
        const slot = '2026-03-04T08:00:00.000Z';
        s.addFollow(inG1, 'robots', t0);
        s.claimRun(dmOf(inG1), slot, plan('p1'), t0);
        merge(s, 'G1');
        // The send in flight during the merge finishes under the key it was planned with.
        s.recordAttempt(dmOf(inG1), slot, 'timeout', t0);
        s.finishRun(dmOf(inG1), slot, { state: 'sent', messageId: 'm', paperIds: ['p1'] }, t0);
        expect(s.getRun(dmOf(person), slot)).toMatchObject({ state: 'sent', attempts: 1, targetRef: dmOf(person) });
        expect(s.runTargets(slot)).toEqual(new Set([targetKey(dmOf(person))]));
        expect(s.deliveredPapers(dmOf(person), ['p1'])).toEqual(new Set(['p1']));
        // A pass planned before the merge cannot claim the same slot again under the old key.
        expect(s.claimRun(dmOf(inG1), slot, plan('p2'), t0)).toBe(false);
        expect(s.deliveredPapers(dmOf(inG1), ['p1'])).toEqual(new Set(['p1']));
      });

      it('leaves channel digests and other platforms alone', () => {
        const s = open();
        s.addDigest({ ...digestInput('robots'), platform: 'discord', workspace: 'G1', channel: 'C9' });
        s.addFollow({ platform: 'slack', workspace: 'G1', user: 'U7' }, 'slack side', t0);
        s.claimRun({ platform: 'discord', workspace: 'G1', kind: 'channel', id: 'C9' }, 'slot/digest-1', plan('p1'), t0);
        expect(merge(s, 'G1').persons).toBe(0);
        expect(s.listDigests({ platform: 'discord', workspace: 'G1', channel: 'C9' })).toHaveLength(1);
        expect(s.listFollows({ platform: 'slack', workspace: 'G1', user: 'U7' })).toHaveLength(1);
        expect(s.pendingRuns()[0]!.targetRef.workspace).toBe('G1');
      });

      it('carries ratings into the person: the later rating of a paper wins, a follow dropped or collapsed keeps none of another', () => {
        const s = open();
        s.addFollow(person, 'robots', t0);
        s.addFollow(inG1, 'Robots', later(1));
        s.addFollow(inG1, 'graphs', later(2));
        s.addFollow(inG1, 'quantum', later(3));
        s.rate(person, 'robots', 'p1', 1, later(10));
        s.rate(inG1, 'robots', 'p1', -1, later(20));
        s.rate(inG1, 'robots', 'p2', 1, later(5));
        s.rate(inG1, 'graphs', 'p3', -1, later(5));
        s.rate(inG1, 'quantum', 'p4', -1, later(5));
        merge(s, 'G1', 2);
        const got = s.followRatings(person);
        expect(Object.fromEntries([...got].map(([k, m]) => [k, Object.fromEntries(m)]))).toEqual({ robots: { p1: -1, p2: 1 }, graphs: { p3: -1 } });
        expect(s.followRatings(inG1).size).toBe(0);
      });
    });
  });
}
