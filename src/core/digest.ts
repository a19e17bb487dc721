import type { AppConfig } from '../config/index.js';
import { paperByline, truncate, type PaperItem, type Reply } from './reply.js';
import type { PaperSearch, SearchHit } from './search-port.js';
import { topicKey, type ChannelDigest, type Follow, type Store } from './store/port.js';
import { targetKey, type Paper, type Target, type UserKey } from './types.js';

/**
 * What "new" means: a paper is new to a target when the topic matches it and it was never
 * delivered to that target. Among new papers, those this install first saw after the follow
 * (or channel digest) was created come first, then the rest, each group best match first; so a
 * brand-new follow's first digest is the best matches so far, and later ones lead with fresh papers.
 */

export interface DigestSection {
  topic: string;
  papers: Paper[];
}

/** What one digest run would send; reply is undefined when nothing should be posted. */
export interface DigestPlan {
  target: Target;
  sections: DigestSection[];
  /** Every paper in the reply, in order: recorded as delivered once sent. */
  paperIds: string[];
  reply?: Reply;
}

const SNIPPET_LENGTH = 240;

interface RankedHit extends SearchHit {
  /** When this install first saw the paper (ms), or -Infinity if never recorded. */
  seen: number;
}

/** One topic's matches and the orderings made of them. */
interface TopicHits {
  hits: RankedHit[];
  /** First-seen times, newest first: how many hits are fresh for a cut is a binary search. */
  seenDesc: number[];
  /** Orderings by how many hits are fresh (the fresh ones are always the most recently seen). */
  byFresh: Map<number, RankedHit[]>;
  lastCut: number;
  last: RankedHit[];
}

/**
 * match() results, first-seen times and rendered items, kept while the index holds the same
 * papers (its size is unchanged: it only ever grows). One cache serves many planning passes, so
 * 10k users sharing 300 topics cost 300 searches a corpus change, not one per user and follow.
 */
export function createMatchCache(store: Store, index: PaperSearch) {
  let size = index.size;
  const keys = new Map<string, string>();
  const topics = new Map<string, TopicHits>();
  const seen = new Map<string, number>();
  const items = new Map<string, PaperItem>();
  const fresh = () => {
    if (index.size === size) return;
    size = index.size;
    topics.clear();
    seen.clear();
  };
  const firstSeenMs = (id: string): number => {
    let at = seen.get(id);
    if (at === undefined) seen.set(id, (at = store.firstSeen(id)?.getTime() ?? -Infinity));
    return at;
  };
  const entry = (topic: string): TopicHits => {
    fresh();
    let key = keys.get(topic);
    if (key === undefined) keys.set(topic, (key = topicKey(topic)));
    let e = topics.get(key);
    if (!e) {
      const hits = index.match(topic).map((h) => ({ ...h, seen: firstSeenMs(h.paper.id) }));
      topics.set(key, (e = { hits, seenDesc: hits.map((h) => h.seen).sort((a, b) => b - a), byFresh: new Map(), lastCut: NaN, last: hits }));
    }
    return e;
  };
  return {
    /** The topic's hits with those first seen after `since` first, each group best match first. */
    ordered(topic: string, since: Date): RankedHit[] {
      const e = entry(topic);
      const cut = since.getTime();
      // Most calls in a pass repeat the previous cut (follows made the same day).
      if (cut === e.lastCut) return e.last;
      const desc = e.seenDesc;
      let lo = 0;
      let hi = desc.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (desc[mid]! > cut) lo = mid + 1;
        else hi = mid;
      }
      let list = lo === 0 ? e.hits : e.byFresh.get(lo);
      if (!list) e.byFresh.set(lo, (list = [...e.hits.filter((h) => h.seen > cut), ...e.hits.filter((h) => h.seen <= cut)]));
      e.lastCut = cut;
      e.last = list;
      return list;
    },
    item(p: Paper): PaperItem {
      let item = items.get(p.id);
      if (!item) items.set(p.id, (item = paperItem(p)));
      return item;
    },
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
}

/** How many of a topic's hits to check at once: a few digests' worth, as most are delivered already. */
const batch = (size: number) => Math.max(8, size * 3);

/** What a prefetch read: which papers it covers and, by targetKey, which of them each target has; as of changes position `mark`. */
interface Prefetched {
  covered: Set<string>;
  delivered: Map<string, Set<string>>;
  mark: number;
  /** Targets planned from it already: planned again, they read the store (a claim may have followed). */
  used: Set<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

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

  /** The prefetch, if it still speaks for this target (and now counts it as used). */
  const prefetchFor = (key: string): Prefetched | undefined => {
    const p = prefetched;
    if (!p || p.used.has(key) || changes.since(key, p.mark)) return undefined;
    p.used.add(key);
    return p;
  };

