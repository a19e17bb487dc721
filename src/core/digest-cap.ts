import type { AppConfig } from '../config/index.js';
import type { DigestSection } from './digest.js';
import type { Action } from './reply.js';
import type { PaperSearch } from './search-port.js';
import { topicKey, type Follow, type OfferedPaper, type Store } from './store/port.js';
import type { Paper, Target } from './types.js';

/**
 * The per-digest cap. A DM digest shows at most digests.maxPapers papers across all follows, most
 * relevant first; the rest are offered ("N more: Show them", /papers more) and carried to the next
 * digests until shown, or until digests.carryDays pass, when they age out and the next digest
 * says how many did. A paper is recorded as delivered only when a message showing it was sent.
 */

const DAY_MS = 24 * 3600_000;

/** A topic a digest could not plan: skipped, so the target's other topics still go out. */
export interface SkippedTopic {
  topic: string;
  /** Why, in the words search uses for the same text. */
  reason: string;
  /** True when the owner can fix it by changing the topic (no searchable word); false for a bug. */
  fixable: boolean;
}

/** Recorded once the digest was sent (never before: an unsent digest offered nothing). */
export interface DigestFollowUp {
  /** Papers picked but not shown: offered from now on (a paper already offered keeps its date). */
  offered: Omit<OfferedPaper, 'since'>[];
  /** Offered papers past carryDays: marked aged out, never offered again. */
  agedOut: string[];
  /** Topics (topicKey) the target was told cannot be planned. */
  told: string[];
}

/** What earlier digests offered a user that is still worth carrying, and what aged out. */
export interface Carried {
  /** Offered papers still in time, on topics still followed, in the index. */
  papers: { paper: Paper; offer: OfferedPaper; /** topicKey(offer.topic) */ key: string }[];
  /** Offered papers past carryDays (all of them), and how many of those were on followed topics. */
  agedOut: string[];
  agedOutFollowed: number;
  /** Papers the planner must not pick as new: aged out before, or carried now. */
  skip: ReadonlySet<string>;
}

/** The label of the button that shows offered papers. */
export const showMoreLabel = (n: number) => `${n} more: Show them`;

/** The button that runs /papers more for whoever presses it (the digest's own person, in their DM). */
export function showMoreAction(n: number): Action {
  return { kind: 'show-more', label: showMoreLabel(n), command: 'more', args: {} };
}

/** Whether an offer made at `since` has aged out at `at`. */
export const agedOut = (config: AppConfig, since: Date, at: Date) => at.getTime() - since.getTime() >= config.digests.carryDays * DAY_MS;

/** Reads the target's offered papers (or takes them as a prefetch read them) and splits them into those to carry and those that aged out. */
export function carriedPapers(
  store: Store, index: PaperSearch, config: AppConfig, target: Target, follows: Follow[], at: Date,
  read?: { offered: OfferedPaper[]; expired: Set<string> },
): Carried {
  const offered = read ? read.offered : store.offeredPapers(target);
  // Nothing offered: the aged-out papers are all there is to skip, and a prefetch's set is not copied.
  if (offered.length === 0) return { papers: [], agedOut: [], agedOutFollowed: 0, skip: read ? read.expired : store.expiredPapers(target) };
  const skip = read ? new Set(read.expired) : store.expiredPapers(target);
  const out: Carried = { papers: [], agedOut: [], agedOutFollowed: 0, skip };
  const followed = new Set(follows.map((f) => followKey(f.topic)));
  const keys = new Map<string, string>();
  for (const offer of offered) {
    let key = keys.get(offer.topic);
    if (key === undefined) keys.set(offer.topic, (key = topicKey(offer.topic)));
    const onTopic = followed.has(key);
    if (agedOut(config, offer.since, at)) {
      out.agedOut.push(offer.paperId);
      if (onTopic) out.agedOutFollowed++;
      skip.add(offer.paperId);
      continue;
    }
    const paper = onTopic ? index.get(offer.paperId) : undefined;
    if (!paper) continue;
    out.papers.push({ paper, offer, key });
    skip.add(offer.paperId);
  }
  return out;
}

interface Candidate {
  paper: Paper;
  topic: string;
  relevance: number;
  /** Among the first maxPapers across topics. */
  shown: boolean;
}

/** The capped digest: sections shown, notices and buttons to add, and what to record once sent. */
export interface CappedDigest {
  shown: DigestSection[];
  notices: string[];
  actions: Action[];
  followUp: DigestFollowUp;
}

/**
 * Orders the new papers (by topic) and the carried ones, shows the first maxPapers and offers
 * the rest. Each topic's own order is kept (carried papers first, they have waited); across
 * topics it goes round by round, each topic's next paper in a round, the most relevant first, so
 * one busy topic cannot crowd out the others.
 */
