import type { AppConfig } from '../config/index.js';
import type { Feedback } from './learning/feedback.js';
import { createLearningCache } from './learning/planning.js';
import { carriedPapers, capDigest, followKey, type CappedDigest, unplannableText, type DigestFollowUp, type SkippedTopic } from './digest-cap.js';
import { DeliveredPairs } from './delivered-pairs.js';
import { UserError } from './errors.js';
import { followLabel, followMatches, type ExampleHit } from './follows/by-example.js';
import { reasonText } from './follows/why.js';
import { followLikeAction, paperByline, truncate, type PaperItem, type Reply } from './reply.js';
import type { PaperSearch, SearchHit } from './search-port.js';
import { topicKey, type ChannelDigest, type Follow, type OfferedPaper, type OffersByTarget, type RatingsByUser, type Store } from './store/port.js';
import { dmTarget, targetKey, type Paper, type Target, type UserKey } from './types.js';

/**
 * What "new" means: a paper is new to a target when the topic matches it and it was never
 * delivered to that target. Among new papers, those this install first saw after the follow
 * (or channel digest) was created come first, then the rest, each group best match first; so a
 * brand-new follow's first digest is the best matches so far, and later ones lead with fresh papers.
 */

export interface DigestSection {
  topic: string;
  papers: Paper[];
  /** Each paper's match with the topic, 0-1 (its score over the topic's best), parallel to papers. */
  relevance: number[];
}

/** What one digest run would send; reply is undefined when nothing should be posted. */
export interface DigestPlan {
  target: Target;
  /** The papers shown, by topic. */
  sections: DigestSection[];
  /** Every paper in the reply, in order: recorded as delivered once sent, and only those. */
  paperIds: string[];
  reply?: Reply;
  /** Topics that could not be planned this time (skipped; the others went ahead). */
  skipped: SkippedTopic[];
  /** What to record once the reply was sent: papers offered but not shown, aged out, topics told about. */
  followUp?: DigestFollowUp;
}

const SNIPPET_LENGTH = 240;

interface RankedHit extends SearchHit {
  /** When this install first saw the paper (ms), or -Infinity if never recorded. */
  seen: number;
  /** For a follow by example: the example the paper is closest to. */
  like?: ExampleHit['like'];
}

/** One topic's matches and the orderings made of them; ask the cache for it once, then ask it many times. */
export class TopicMatches {
  /** The best score among the hits: relevance is a score over it. */
  readonly best: number;
  /** First-seen times, newest first: how many hits are fresh for a cut is a binary search. */
  private readonly seenDesc: number[];
  /** Orderings by how many hits are fresh (the fresh ones are always the most recently seen). */
  private readonly byFresh = new Map<number, RankedHit[]>();
  private lastCut = NaN;
  private last: RankedHit[];
  /** The hits by paper id, built on the first reason asked for. */
  private byId?: Map<string, RankedHit>;
  /** Each paper's item with its "Why:" line, made when first asked for: one object for every follower of the topic. */
  private items?: Map<string, PaperItem>;
  /** Items of papers a follow's 👍 ratings brought in (learned()): the same "Why:" for every follow it did that for. */
  private likedItems?: Map<string, PaperItem>;

  constructor(
    readonly hits: RankedHit[],
    /** The follow's own topic, or undefined for a follow by example (its topic is only a key). */
    private readonly words: string | undefined,
    /** The paper's item without a reason, shared by every topic. */
    private readonly plainItem: (p: Paper) => PaperItem,
  ) {
    this.best = hits.reduce((m, h) => Math.max(m, h.score), 0);
    this.seenDesc = hits.map((h) => h.seen).sort((a, b) => b - a);
    this.last = hits;
  }

