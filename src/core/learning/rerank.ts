import type { SearchHit } from '../search-port.js';
import { countRatings, type Feedback } from './feedback.js';

/**
 * How a follow learns from its person's ratings: a nearest-neighbour rule in the index's latent
 * space, applied to the candidates the topic's one shared match() already found (plus, once a
 * paper was liked, the topic's shared wider search), so no person ever costs a search of their own.
 * - a candidate whose nearest rated paper is a 👎 (cosine >= DISLIKE_NEAR, and nearer than any 👍
 *   by DISLIKE_MARGIN) is dropped: papers like the 👎 ones stop coming;
 * - a paper of the wider search that is as near a 👍 paper as LIKE_NEAR joins, and papers near a
 *   👍 rank higher: papers like the 👍 ones come, and come first;
 * - the 👎 papers ranked below every 👍 one teach the follow where its own list turns to junk: a
 *   candidate less relevant than the least relevant of them is dropped unless it is nearer a 👍
 *   than any 👎 by DISLIKE_MARGIN (a per-follow cut on relevance, with no threshold of its own);
 * - QUIET_AFTER 👎 and no 👍 at all: the follow delivers nothing more (a topic the corpus lacks,
 *   whose every delivery was junk, goes quiet until its learning is reset).
 * With no ratings the candidates come back unchanged. Measured in bench/learning-eval.ts
 * (docs/benchmarks.md): the thresholds were picked there, on the dev judgments.
 */
export const LEARNING = { DISLIKE_NEAR: 0.3, DISLIKE_MARGIN: 0.05, LIKE_NEAR: 0.6, QUIET_AFTER: 3, LIKE_BOOST: 1 } as const;

/**
 * Digest planning re-ranks at most this many of a topic's candidates per rated follow (its order
 * puts papers new since the follow first, so these are its freshest and best), keeping the cost
 * of a rated follow bounded on broad topics; the CLI and the eval look at every candidate.
 */
export const PLAN_DEPTH = 300;

/**
 * A candidate as the follow now sees it: its place may change and `relevance` (0-1) says how well
 * it fits. `joined` marks a paper the topic's match did not have, brought in by a 👍 one.
 */
export type Learned<T extends SearchHit> = T & { relevance: number; joined?: true };

export interface LearningInput<T extends SearchHit> {
  /** The topic's matches, in the order the follow would take them (best first, or fresh first). */
  hits: readonly T[];
  /** Each hit's relevance without ratings (0-1), parallel to hits. */
  relevance: (hit: T) => number;
  /** The topic's wider candidates (a shared search), asked for only when the follow has a 👍. */
  wider: () => readonly T[];
  /** A paper's unit vector in the latent space; undefined when it has none. */
  vector: (id: string) => Float32Array | undefined;
  feedback: Feedback;
  /** Look at the first `depth` hits only (default: all). */
  depth?: number;
  /** Kept apart when re-ranking, higher first (the planner's fresh papers before older ones). */
  group?: (hit: T) => number;
}

/** Whether the follow's ratings make it deliver nothing more. */
export function isQuiet(feedback: Feedback): boolean {
  const { up, down } = countRatings(feedback);
  return up === 0 && down >= LEARNING.QUIET_AFTER;
}

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
};

/**
 * The relevance below which the follow's list turned to junk for its person: that of the least
 * relevant 👎 among those less relevant than every 👍 (-Infinity without a 👍, or no 👎 below them all).
 */
export function relevanceCut<T extends SearchHit>(hits: readonly T[], relevance: (hit: T) => number, feedback: Feedback): number {
  let lowestUp = Infinity;
  const down: number[] = [];
  for (const h of hits) {
    const r = feedback.get(h.paper.id);
    if (r === 1) lowestUp = Math.min(lowestUp, relevance(h));
    else if (r === -1) down.push(relevance(h));
  }
  // Without a 👍 there is no good part of the list to tell from the junk (QUIET_AFTER handles that).
  const below = down.filter((x) => x < lowestUp);
  return lowestUp < Infinity && below.length > 0 ? Math.min(...below) : -Infinity;
}

/** The follow's candidates after its ratings: filtered, joined by papers near a 👍, re-ranked (stable otherwise). */
export function learnedCandidates<T extends SearchHit>(input: LearningInput<T>): Learned<T>[] {
  const { hits, feedback } = input;
  if (feedback.size === 0) return hits.map((h) => ({ ...h, relevance: input.relevance(h) }));
  if (isQuiet(feedback)) return [];
  const liked: Float32Array[] = [];
  const disliked: Float32Array[] = [];
  for (const [id, r] of feedback) {
    const v = input.vector(id);
    if (v) (r > 0 ? liked : disliked).push(v);
  }
  const nearest = (v: Float32Array | undefined, list: Float32Array[]) => {
    let m = -1;
    if (v) for (const x of list) m = Math.max(m, dot(v, x));
    return m;
  };
  const cut = relevanceCut(hits, input.relevance, feedback);
  const scored: { hit: Learned<T>; group: number; key: number; order: number }[] = [];
  const taken = new Set<string>();
  const consider = (h: T, base: number | undefined) => {
    if (taken.has(h.paper.id) || feedback.get(h.paper.id) === -1) return;
    const v = input.vector(h.paper.id);
    const like = nearest(v, liked);
    const dislike = nearest(v, disliked);
    if (base !== undefined && base < cut && !(like > dislike + LEARNING.DISLIKE_MARGIN)) return;
    if (disliked.length > 0 && dislike >= LEARNING.DISLIKE_NEAR && dislike > like + LEARNING.DISLIKE_MARGIN) return;
    // A paper from the wider search joins only when it is as near a liked paper as the rule asks.
    if (base === undefined && !(like >= LEARNING.LIKE_NEAR && like > dislike + LEARNING.DISLIKE_MARGIN)) return;
    const relevance = base ?? like;
    taken.add(h.paper.id);
    const hit: Learned<T> = base === undefined ? { ...h, relevance, joined: true } : { ...h, relevance };
    scored.push({ hit, group: input.group?.(h) ?? 0, key: relevance + LEARNING.LIKE_BOOST * Math.max(0, like), order: scored.length });
  };
  const end = Math.min(hits.length, input.depth ?? Infinity);
  for (let i = 0; i < end; i++) consider(hits[i]!, input.relevance(hits[i]!));
  if (liked.length > 0) for (const h of input.wider()) consider(h, undefined);
  if (liked.length > 0) scored.sort((a, b) => b.group - a.group || b.key - a.key || a.order - b.order);
  return scored.map((s) => s.hit);
}