  /**
   * Up to `size` new papers per topic, in order, no paper twice; the prefetch or one store query
   * answers most targets. Only topics with papers get a section.
   */
  const pick = (target: Target, wants: Want[]): DigestSection[] => {
    const key = targetKey(target);
    const pre = prefetchFor(key);
    const covered = pre?.covered ?? NOTHING;
    const had = pre?.delivered.get(key) ?? NOTHING;
    const lists = wants.map((w) => cache.ordered(w.topic, w.since));
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
          if (!covered.has(id) && !answers.has(id)) ids.push(id);
        }
      }
      if (ids.length === 0) return;
      const found = store.deliveredPapers(target, ids);
      for (const id of ids) answers.set(id, found.has(id));
    };
    // Without a prefetch, the first few hits of every topic in one query.
    if (!pre) ask(0, ...lists.keys());
    const taken = new Set<string>();
    const sections: DigestSection[] = [];
    for (let i = 0; i < wants.length; i++) {
      const w = wants[i]!;
      const list = lists[i]!;
      const papers: Paper[] = [];
      for (let j = 0; j < list.length && papers.length < w.size; j++) {
        const id = list[j]!.paper.id;
        let delivered = covered.has(id) ? had.has(id) : asked?.get(id);
        if (delivered === undefined) {
          ask(j, i);
          delivered = asked!.get(id)!;
        }
        if (delivered || taken.has(id)) continue;
        taken.add(id);
        papers.push(list[j]!.paper);
      }
      if (papers.length > 0) sections.push({ topic: w.topic, papers });
    }
    return sections;
  };

  return {
    /**
     * Reads in one store query (deliveredByTarget) whether the targets about to be planned already have
     * the first few candidates of each of their topics, instead of one query per target. Later
     * plans use it for each target once, unless the target changed since (DeliveryChanges); other
     * papers and targets are read from the store as without it. Replaces any earlier prefetch.
     */
    prefetch(targets: Iterable<{ follows: Follow[] } | { digest: ChannelDigest }>): void {
      const lists = new Map<RankedHit[], number>();
      const want = (topic: string, since: Date, size: number) => {
        const list = cache.ordered(topic, since);
        lists.set(list, Math.max(lists.get(list) ?? 0, batch(size)));
      };
      for (const t of targets) {
        if ('follows' in t) for (const f of t.follows) want(f.topic, f.created, config.digests.size);
        else want(t.digest.topic, t.digest.created, t.digest.size);
      }
      const covered = new Set<string>();
      for (const [list, n] of lists) for (let j = 0; j < Math.min(n, list.length); j++) covered.add(list[j]!.paper.id);
      const mark = changes.now();
      prefetched = { covered, delivered: store.deliveredByTarget([...covered]), mark, used: new Set() };
    },

    /** The DM digest for a user: every follow in one reply, a section per topic, no paper twice. */
    planUser(user: UserKey, follows: Follow[]): DigestPlan {
      const target: Target = { platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user };
      const sections = pick(target, follows.map((f) => ({ topic: f.topic, since: f.created, size: config.digests.size })));
      return finish(target, sections, sections.length > 0 ? userReply(sections, cache) : undefined);
    },

    /** The digest for one channel digest; empty posts a note only when digests.emptyChannelNote. */
    planChannel(digest: ChannelDigest): DigestPlan {
      const target = channelTarget(digest);
      const sections = pick(target, [{ topic: digest.topic, since: digest.created, size: digest.size }]);
      if (sections.length > 0) return finish(target, sections, channelReply(digest.topic, sections[0]!.papers, cache));
      const note: Reply | undefined = config.digests.emptyChannelNote ? { visibility: 'channel', text: `No new papers on “${digest.topic}” today.` } : undefined;
      return finish(target, [], note);
    },
  };
}

export type DigestPlanner = ReturnType<typeof createDigestPlanner>;

/** Where a channel digest is posted. */
export function channelTarget(digest: ChannelDigest): Target {
  return { platform: digest.platform, workspace: digest.workspace, kind: 'channel', id: digest.channel };
}

function finish(target: Target, sections: DigestSection[], reply: Reply | undefined): DigestPlan {
  const paperIds: string[] = [];
  for (const s of sections) for (const p of s.papers) paperIds.push(p.id);
  const plan: DigestPlan = { target, sections, paperIds };
  if (reply) plan.reply = reply;
  return plan;
}

export function paperItem(p: Paper): PaperItem {
  const byline = paperByline(p);
  return { id: p.id, title: p.title, snippet: truncate(p.abstract.replace(/\s+/g, ' ').trim(), SNIPPET_LENGTH), url: p.url, ...(byline ? { byline } : {}) };
}

const plural = (n: number) => (n === 1 ? '1 new paper' : `${n} new papers`);

/** Papers listed section by section; the text says which numbers belong to which topic. */
function userReply(sections: DigestSection[], cache: MatchCache): Reply {
  let next = 1;
  const lines = sections.map((s) => {
    const first = next;
    next += s.papers.length;
    const range = s.papers.length === 1 ? `${first}` : `${first}-${next - 1}`;
    return `${s.topic}: ${plural(s.papers.length)} (${range})`;
  });
  return {
    visibility: 'channel',
    title: 'Your paper digest',
    text: lines.join('\n'),
    papers: sections.flatMap((s) => s.papers.map(cache.item)),
    notices: ['Change the time with /papers settings time; stop a topic with /papers unfollow.'],
  };
}

function channelReply(topic: string, papers: Paper[], cache: MatchCache): Reply {
  return { visibility: 'channel', title: `New papers on “${topic}”`, text: plural(papers.length), papers: papers.map(cache.item) };
}