  /** The hits with those first seen after `since` first, each group best match first. */
  ordered(since: Date): RankedHit[] {
    const cut = since.getTime();
    // Most calls in a pass repeat the previous cut (follows made the same day).
    if (cut === this.lastCut) return this.last;
    const desc = this.seenDesc;
    let lo = 0;
    let hi = desc.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (desc[mid]! > cut) lo = mid + 1;
      else hi = mid;
    }
    let list = lo === 0 ? this.hits : this.byFresh.get(lo);
    if (!list) this.byFresh.set(lo, (list = [...this.hits.filter((h) => h.seen > cut), ...this.hits.filter((h) => h.seen <= cut)]));
    this.lastCut = cut;
    this.last = list;
    return list;
  }

  /** "Why this paper" for a paper the topic matched, or that a follow's 👍 brought in (`joined`: its learned() list marked it so); undefined if neither. */
  reason(paperId: string, joined = false): string | undefined {
    this.byId ??= new Map(this.hits.map((h) => [h.paper.id, h]));
    const hit = this.byId.get(paperId);
    const follow = this.words !== undefined ? { topic: this.words } : {};
    if (hit) return reasonText({ ...follow, ...(hit.matched ? { matched: hit.matched } : {}), ...(hit.like ? { like: hit.like } : {}) });
    return joined ? reasonText({ ...follow, likeRated: true }) : undefined;
  }

  /** The paper's item with its reason, `joined` as for reason(). */
  item(p: Paper, joined = false): PaperItem {
    let item = this.items?.get(p.id) ?? (joined ? this.likedItems?.get(p.id) : undefined);
    if (!item) {
      const reason = this.reason(p.id, joined);
      if (!reason) return this.plainItem(p);
      item = { ...this.plainItem(p), reason };
      // A matched paper's item is every follower's, a joined one's every follow's that joined it.
      (this.byId!.has(p.id) ? (this.items ??= new Map()) : (this.likedItems ??= new Map())).set(p.id, item);
    }
    return item;
  }
}

/**
 * match() results, first-seen times and rendered items, kept while the index holds the same
 * papers (its size is unchanged: it only ever grows). One cache serves many planning passes, so
 * 10k users sharing 300 topics cost 300 searches a corpus change, not one per user and follow.
 */
export function createMatchCache(store: Store, index: PaperSearch) {
  let size = index.size;
  const topics = new Map<string, TopicMatches>();
  const seen = new Map<string, number>();
  const items = new Map<string, PaperItem>();
  const learning = createLearningCache(index);
  const fresh = () => {
    if (index.size === size) return;
    size = index.size;
    topics.clear();
    seen.clear();
    learning.clear();
  };
  const firstSeenMs = (id: string): number => {
    let at = seen.get(id);
    if (at === undefined) seen.set(id, (at = store.firstSeen(id)?.getTime() ?? -Infinity));
    return at;
  };
  const item = (p: Paper): PaperItem => {
    let it = items.get(p.id);
    if (!it) items.set(p.id, (it = paperItem(p)));
    return it;
  };
  /** The topic's matches (a follow by example's, given its examples); searches it on first use after a corpus change. */
  const topic = (words: string, examples?: string[]): TopicMatches => {
    fresh();
    const key = followKey(words);
    let e = topics.get(key);
    if (!e) {
      // The hits are this cache's own: given `seen` in place, their evidence (matched) stays unread until a digest shows them.
      const hits: RankedHit[] = followMatches(index, { topic: words, examples }).map((h) => Object.assign(h, { seen: firstSeenMs(h.paper.id) }));
      topics.set(key, (e = new TopicMatches(hits, examples?.length ? undefined : words, item)));
    }
    return e;
  };
  return {
    topic,
    /** The topic's hits with those first seen after `since` first, each group best match first (TopicMatches.ordered). */
    ordered: (words: string, since: Date, examples?: string[]): RankedHit[] => topic(words, examples).ordered(since),
    /** ordered(), re-ranked and filtered by one follow's ratings (src/core/learning); each hit with its relevance. */
    learned(words: string, since: Date, feedback: Feedback, examples?: string[]): (RankedHit & { relevance: number; joined?: true })[] {
      const e = topic(words, examples);
      const list = e.ordered(since);
      const cut = since.getTime();
      const rel = (h: SearchHit) => (e.best > 0 ? Math.min(1, h.score / e.best) : 0);
      // A follow by example has no words to widen its search with: it learns over its own candidates.
      return learning.learned(followKey(words), examples ? undefined : words, list, rel, (h) => ({ ...h, seen: firstSeenMs(h.paper.id) }), (h) => (h.seen > cut ? 1 : 0), feedback);
    },
    item,
    /** TopicMatches.reason for a topic asked for before (ordered() or learned()); undefined otherwise. */
    reason: (words: string, paperId: string, joined = false): string | undefined => topics.get(followKey(words))?.reason(paperId, joined),
    /** TopicMatches.item for a topic asked for before; the plain item otherwise. */
    topicItem: (words: string, p: Paper, joined = false): PaperItem => topics.get(followKey(words))?.item(p, joined) ?? item(p),
  };
}

