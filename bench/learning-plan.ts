/**
 * The planning cost of follows that learn (called from bench/digest-plan.ts): a rated follow is a
 * re-rank of its topic's shared candidates, plus one wider search per topic that has a 👍 (shared
 * by every follower of the topic, kept until the index grows). No per-person search.
 */
import { createMatchCache } from '../src/core/digest.js';
import type { Rating } from '../src/core/learning/feedback.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { PaperSearch } from '../src/core/search-port.js';
import { fmt, time } from './lib/measure.js';
import { prng } from './lib/synthetic.js';

export const RATED_FOLLOWS = 5_000;
const RATINGS_PER_FOLLOW = 6;

/** Markdown lines: µs per rated follow (warm and with its topic's wider search), beside an unrated follow's. */
export function ratedFollowCost(index: PaperSearch, topics: string[]): string[] {
  const random = prng(20);
  const store = createMemoryStore();
  const cache = createMatchCache(store, index);
  const since = new Date('2026-02-01T00:00:00Z');
  const live = topics.filter((t) => {
    try {
      return cache.ordered(t, since).length >= 2;
    } catch {
      return false;
    }
  });
  // Each rated follow: up to 6 of its topic's matches rated, about a third 👍.
  const follows = Array.from({ length: RATED_FOLLOWS }, () => {
    const topic = live[Math.floor(random() ** 2 * live.length)]!;
    const hits = cache.ordered(topic, since);
    const feedback = new Map<string, Rating>();
    for (let i = 0; i < RATINGS_PER_FOLLOW; i++) feedback.set(hits[Math.floor(random() * hits.length)]!.paper.id, random() < 0.35 ? 1 : -1);
    return { topic, feedback };
  });
  const unrated = time(() => { for (const f of follows) cache.ordered(f.topic, since); });
  const cold = time(() => { for (const f of follows) cache.learned(f.topic, since, f.feedback); });
  const warm = time(() => { for (const f of follows) cache.learned(f.topic, since, f.feedback); });
  const per = (ms: number) => fmt((ms * 1000) / RATED_FOLLOWS, 1);
  return [
    `Follows that learn: ${RATED_FOLLOWS.toLocaleString('en')} rated follows (${RATINGS_PER_FOLLOW} ratings each, about a third 👍) over ${live.length} of these topics, matches already cached. ` +
      `A rated follow costs ${per(warm.ms)} µs to plan (re-rank of its topic's shared candidates), ${per(cold.ms)} µs on the first pass (which also runs each liked topic's one wider search), ` +
      `against ${per(unrated.ms)} µs for an unrated follow; planning reads every user's ratings in the pass's prefetch (one SQLite query for all users; the memory store is asked per user).`,
    '',
  ];
}