export function capDigest(config: AppConfig, target: Target, follows: Follow[], sections: DigestSection[], carried: Carried, tell: SkippedTopic[]): CappedDigest {
  // One pool per followed topic, found by topicKey (carried papers) or by the follow's own text
  // (sections). A digest has a few follows: arrays, searched in place, cost less than Maps.
  type Pool = { key: string; topic: string; list: Candidate[] };
  const pools: Pool[] = [];
  const poolOfFollow: Pool[] = [];
  for (const f of follows) {
    const key = followKey(f.topic);
    let p = pools.find((q) => q.key === key);
    if (!p) pools.push((p = { key, topic: f.topic, list: [] }));
    poolOfFollow.push(p);
  }
  for (const { paper, offer, key } of carried.papers) {
    const p = pools.find((q) => q.key === key);
    p?.list.push({ paper, topic: p.topic, relevance: offer.relevance, shown: false });
  }
  for (const s of sections) {
    const p = poolOfFollow[follows.findIndex((f) => f.topic === s.topic)];
    for (let i = 0; i < s.papers.length; i++) p?.list.push({ paper: s.papers[i]!, topic: p.topic, relevance: s.relevance[i] ?? 0, shown: false });
  }

  // Round by round; within a round, most relevant first (an insertion sort: stable, and a round has a few papers).
  const order: Candidate[] = [];
  for (let round = 0; ; round++) {
    const start = order.length;
    for (const p of pools) {
      const c = p.list[round];
      if (!c) continue;
      let at = order.length;
      order.push(c);
      for (; at > start && order[at - 1]!.relevance < c.relevance; at--) order[at] = order[at - 1]!;
      order[at] = c;
    }
    if (order.length === start) break;
  }
  const cap = config.digests.maxPapers;
  for (let i = 0; i < order.length && i < cap; i++) order[i]!.shown = true;
  const rest = order.slice(cap);

  // Shown papers grouped by topic, in follow order, each topic's own order kept.
  const shown: DigestSection[] = [];
  for (const { topic, list } of pools) {
    const papers: Paper[] = [];
    const relevance: number[] = [];
    for (const c of list) {
      if (!c.shown) continue;
      papers.push(c.paper);
      relevance.push(c.relevance);
    }
    if (papers.length > 0) shown.push({ topic, papers, relevance });
  }

  const days = config.digests.carryDays;
  const notices: string[] = [];
  const actions: Action[] = [];
  if (rest.length > 0) {
    notices.push(`${rest.length} more ${rest.length === 1 ? 'paper matches' : 'papers match'} your follows: press “${showMoreLabel(rest.length)}” or type /papers more. Papers not shown within ${days} days age out.`);
    actions.push(showMoreAction(rest.length));
  }
  if (carried.agedOutFollowed > 0) {
    const n = carried.agedOutFollowed;
    notices.push(`${n} ${n === 1 ? 'paper' : 'papers'} offered earlier ${n === 1 ? 'was' : 'were'} not opened within ${days} days and aged out.`);
  }
  for (const t of tell) notices.push(unplannableText(t));
  return {
    shown, notices, actions,
    followUp: {
      offered: rest.map((c) => ({ paperId: c.paper.id, topic: c.topic, relevance: c.relevance })),
      agedOut: carried.agedOut,
      told: tell.map((t) => topicKey(t.topic)),
    },
  };
}

/** topicKey of follow topics, remembered: a planning pass asks for the same few hundred topics once per user. */
const followKeys = new Map<string, string>();
const FOLLOW_KEYS_LIMIT = 10_000;
export function followKey(topic: string): string {
  let key = followKeys.get(topic);
  if (key === undefined) {
    if (followKeys.size >= FOLLOW_KEYS_LIMIT) followKeys.clear();
    followKeys.set(topic, (key = topicKey(topic)));
  }
  return key;
}

/** What to tell a digest's owner about a topic that cannot be searched, and what to change. */
export function unplannableText(skipped: SkippedTopic, where: 'user' | 'channel' = 'user'): string {
  return where === 'user'
    ? `I can’t search for your follow “${skipped.topic}”, so it gets no papers: ${skipped.reason} Unfollow it (/papers unfollow ${skipped.topic}) and follow it with more specific words.`
    : `I can’t search for this channel digest’s topic “${skipped.topic}”, so it gets no papers: ${skipped.reason} A channel admin can remove it (/papers digest remove ${skipped.topic}) and add it with more specific words.`;
}

/** Records a sent digest's follow-up: offers the unshown papers, ages out the old ones, notes topics told about. */
export function recordFollowUp(store: Store, target: Target, followUp: DigestFollowUp, now: Date): void {
  if (followUp.offered.length > 0) store.offerPapers(target, followUp.offered, now);
  if (followUp.agedOut.length > 0) store.expireOffered(target, followUp.agedOut, now);
  if (followUp.told.length > 0) store.addTopicNotices(target, followUp.told, now);
}
