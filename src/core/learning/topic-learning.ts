import type { PaperSearch, SearchHit } from '../search-port.js';
import type { Feedback } from './feedback.js';
import { learnedCandidates, type Learned } from './rerank.js';

/** How many of the topic's search results the wider candidates hold. */
export const WIDER_CANDIDATES = 60;

/** The topic's wider candidates: its search results (no "nearest" fallbacks), best first. */
export function widerCandidates(index: PaperSearch, topic: string): SearchHit[] {
  const page = index.search(topic, { limit: WIDER_CANDIDATES });
  return page.nearest ? [] : page.hits;
}

/**
 * Every paper a follow of the topic would deliver given its person's ratings (the CLI's `match`
 * with feedback, and the eval): match(), then learnedCandidates. Without ratings, exactly match().
 */
export function learnedMatch(index: PaperSearch, topic: string, feedback: Feedback): Learned<SearchHit>[] {
  const hits = index.match(topic);
  const best = hits.reduce((m, h) => Math.max(m, h.score), 0);
  return learnedCandidates({
    hits,
    relevance: (h) => (best > 0 ? Math.min(1, h.score / best) : 0),
    wider: () => widerCandidates(index, topic),
    vector: (id) => index.paperVector?.(id),
    feedback,
  });
}