export type MatchCache = ReturnType<typeof createMatchCache>;

/**
 * Which targets' deliveries changed (a run claimed or finished), in order. A planner that
 * prefetched deliveries reads a target changed since then from the store again, so the prefetch
 * is never stale: whatever writes runs while planners are alive (the scheduler) notes each target here.
 */
export function createDeliveryChanges() {
  let seq = 0;
  const last = new Map<string, number>();
  return {
    /** The current position; changes noted later are "since" it. */
    now: (): number => seq,
    /** Notes that the target's delivered or claimed papers may have changed. */
    note(target: Target): void {
      last.set(targetKey(target), ++seq);
    },
    /** Whether the target (its targetKey) was noted after position `mark`. */
    since: (key: string, mark: number): boolean => (last.get(key) ?? 0) > mark,
  };
}

export type DeliveryChanges = ReturnType<typeof createDeliveryChanges>;

/** One topic's wish: how many papers, and since when papers count as fresh. */
interface Want {
  topic: string;
  since: Date;
  size: number;
  /** The follow's ratings, when it has any: its list is then learned (src/core/learning). */
  feedback?: Feedback;
  /** A follow by example's papers. */
  examples?: string[];
}

/** What pick() found for a target: sections by topic, topics skipped, and by topic the papers its follow's 👍 brought in. */
interface Picked {
  sections: DigestSection[];
  skipped: SkippedTopic[];
  /** Each want's topic matches, undefined where it was skipped. */
  matches: (TopicMatches | undefined)[];
  joined?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** How many of a topic's hits to check at once: a few digests' worth, as most are delivered already. */
const batch = (size: number) => Math.max(8, size * 3);

/** What a prefetch read: for the targets it was given and the papers it covers, which target has which; as of changes position `mark`. */
interface Prefetched {
  delivered: DeliveredPairs;
  /** For each list the prefetch covered, its first hits' paper numbers in `delivered`: a pick looks up no id for them. */
  numbers: Map<RankedHit[], Int32Array>;
  /** Every target's offered and aged-out papers (store.offersByTarget). */
  offers: OffersByTarget;
  mark: number;
  /** Every user's ratings (store.followRatingsByUser), where the store reads them in bulk. */
  ratings: RatingsByUser | undefined;
  /** By target number, 1 once planned from it: planned again, a target reads the store (a claim may have followed). */
  used: Uint8Array;
}

/** A prefetch that speaks for one target, and the target's number in it. */
interface Prefetch {
  p: Prefetched;
  target: number;
}

const NOTHING: ReadonlySet<string> = new Set();

/**
 * The papers one digest took so far: by their prefetch number where they have one (every list
 * gives a paper the same), so most checks compare small ints, not id strings; by id otherwise.
 */
class TakenPapers {
  private readonly numbers: number[] = [];
  private readonly ids: string[] = [];

  has(p: number, id: string): boolean {
    if (p >= 0) {
      for (let i = 0; i < this.numbers.length; i++) if (this.numbers[i] === p) return true;
      return false;
    }
    for (let i = 0; i < this.ids.length; i++) if (this.ids[i] === id) return true;
    return false;
  }

