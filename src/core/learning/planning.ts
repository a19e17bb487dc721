import type { PaperSearch, SearchHit } from '../search-port.js';
import type { Feedback } from './feedback.js';
import { learnedCandidates, PLAN_DEPTH, type Learned } from './rerank.js';
import { widerCandidates } from './topic-learning.js';

/**
 * What digest planning shares between rated follows while the index is unchanged: each topic's
 * wider candidates (one search per topic, asked only when a follow of it has a 👍) and paper
 * vectors. A rated follow then costs a re-rank of its topic's shared candidates, no search.
 */
export function createLearningCache(index: PaperSearch) {
  const wider = new Map<string, unknown[]>();
  const vectors = new Map<string, Float32Array | null>();
  const vector = (id: string): Float32Array | undefined => {
    let v = vectors.get(id);
    if (v === undefined) vectors.set(id, (v = index.paperVector?.(id) ?? null));
    return v ?? undefined;
  };
  return {
    clear(): void {
      wider.clear();
      vectors.clear();
    },
    /**
     * The follow's candidates given its ratings. `hits` is the topic's shared ordering (`topic`
     * undefined: no words to widen it with, as for a follow by example); `decorate`
     * turns a wider search hit into the same shape (first-seen time); `group` keeps fresh papers first.
     */
    learned<T extends SearchHit>(key: string, topic: string | undefined, hits: readonly T[], relevance: (h: T) => number, decorate: (h: SearchHit) => T, group: (h: T) => number, feedback: Feedback): Learned<T>[] {
      return learnedCandidates({
        hits, relevance, feedback, group, vector, depth: PLAN_DEPTH,
        wider: () => {
          // Kept decorated: the same topic's followers share one list.
          let list = wider.get(key) as T[] | undefined;
          if (!list) wider.set(key, (list = topic === undefined ? [] : widerCandidates(index, topic).map(decorate)));
          return list;
        },
      });
    },
  };
}
