import type { AppConfig } from '../config/index.js';
import { truncate, type PaperItem, type Reply } from './reply.js';
import type { PaperSearch, SearchHit } from './search-port.js';
import { topicKey, type ChannelDigest, type Follow, type Store } from './store/port.js';
import type { Paper, Target, UserKey } from './types.js';

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

/**
 * match() results, first-seen times and rendered items, kept while the index holds the same
 * papers (its size is unchanged: it only ever grows). One cache serves many planning passes, so
 * 10k users sharing 300 topics cost 300 searches a corpus change, not one per user and follow.
 */
export function createMatchCache(store: Store, index: PaperSearch) {
  let size = index.size;
  const matches = new Map<string, RankedHit[]>();
  const seen = new Map<string, number>();
  const items = new Map<string, PaperItem>();
  const keys = new Map<string, string>();
  // Orderings per (topic, how many of its hits are fresh): the fresh ones are always the most recently seen.
  const orderings = new Map<string, RankedHit[]>();
  const seenDesc = new Map<string, number[]>();
  const fresh = () => {
    if (index.size === size) return;
    size = index.size;
    matches.clear();
    seen.clear();
    orderings.clear();
    seenDesc.clear();
  };
  const firstSeenMs = (id: string): number => {
    let at = seen.get(id);
    if (at === undefined) seen.set(id, (at = store.firstSeen(id)?.getTime() ?? -Infinity));
    return at;
  };
  return {
    /** Every paper the topic matches, best first, with first-seen times. */
    ranked(topic: string): RankedHit[] {
      fresh();
      let key = keys.get(topic);
      if (key === undefined) keys.set(topic, (key = topicKey(topic)));
      let hits = matches.get(key);
      if (!hits) matches.set(key, (hits = index.match(topic).map((h) => ({ ...h, seen: firstSeenMs(h.paper.id) }))));
      return hits;
    },
    /** The topic's hits with those first seen after `since` first, each group best match first. */
    ordered(topic: string, since: Date): RankedHit[] {
      const hits = this.ranked(topic);
      const key = keys.get(topic)!;
      let desc = seenDesc.get(key);
      if (!desc) seenDesc.set(key, (desc = hits.map((h) => h.seen).sort((a, b) => b - a)));
      const cut = since.getTime();
      let lo = 0;
      let hi = desc.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (desc[mid]! > cut) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) return hits;
      const orderKey = `${key}\u0000${lo}`;
      let list = orderings.get(orderKey);
      if (!list) orderings.set(orderKey, (list = [...hits.filter((h) => h.seen > cut), ...hits.filter((h) => h.seen <= cut)]));
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

/** One topic's wish: how many papers, and since when papers count as fresh. */
interface Want {
  topic: string;
  since: Date;
  size: number;
}

/**
 * Plans digests over one store and index. Pass a long-lived MatchCache to reuse searches
 * across passes; without one, each planner caches for its own lifetime (one pass).
 */
export function createDigestPlanner(store: Store, index: PaperSearch, config: AppConfig, cache: MatchCache = createMatchCache(store, index)) {
  /** Up to `size` new papers per topic, in order, no paper twice; one store query for most targets. */
  const pick = (target: Target, wants: Want[]): DigestSection[] => {
    const lists = wants.map((w) => cache.ordered(w.topic, w.since));
    const delivered = new Map<string, boolean>();
    const check = (list: RankedHit[], from: number, count: number) => {
      const unknown: string[] = [];
      for (let j = from; j < Math.min(list.length, from + count); j++) if (!delivered.has(list[j]!.paper.id)) unknown.push(list[j]!.paper.id);
      return unknown;
    };
    const ask = (ids: string[]) => {
      if (ids.length === 0) return;
      const found = store.deliveredPapers(target, ids);
      for (const id of ids) delivered.set(id, found.has(id));
    };
    const batch = (w: Want) => Math.max(8, w.size * 3);
    ask(lists.flatMap((l, i) => check(l, 0, batch(wants[i]!))));
    const taken = new Set<string>();
    return wants.map((w, i) => {
      const list = lists[i]!;
      const papers: Paper[] = [];
      for (let j = 0; j < list.length && papers.length < w.size; j++) {
        const id = list[j]!.paper.id;
        if (!delivered.has(id)) ask(check(list, j, batch(w)));
        if (taken.has(id) || delivered.get(id)) continue;
        taken.add(id);
        papers.push(list[j]!.paper);
      }
      return { topic: w.topic, papers };
    });
  };

  return {
    /** The DM digest for a user: every follow in one reply, a section per topic, no paper twice. */
    planUser(user: UserKey, follows: Follow[]): DigestPlan {
      const target: Target = { platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user };
      const sections = pick(target, follows.map((f) => ({ topic: f.topic, since: f.created, size: config.digests.size }))).filter((s) => s.papers.length > 0);
      return finish(target, sections, sections.length > 0 ? userReply(sections, cache) : undefined);
    },

    /** The digest for one channel digest; empty posts a note only when digests.emptyChannelNote. */
    planChannel(digest: ChannelDigest): DigestPlan {
      const target = channelTarget(digest);
      const sections = pick(target, [{ topic: digest.topic, since: digest.created, size: digest.size }]).filter((s) => s.papers.length > 0);
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
  return { target, sections, paperIds: sections.flatMap((s) => s.papers.map((p) => p.id)), ...(reply ? { reply } : {}) };
}

export function paperItem(p: Paper): PaperItem {
  return { id: p.id, title: p.title, snippet: truncate(p.abstract.replace(/\s+/g, ' ').trim(), SNIPPET_LENGTH), url: p.url };
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