  add(p: number, id: string): void {
    if (p >= 0) this.numbers.push(p);
    else this.ids.push(id);
  }
}
const NO_OFFERS: { offered: OfferedPaper[]; expired: Set<string> } = { offered: [], expired: new Set() };

/**
 * Plans digests over one store and index. Pass a long-lived MatchCache to reuse searches
 * across passes; without one, each planner caches for its own lifetime (one pass). Pass the
 * DeliveryChanges its caller notes writes in, when it prefetches while runs are being claimed.
 */
export function createDigestPlanner(
  store: Store, index: PaperSearch, config: AppConfig,
  cache: MatchCache = createMatchCache(store, index), changes: DeliveryChanges = createDeliveryChanges(),
) {
  let prefetched: Prefetched | undefined;

  /** The prefetch and the target's number in it, if it still speaks for this target (and now counts it as used). */
  const prefetchFor = (key: string): Prefetch | undefined => {
    const p = prefetched;
    if (!p) return undefined;
    const target = p.delivered.target(key);
    if (target < 0 || p.used[target] === 1 || changes.since(key, p.mark)) return undefined;
    p.used[target] = 1;
    return { p, target };
  };

  /**
   * Up to `size` new papers per topic, in order, no paper twice, none in `skip`; the prefetch or
   * one store query answers most targets. Only topics with papers get a section. A topic that
   * cannot be searched is skipped, never the others with it.
   */
  const pick = (target: Target, pre: Prefetch | undefined, wants: Want[], skip: ReadonlySet<string> = NOTHING): Picked => {
    const pairs = pre?.p.delivered;
    const t = pre?.target ?? -1;
    const skipped: SkippedTopic[] = [];
    let joined: Map<string, Set<string>> | undefined;
    const matches: (TopicMatches | undefined)[] = [];
    const lists = wants.map((w, i) => {
      try {
        const m = (matches[i] = cache.topic(w.topic, w.examples));
        if (!w.feedback?.size) return m.ordered(w.since);
        const list = cache.learned(w.topic, w.since, w.feedback, w.examples);
        const liked = list.filter((h) => h.joined).map((h) => h.paper.id);
        if (liked.length > 0) (joined ??= new Map()).set(w.topic, new Set(liked));
        return list;
      } catch (err) {
        skipped.push(err instanceof UserError ? { topic: w.topic, reason: err.message, fixable: true } : { topic: w.topic, reason: String((err as Error)?.message ?? err), fixable: false });
        return [];
      }
    });
    // The store's answers for papers the prefetch does not cover.
    let asked: Map<string, boolean> | undefined;
    const ask = (from: number, ...which: number[]) => {
      const answers = (asked ??= new Map());
      const ids: string[] = [];
      for (const i of which) {
        const list = lists[i]!;
        const end = Math.min(list.length, from + batch(wants[i]!.size));
        for (let j = from; j < end; j++) {
          const id = list[j]!.paper.id;
          if ((!pairs || pairs.paper(id) < 0) && !answers.has(id)) ids.push(id);
        }
      }
      if (ids.length === 0) return;
      const found = store.deliveredPapers(target, ids);
      for (const id of ids) answers.set(id, found.has(id));
    };
    // Without a prefetch, the first few hits of every topic in one query.
    if (!pre) ask(0, ...lists.keys());
    const taken = new TakenPapers();
    const sections: DigestSection[] = [];
    for (let i = 0; i < wants.length; i++) {
      const w = wants[i]!;
      const list = lists[i]!;
      const numbers = pre?.p.numbers.get(list);
      const papers: Paper[] = [];
      const relevance: number[] = [];
      // A learned list brings each hit's relevance; an ordered one is relative to the topic's best.
      const best = list.length > 0 && (list[0] as { relevance?: number }).relevance === undefined ? matches[i]!.best : 0;
      for (let j = 0; j < list.length && papers.length < w.size; j++) {
        const id = list[j]!.paper.id;
        if (skip.size > 0 && skip.has(id)) continue;
        const p = numbers && j < numbers.length ? numbers[j]! : pairs ? pairs.paper(id) : -1;
        let delivered = p >= 0 ? pairs!.has(t, p) : asked?.get(id);
        if (delivered === undefined) {
          ask(j, i);
          delivered = asked!.get(id)!;
        }
        if (delivered || taken.has(p, id)) continue;
        taken.add(p, id);
        papers.push(list[j]!.paper);
        const hit: RankedHit & { relevance?: number } = list[j]!;
        relevance.push(hit.relevance ?? (best > 0 ? Math.min(1, hit.score / best) : 0));
      }
      if (papers.length > 0) sections.push({ topic: w.topic, papers, relevance });
    }
    return joined ? { sections, skipped, matches, joined } : { sections, skipped, matches };
  };

  /** Skipped topics the target is told about now: fixable ones it was not told about before. */
  const toTell = (target: Target, skipped: SkippedTopic[]): SkippedTopic[] => {
    const fixable = skipped.filter((s) => s.fixable);
    if (fixable.length === 0) return [];
    const told = store.topicNotices(target);
    return fixable.filter((s) => !told.has(topicKey(s.topic)));
  };

  return {
    /**
     * Reads in one store query (eachDelivered) whether the targets about to be planned already have
     * the first few candidates of each of their topics, instead of one query per target. Later
     * plans use it for each target once, unless the target changed since (DeliveryChanges); other
     * papers and targets are read from the store as without it. Every target's offered and aged-out
     * papers are read in one query too (offersByTarget). Replaces any earlier prefetch.
     */
    prefetch(targets: Iterable<{ user: UserKey; follows: Follow[] } | { digest: ChannelDigest }>): void {
      const lists = new Map<RankedHit[], number>();
      const want = (topic: string, since: Date, size: number, examples?: string[]) => {
        const list = cache.ordered(topic, since, examples);
        lists.set(list, Math.max(lists.get(list) ?? 0, batch(size)));
      };
      const keys: string[] = [];
      for (const t of targets) {
        if ('follows' in t) {
          keys.push(targetKey(dmTarget(t.user)));
          for (const f of t.follows) want(f.topic, f.created, config.digests.size, f.examples);
        } else {
          keys.push(targetKey(channelTarget(t.digest)));
          want(t.digest.topic, t.digest.created, t.digest.size);
        }
      }
      const covered: string[] = [];
      for (const [list, n] of lists) for (let j = 0; j < Math.min(n, list.length); j++) covered.push(list[j]!.paper.id);
      const mark = changes.now();
      const delivered = DeliveredPairs.read(store, keys, covered);
      const numbers = new Map<RankedHit[], Int32Array>();
      for (const [list, n] of lists) numbers.set(list, Int32Array.from(list.slice(0, n), (h) => delivered.paper(h.paper.id)));
      prefetched = { delivered, numbers, offers: store.offersByTarget(), ratings: store.followRatingsByUser?.(), mark, used: new Uint8Array(keys.length) };
    },

    /**
     * The DM digest for a user at `at` (its slot): every follow in one reply, at most
     * digests.maxPapers papers, most relevant first; the rest offered and carried (digest-cap.ts).
     */
    planUser(user: UserKey, follows: Follow[], at: Date = new Date()): DigestPlan {
      const target = dmTarget(user);
      const key = targetKey(target);
      const pre = prefetchFor(key);
      const offers = pre && !pre.p.offers.aliased.has(key) ? (pre.p.offers.targets.get(key) ?? NO_OFFERS) : undefined;
      const carry = carriedPapers(store, index, config, target, follows, at, offers);
      // The prefetch's ratings while no rating was written since (a user may rate while a pass sends).
      const rated = pre?.p.ratings?.current() ? pre.p.ratings.of(user) : store.followRatings(user);
      const wants: Want[] = [];
      for (const f of follows) wants.push({ topic: f.topic, since: f.created, size: config.digests.size, feedback: rated.size ? rated.get(followKey(f.topic)) : undefined, examples: f.examples });
      const picked = pick(target, pre, wants, carry.skip);
      const { sections, skipped } = picked;
      const capped = capDigest(config, target, follows, sections, carry, toTell(target, skipped));
      const reply = capped.shown.length > 0 || capped.notices.length > 0 ? userReply(capped, picked, cache, index, follows) : undefined;
      return finish(target, capped.shown, reply, skipped, capped.followUp);
    },

    /** The digest for one channel digest; empty posts a note only when digests.emptyChannelNote. */
    planChannel(digest: ChannelDigest): DigestPlan {
      const target = channelTarget(digest);
      const key = targetKey(target);
      const size = Math.min(digest.size, config.digests.maxPapers);
      const { sections, skipped } = pick(target, prefetchFor(key), [{ topic: digest.topic, since: digest.created, size }]);
      if (sections.length > 0) return finish(target, sections, channelReply(digest.topic, sections[0]!, cache), skipped);
      const tell = toTell(target, skipped);
      if (tell.length > 0) {
        const note: Reply = { visibility: 'channel', title: 'This channel digest gets no papers', text: unplannableText(tell[0]!, 'channel') };
        return finish(target, [], note, skipped, { offered: [], agedOut: [], told: [topicKey(digest.topic)] });
      }
      const note: Reply | undefined = config.digests.emptyChannelNote ? { visibility: 'channel', text: `No new papers on “${digest.topic}” today.` } : undefined;
      return finish(target, [], note, skipped);
    },
  };
}

export type DigestPlanner = ReturnType<typeof createDigestPlanner>;

/** Where a channel digest is posted. */
export function channelTarget(digest: ChannelDigest): Target {
  return { platform: digest.platform, workspace: digest.workspace, kind: 'channel', id: digest.channel };
}

function finish(target: Target, sections: DigestSection[], reply: Reply | undefined, skipped: SkippedTopic[], followUp?: DigestFollowUp): DigestPlan {
  const paperIds: string[] = [];
  for (const s of sections) for (const p of s.papers) paperIds.push(p.id);
  const plan: DigestPlan = { target, sections, paperIds, skipped };
  if (reply) plan.reply = reply;
  if (reply && followUp && (followUp.offered.length + followUp.agedOut.length + followUp.told.length > 0)) plan.followUp = followUp;
  return plan;
}

export function paperItem(p: Paper): PaperItem {
  const byline = paperByline(p);
  return { id: p.id, title: p.title, snippet: truncate(p.abstract.replace(/\s+/g, ' ').trim(), SNIPPET_LENGTH), url: p.url, ...(byline ? { byline } : {}), actions: [followLikeAction(p.id)] };
}

/** A section's papers as items, each with why it was delivered. */
function sectionItems(s: DigestSection, cache: MatchCache): PaperItem[] {
  return s.papers.map((p) => cache.topicItem(s.topic, p));
}

const plural = (n: number) => (n === 1 ? '1 new paper' : `${n} new papers`);

/** Papers listed section by section; the text says which numbers belong to which topic. */
function userReply({ shown, notices, actions }: CappedDigest, { matches, joined }: Picked, cache: MatchCache, index: PaperSearch, follows: Follow[]): Reply {
  const lines: string[] = [];
  const papers: PaperItem[] = [];
  const rateFor: (number | null)[] = [];
  for (const s of shown) {
    const at = follows.findIndex((f) => f.topic === s.topic);
    const follow = follows[at];
    // A skipped topic (its search failed) can still show papers carried from earlier digests: they get no reason.
    const m = matches[at];
    const first = papers.length + 1;
    const range = s.papers.length === 1 ? `${first}` : `${first}-${first + s.papers.length - 1}`;
    lines.push(`${follow ? followLabel(index, follow) : s.topic}: ${plural(s.papers.length)} (${range})`);
    const liked = joined?.get(s.topic);
    for (const p of s.papers) {
      papers.push(m ? m.item(p, liked?.has(p.id)) : cache.item(p));
      // Each paper's 👍 / 👎 rate it for the follow it came for.
      rateFor.push(follow ? follow.id : null);
    }
  }
  const reply: Reply = {
    visibility: 'channel',
    title: 'Your paper digest',
    text: lines.length > 0 ? lines.join('\n') : 'No new papers today.',
    papers,
    rateFor,
    notices: [...notices, 'Change the time with /papers settings time; stop a topic with /papers unfollow.'],
  };
  if (actions?.length) reply.actions = actions;
  return reply;
}

function channelReply(topic: string, section: DigestSection, cache: MatchCache): Reply {
  return { visibility: 'channel', title: `New papers on “${topic}”`, text: plural(section.papers.length), papers: sectionItems(section, cache) };
}
