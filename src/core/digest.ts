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
 * Plans digests over one store and index. Matches and first-seen times are cached for the
 * planner's lifetime, so create one per planning pass: 10k users sharing 300 topics cost 300 searches.
 */
export function createDigestPlanner(store: Store, index: PaperSearch, config: AppConfig) {
  const matches = new Map<string, RankedHit[]>();
  const seen = new Map<string, number>();

  const ranked = (topic: string): RankedHit[] => {
    const key = topicKey(topic);
    let hits = matches.get(key);
    if (!hits) {
      hits = index.match(topic).map((h) => ({ ...h, seen: firstSeenMs(h.paper.id) }));
      matches.set(key, hits);
    }
    return hits;
  };

  const firstSeenMs = (id: string): number => {
    let at = seen.get(id);
    if (at === undefined) {
      at = store.firstSeen(id)?.getTime() ?? -Infinity;
      seen.set(id, at);
    }
    return at;
  };

  /** Up to `size` new papers for one topic, skipping `taken` (already in this digest). */
  const pick = (target: Target, topic: string, since: Date, size: number, taken: Set<string>): Paper[] => {
    const hits = ranked(topic);
    const fresh: RankedHit[] = [];
    const rest: RankedHit[] = [];
    for (const h of hits) if (!taken.has(h.paper.id)) (h.seen > since.getTime() ? fresh : rest).push(h);
    const ordered = fresh.concat(rest);
    const out: Paper[] = [];
    // Ask the store in small batches: most targets need only the first few candidates.
    const batch = Math.max(8, size * 3);
    for (let i = 0; i < ordered.length && out.length < size; i += batch) {
      const slice = ordered.slice(i, i + batch);
      const delivered = store.deliveredPapers(target, slice.map((h) => h.paper.id));
      for (const h of slice) {
        if (out.length >= size) break;
        if (!delivered.has(h.paper.id)) out.push(h.paper);
      }
    }
    for (const p of out) taken.add(p.id);
    return out;
  };

  return {
    /** The DM digest for a user: every follow in one reply, a section per topic, no paper twice. */
    planUser(user: UserKey, follows: Follow[]): DigestPlan {
      const target: Target = { platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user };
      const taken = new Set<string>();
      const sections = follows
        .map((f) => ({ topic: f.topic, papers: pick(target, f.topic, f.created, config.digests.size, taken) }))
        .filter((s) => s.papers.length > 0);
      return finish(target, sections, sections.length > 0 ? userReply(sections) : undefined);
    },

    /** The digest for one channel digest; empty posts a note only when digests.emptyChannelNote. */
    planChannel(digest: ChannelDigest): DigestPlan {
      const target = channelTarget(digest);
      const papers = pick(target, digest.topic, digest.created, digest.size, new Set());
      const sections = papers.length > 0 ? [{ topic: digest.topic, papers }] : [];
      if (sections.length > 0) return finish(target, sections, channelReply(digest.topic, papers));
      const note: Reply | undefined = config.digests.emptyChannelNote ? { visibility: 'channel', text: `No new papers on “${digest.topic}” today.` } : undefined;
      return finish(target, [], note);
    },

    /** What a follow of this topic would get now if nothing had been delivered yet (for previews). */
    preview(topic: string, size = config.digests.size): Paper[] {
      return ranked(topic).slice(0, size).map((h) => h.paper);
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
function userReply(sections: DigestSection[]): Reply {
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
    papers: sections.flatMap((s) => s.papers.map(paperItem)),
    notices: ['Change the time with /papers settings time; stop a topic with /papers unfollow.'],
  };
}

function channelReply(topic: string, papers: Paper[]): Reply {
  return { visibility: 'channel', title: `New papers on “${topic}”`, text: plural(papers.length), papers: papers.map(paperItem) };
}
