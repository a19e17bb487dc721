import { parseArxivId } from '../corpus/normalize.js';
import type { PaperSearch, SearchHit } from '../search-port.js';
import type { Paper } from '../types.js';

/**
 * Follows by example: a follow defined by papers instead of words ("papers like this one"). It
 * keeps the precision rules of word follows: a paper is delivered only when it is really close to
 * one of the examples, by an absolute measure on which the latent space and the words agree. The
 * thresholds were chosen on the dev judgments (bench/lib/by-example-eval.ts; docs/benchmarks.md):
 * with one example, precision above 0.8 and no junk on the off-topic planted papers.
 */
export const BY_EXAMPLE = {
  /** Cosine of the two papers' latent (LSA) vectors, measured from the corpus's mean paper... */
  minLatent: 0.7,
  /** ...and of their tf-idf word vectors: shared distinctive words, not only a shared neighbourhood. */
  minWords: 0.15,
} as const;

/** At most this many example papers in one follow. */
export const MAX_EXAMPLES = 5;

/** A paper a follow by example delivers: the example it is closest to comes with it. */
export interface ExampleHit extends SearchHit {
  like: Paper;
}

/** The canonical topic of a follow by example: what /papers follow like takes, and its key in the store. */
export const likeTopic = (ids: readonly string[]): string => `like ${ids.join(' ')}`;

const looksLikePaperId = (word: string) => /^p-[0-9a-z]+$/i.test(word) || parseArxivId(word) !== undefined;

/**
 * The ids of "like <id> [<id>...]" when the text asks to follow by example (the word after "like"
 * is a paper id or an arXiv id); undefined for a topic of words ("like minded agents").
 */
export function likeIds(text: string): string[] | undefined {
  const words = text.trim().split(/\s+/);
  if (words.length < 2 || words[0]!.toLowerCase() !== 'like' || !looksLikePaperId(words[1]!)) return undefined;
  return words.slice(1);
}

/** Every paper the follow would deliver, best first, each with the example it is closest to; never an example itself. */
export function matchByExample(index: Pick<PaperSearch, 'get' | 'neighbours'>, ids: readonly string[]): ExampleHit[] {
  const examples = new Set(ids);
  const best = new Map<string, ExampleHit>();
  for (const id of ids) {
    const like = index.get(id);
    if (!like) continue;
    for (const n of index.neighbours(id, BY_EXAMPLE.minLatent)) {
      if (examples.has(n.paper.id) || n.words < BY_EXAMPLE.minWords) continue;
      const score = n.latent * n.words;
      const had = best.get(n.paper.id);
      if (!had || score > had.score) best.set(n.paper.id, { paper: n.paper, score, like });
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.paper.id.localeCompare(b.paper.id));
}

/** What a follow delivers, whichever kind it is. */
export function followMatches(index: PaperSearch, follow: { topic: string; examples?: string[] | undefined }): SearchHit[] {
  return follow.examples?.length ? matchByExample(index, follow.examples) : index.match(follow.topic);
}

/** How a follow is named to its user: its topic, or "papers like “<first example's title>”" (+ how many more). */
export function followLabel(index: Pick<PaperSearch, 'get'>, follow: { topic: string; examples?: string[] | undefined }): string {
  const ids = follow.examples;
  if (!ids?.length) return follow.topic;
  const first = index.get(ids[0]!);
  const name = first ? `papers like “${first.title.replace(/\s+/g, ' ').trim()}”` : `papers like ${ids[0]}`;
  return ids.length > 1 ? `${name} and ${ids.length - 1} more` : name;
}
