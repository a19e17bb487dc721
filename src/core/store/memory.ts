import { dmTarget, targetKey, type ChannelKey, type Platform, type Target, type UserKey } from '../types.js';
import type { Rating } from '../learning/feedback.js';
import { samePaper } from './papers.js';
import { emptyMergeReport, mergedSlot, mergeFollowLists, newerPrefs } from './person-merge.js';
import { topicKey, type ChannelDigest, type Delivery, type DigestRun, type Follow, type OfferedPaper, type OffersByTarget, type RunPlan, type SaveOutcome, type SourceState, type Store, type StoredPaper, type UserPrefs } from './port.js';

const userKey = (u: UserKey) => `${u.platform}:${u.workspace}:${u.user}`;
const channelMatches = (d: ChannelDigest, c: ChannelKey) => d.platform === c.platform && d.workspace === c.workspace && d.channel === c.channel;
const runKey = (target: Target, slot: string) => `${targetKey(target)}|${slot}`;
const byAge = (a: Follow, b: Follow) => a.created.getTime() - b.created.getTime() || a.id - b.id;

/** A Store that keeps everything in maps: for unit tests and demos; forgets it all on exit. */
export function createMemoryStore(): Store {
  let nextFollowId = 1;
  let nextDigestId = 1;
  // Follows per user, oldest first (created, then id), as listFollows returns them.
  const follows = new Map<string, Follow[]>();
  // The followers' keys in order for followersPage, sorted again after follows changed.
  let order: string[] | undefined;
  const digests: ChannelDigest[] = [];
  const prefs = new Map<string, UserPrefs>();
  const firstSeen = new Map<string, Date>();
  const runs = new Map<string, DigestRun>();
  // Claimed runs by target, so deliveredPapers need not scan every run.
  const claimedByTarget = new Map<string, Set<DigestRun>>();
  const unclaim = (run: DigestRun) => {
    const set = claimedByTarget.get(run.target);
    set?.delete(run);
    if (set?.size === 0) claimedByTarget.delete(run.target);
  };
  const deliveries = new Map<string, Map<string, Delivery>>();
  // The same deliveries by paper: paper id -> target keys, for eachDelivered().
  const byPaper = new Map<string, Set<string>>();

  // Offered papers by target key, then paper id; `expired` once aged out.
  const offered = new Map<string, Map<string, OfferedPaper & { expired?: Date }>>();
  const notices = new Map<string, Set<string>>();
  const offeredOf = (key: string) => {
    let map = offered.get(key);
    if (!map) offered.set(key, (map = new Map()));
    return map;
  };
  const deliver = (key: string, paperId: string, at: Date, messageId: string) => {
    let delivered = deliveries.get(key);
    if (!delivered) deliveries.set(key, (delivered = new Map()));
    if (delivered.has(paperId)) return;
    delivered.set(paperId, { target: key, paperId, at: new Date(at), messageId });
    let targets = byPaper.get(paperId);
    if (!targets) byPaper.set(paperId, (targets = new Set()));
    targets.add(key);
  };
  // Insertion order is the order first stored; an update keeps a paper's place.
  const papers = new Map<string, StoredPaper>();
  const sources = new Map<string, SourceState>();
  // Ratings per user key, then follow topicKey, then paper id: the latest rating and when it was given.
  const ratings = new Map<string, Map<string, Map<string, { rating: Rating; at: number }>>>();
  const ratingsOf = (u: string, key: string) => {
    let byTopic = ratings.get(u);
    if (!byTopic) ratings.set(u, (byTopic = new Map()));
    let map = byTopic.get(key);
    if (!map) byTopic.set(key, (map = new Map()));
    return map;
  };
  const clearRatings = (u: string, key: string): number => {
    const byTopic = ratings.get(u);
    const n = byTopic?.get(key)?.size ?? 0;
    byTopic?.delete(key);
    if (byTopic?.size === 0) ratings.delete(u);
    return n;
  };
  const cursors = new Map<string, string>();

  const copy = <T extends object>(value: T): T => structuredClone(value);
  const copyFollow = (f: Follow): Follow => ({ ...f, created: new Date(f.created), ...(f.examples ? { examples: [...f.examples] } : {}) });
  const follower = (list: Follow[]) => ({ user: { platform: list[0]!.platform, workspace: list[0]!.workspace, user: list[0]!.user }, follows: list.map(copyFollow) });
  // Topics dropped by the cap in a merge, per user key, until the user is told.
  const dropped = new Map<string, Map<string, { topic: string; at: number }>>();
  // Old DM target key -> the workspace it was merged into.
  const aliases = new Map<string, string>();
  const resolve = (t: Target): Target => {
    const workspace = t.kind === 'user' ? aliases.get(targetKey(t)) : undefined;
    return workspace === undefined ? t : { ...t, workspace };
  };

  const resolveUser = (u: UserKey): UserKey => {
    const workspace = aliases.get(targetKey(dmTarget(u)));
    return workspace === undefined ? u : { ...u, workspace };
  };

  /** Moves one user of (platform, from) into (platform, to) by the rules in person-merge.ts. */
  const mergeUser = (platform: Platform, from: string, to: string, user: string, max: number, now: Date, report: ReturnType<typeof emptyMergeReport>) => {
    const oldUser = userKey({ platform, workspace: from, user });
    const newUser = userKey({ platform, workspace: to, user });
    report.persons++;
    const { keep, duplicates, dropped: over } = mergeFollowLists(follows.get(newUser) ?? [], follows.get(oldUser) ?? [], max);
    follows.delete(oldUser);
    order = undefined;
    const kept = keep.map((f) => ({ ...f, workspace: to }));
    if (kept.length) follows.set(newUser, kept);
    else follows.delete(newUser);
    const notes = dropped.get(newUser) ?? new Map<string, { topic: string; at: number }>();
    for (const [key, note] of dropped.get(oldUser) ?? []) if (!notes.has(key)) notes.set(key, note);
    dropped.delete(oldUser);
    for (const f of over) if (!notes.has(topicKey(f.topic))) notes.set(topicKey(f.topic), { topic: f.topic, at: now.getTime() });
    for (const f of keep) notes.delete(topicKey(f.topic));
    if (notes.size) dropped.set(newUser, notes);
    const moved = ratings.get(oldUser);
    ratings.delete(oldUser);
    for (const [key, map] of moved ?? []) {
      const into = ratingsOf(newUser, key);
      for (const [paperId, r] of map) if ((into.get(paperId)?.at ?? -Infinity) < r.at) into.set(paperId, r);
    }
    const followed = new Set(kept.map((f) => topicKey(f.topic)));
    for (const key of [...(ratings.get(newUser)?.keys() ?? [])]) if (!followed.has(key)) clearRatings(newUser, key);
    report.followsKept += keep.length;
    report.duplicatesCollapsed += duplicates.length;
    report.followsDropped += over.length;

    const winner = newerPrefs(prefs.get(newUser), prefs.get(oldUser));
    if (winner) prefs.set(newUser, winner);
    prefs.delete(oldUser);

    const oldTarget: Target = { platform, workspace: from, kind: 'user', id: user };
    const newTarget: Target = { ...oldTarget, workspace: to };
    const oldKey = targetKey(oldTarget);
    const newKey = targetKey(newTarget);
    for (const [key, run] of [...runs]) {
      if (run.target !== oldKey) continue;
      runs.delete(key);
      unclaim(run);
      let slot = run.slot;
      if (runs.has(runKey(newTarget, slot))) {
        if (run.state !== 'claimed') continue;
        slot = mergedSlot(slot, from);
      }
      const moved: DigestRun = { ...run, target: newKey, targetRef: copy(newTarget), slot };
      runs.set(runKey(newTarget, slot), moved);
      if (moved.state === 'claimed') claim(moved);
      report.runsMoved++;
    }
    const old = deliveries.get(oldKey);
    if (old) {
      let into = deliveries.get(newKey);
      if (!into) deliveries.set(newKey, (into = new Map()));
      for (const [paperId, d] of old) {
        const targets = byPaper.get(paperId)!;
        targets.delete(oldKey);
        targets.add(newKey);
        if (into.has(paperId)) continue;
        into.set(paperId, { ...d, target: newKey });
        report.deliveriesMoved++;
      }
      deliveries.delete(oldKey);
    }
    aliases.set(oldKey, to);
    for (const [key, workspace] of aliases) if (workspace === from && key.startsWith(`${platform}:`)) aliases.set(key, to);
  };
  const claim = (run: DigestRun) => {
    let set = claimedByTarget.get(run.target);
    if (!set) claimedByTarget.set(run.target, (set = new Set()));
    set.add(run);
  };


  const store: Store = {
    listFollows: (user) => (follows.get(userKey(user)) ?? []).map(copyFollow),
    addFollow(user, topic, now, examples) {
      const list = follows.get(userKey(user)) ?? [];
      const existing = list.find((f) => topicKey(f.topic) === topicKey(topic));
      if (existing) return { follow: copyFollow(existing), created: false };
      const follow: Follow = { id: nextFollowId++, platform: user.platform, workspace: user.workspace, user: user.user, topic, created: new Date(now), ...(examples?.length ? { examples: [...examples] } : {}) };
      follows.set(userKey(user), [...list, follow].sort(byAge));
      order = undefined;
      return { follow: copyFollow(follow), created: true };
    },
    removeFollow(user, id) {
      const list = follows.get(userKey(user)) ?? [];
      const gone = list.find((f) => f.id === id);
      if (!gone) return false;
      clearRatings(userKey(user), topicKey(gone.topic));
      const rest = list.filter((f) => f.id !== id);
      if (rest.length) follows.set(userKey(user), rest);
      else follows.delete(userKey(user));
      order = undefined;
      return true;
    },
    rate(user, topic, paperId, rating, now) {
      const map = ratingsOf(userKey(user), topicKey(topic));
      if (rating === 0) map.delete(paperId);
      else {
        map.delete(paperId); // re-inserted: the map keeps ratings in the order last given
        map.set(paperId, { rating, at: now.getTime() });
      }
      if (map.size === 0) clearRatings(userKey(user), topicKey(topic));
    },
    followRatings(user) {
      const out = new Map<string, Map<string, Rating>>();
      for (const [key, map] of ratings.get(userKey(user)) ?? []) {
        const sorted = [...map].sort(([ia, a], [ib, b]) => a.at - b.at || (ia < ib ? -1 : ia > ib ? 1 : 0));
        if (sorted.length) out.set(key, new Map(sorted.map(([id, r]) => [id, r.rating])));
      }
      return out;
    },
    clearRatings: (user, topic) => clearRatings(userKey(user), topicKey(topic)),
    followerCount: () => follows.size,
    allFollowers: () => [...follows.values()].map(follower),
    followersPage(after, limit) {
      const keys = (order ??= [...follows.keys()].sort());
      // The first key after `after`, by binary search.
      let lo = 0;
      if (after) {
        const from = userKey(after);
        for (let hi = keys.length; lo < hi; ) {
          const mid = (lo + hi) >> 1;
          if (keys[mid]! > from) hi = mid;
          else lo = mid + 1;
        }
      }
      return keys.slice(lo, lo + limit).map((k) => follower(follows.get(k)!));
    },

    listDigests: (channel) => digests.filter((d) => channelMatches(d, channel)).map(copy),
    addDigest(input) {
      const digest: ChannelDigest = { ...copy(input), id: nextDigestId++, paused: false, activeSince: new Date(input.created) };
      digests.push(digest);
      return copy(digest);
    },
    removeDigest(channel, id) {
      const i = digests.findIndex((d) => d.id === id && channelMatches(d, channel));
      if (i < 0) return false;
      digests.splice(i, 1);
      return true;
    },
    setDigestPaused(id, paused, reason, now = new Date()) {
      const d = digests.find((x) => x.id === id);
      if (!d) return;
      if (d.paused && !paused) d.activeSince = new Date(now);
      d.paused = paused;
      if (paused && reason !== undefined) d.pausedReason = reason;
      else delete d.pausedReason;
    },
    allDigests: () => digests.map(copy),

    getPrefs(asked) {
      const p = prefs.get(userKey(asked)) ?? prefs.get(userKey(resolveUser(asked)));
      return p && copy(p);
    },
    followerPrefs() {
      const out = new Map<string, UserPrefs>();
      for (const [first] of follows.values()) {
        const p = first && store.getPrefs(first);
        if (first && p) out.set(targetKey(dmTarget(first)), p);
      }
      return out;
    },
    setPrefs(user, value) {
      const stored: UserPrefs = { ...copy(value), since: value.since ? new Date(value.since) : new Date() };
      if (stored.pausedReason === undefined) delete stored.pausedReason;
      prefs.set(userKey(resolveUser(user)), stored);
    },

    recordFirstSeen(ids, at) {
      for (const id of ids) if (!firstSeen.has(id)) firstSeen.set(id, new Date(at));
    },
    firstSeen(id) {
      const at = firstSeen.get(id);
      return at && new Date(at);
    },

    claimRun(asked, slot, plan: RunPlan | null, now) {
      const target = resolve(asked);
      const key = runKey(target, slot);
      if (runs.has(key)) return false;
      const run: DigestRun = {
        target: targetKey(target), targetRef: copy(target), slot, state: plan ? 'claimed' : 'empty', attempts: 0,
        claimed: new Date(now), updated: new Date(now), ...(plan ? { plan: copy(plan) } : {}),
      };
      runs.set(key, run);
      if (plan) claim(run);
      return true;
    },
    getRun(target, slot) {
      const run = runs.get(runKey(resolve(target), slot));
      return run && copy(run);
    },
    runTargets(slot) {
      const out = new Set<string>();
      for (const run of runs.values()) if (run.slot === slot) out.add(run.target);
      return out;
    },
    pendingRuns: () => [...runs.values()].filter((r) => r.state === 'claimed').map(copy),
    recordAttempt(target, slot, error, now) {
      const run = runs.get(runKey(resolve(target), slot));
      if (!run || run.state !== 'claimed') return;
      run.attempts += 1;
      run.error = error;
      run.updated = new Date(now);
    },
    finishRun(asked, slot, outcome, now) {
      const target = resolve(asked);
      const run = runs.get(runKey(target, slot));
      if (!run || run.state !== 'claimed') throw new Error(`paperboy store: no claimed run for ${targetKey(target)} at ${slot}`);
      const key = targetKey(target);
      for (const paperId of outcome.paperIds ?? []) deliver(key, paperId, now, outcome.messageId ?? '');
      run.state = outcome.state;
      unclaim(run);
      run.updated = new Date(now);
      if (outcome.messageId !== undefined) run.messageId = outcome.messageId;
      if (outcome.error !== undefined) run.error = outcome.error;
      else delete run.error;
    },
    deliveredPapers(target, ids) {
      const key = targetKey(resolve(target));
      const delivered = deliveries.get(key);
      const planned = new Set<string>();
      for (const run of claimedByTarget.get(key) ?? []) for (const id of run.plan?.paperIds ?? []) planned.add(id);
      return new Set(ids.filter((id) => delivered?.has(id) || planned.has(id)));
    },
    eachDelivered(ids, each) {
      const wanted = new Set(ids);
      for (const id of wanted) {
        const targets = byPaper.get(id);
        if (targets) each(id, [...targets]);
      }
      for (const [target, claimed] of claimedByTarget) for (const run of claimed) for (const id of run.plan?.paperIds ?? []) if (wanted.has(id)) each(id, [target]);
    },
    pruneRuns(before) {
      let n = 0;
      for (const [key, run] of runs) {
        if (run.state !== 'claimed' && Date.parse(run.slot) < before.getTime()) {
          runs.delete(key);
          n++;
        }
      }
      return n;
    },
    offerPapers(target, papers, now) {
      const key = targetKey(target);
      const map = offeredOf(key);
      for (const p of papers) {
        if (map.has(p.paperId) || deliveries.get(key)?.has(p.paperId)) continue;
        map.set(p.paperId, { paperId: p.paperId, topic: p.topic, relevance: p.relevance, since: new Date(now) });
      }
    },
    offeredPapers(target) {
      const key = targetKey(target);
      const delivered = deliveries.get(key);
      return [...(offered.get(key)?.values() ?? [])]
        .filter((o) => !o.expired && !delivered?.has(o.paperId))
        .sort((a, b) => b.relevance - a.relevance || a.since.getTime() - b.since.getTime() || (a.paperId < b.paperId ? -1 : 1))
        .map((o) => ({ paperId: o.paperId, topic: o.topic, relevance: o.relevance, since: new Date(o.since) }));
    },
    expireOffered(target, ids, now) {
      const map = offered.get(targetKey(target));
      for (const id of ids) {
        const o = map?.get(id);
        if (o && !o.expired) o.expired = new Date(now);
      }
    },
    expiredPapers(target) {
      return new Set([...(offered.get(targetKey(target))?.values() ?? [])].filter((o) => o.expired).map((o) => o.paperId));
    },
    offersByTarget() {
      const targets: OffersByTarget['targets'] = new Map();
      for (const key of offered.keys()) {
        const [platform, workspace, kind, ...id] = key.split(':');
        const target = { platform, workspace, kind, id: id.join(':') } as Target;
        if (targetKey(target) !== key) throw new Error(`paperboy store: cannot read target key ${key}`);
        targets.set(key, { offered: store.offeredPapers(target), expired: store.expiredPapers(target) });
      }
      return { targets, aliased: new Set(aliases.keys()) };
    },
    recordShown(target, ids, messageId, now) {
      const key = targetKey(target);
      for (const id of ids) deliver(key, id, now, messageId);
    },
    topicNotices: (target) => new Set(notices.get(targetKey(target))),
    addTopicNotices(target, keys) {
      const key = targetKey(target);
      let set = notices.get(key);
      if (!set) notices.set(key, (set = new Set()));
      for (const k of keys) set.add(k);
    },
    savePapers(list, _now) {
      const out: SaveOutcome[] = [];
      for (const p of list) {
        const known = papers.get(p.id);
        out.push(!known ? 'new' : samePaper(known, p) ? 'same' : 'changed');
        papers.set(p.id, copy(p));
      }
      return out;
    },
    storedPapers: () => [...papers.values()].map(copy),
    paperIdByArxiv: (arxivId) => [...papers.values()].find((p) => p.arxivId === arxivId)?.id,
    sourceStates: () => [...sources.values()].sort((a, b) => a.source.localeCompare(b.source)).map(copy),
    recordSourceSuccess(source, at, saved) {
      const known = sources.get(source);
      sources.set(source, { source, lastSuccess: new Date(at), fetched: (known?.fetched ?? 0) + saved, failures: known?.failures ?? 0 });
    },
    recordSourceFailure(source, at, error, saved) {
      const known = sources.get(source) ?? { source, fetched: 0, failures: 0 };
      sources.set(source, { ...known, lastError: error, lastErrorAt: new Date(at), failingSince: known.failingSince ?? new Date(at), fetched: known.fetched + saved, failures: known.failures + 1 });
    },
    sourceCursor: (source) => cursors.get(source),
    saveSourceCursor(source, value) {
      cursors.set(source, value);
    },
    mergePersonScope(platform, from, to, options) {
      const report = emptyMergeReport();
      if (from === to) return report;
      const users = new Set<string>();
      const prefix = `${platform}:${from}:`;
      for (const key of [...follows.keys(), ...prefs.keys(), ...dropped.keys(), ...ratings.keys()]) if (key.startsWith(prefix)) users.add(key.slice(prefix.length));
      for (const run of runs.values()) if (run.targetRef.kind === 'user' && run.targetRef.platform === platform && run.targetRef.workspace === from) users.add(run.targetRef.id);
      const targetPrefix = targetKey({ platform, workspace: from, kind: 'user', id: '' });
      for (const key of deliveries.keys()) if (key.startsWith(targetPrefix)) users.add(key.slice(targetPrefix.length));
      for (const user of users) mergeUser(platform, from, to, user, options.maxFollows, options.now, report);
      return report;
    },
    takeDroppedFollows(user) {
      const notes = dropped.get(userKey(user));
      if (!notes) return [];
      dropped.delete(userKey(user));
      return [...notes.entries()].sort(([ka, a], [kb, b]) => a.at - b.at || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, n]) => n.topic);
    },
    ping() {},
    close() {},
  };
  return store;
}
