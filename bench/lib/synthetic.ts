import { paperId, arxivSearchUrl } from '../../src/core/corpus/index.js';
import { QUERY_STOP_WORDS, STOP_WORDS } from '../../src/core/search/stopwords.js';
import type { Paper } from '../../src/core/types.js';

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same corpora. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` papers whose titles and abstracts are drawn word by word from the seeds' own word
 * frequencies and lengths: realistic vocabulary and term statistics at any corpus size.
 */
export function syntheticCorpus(seeds: Paper[], count: number, seed = 42): Paper[] {
  const random = prng(seed);
  const titleWords = seeds.flatMap((p) => p.title.split(/\s+/));
  const abstractWords = seeds.flatMap((p) => p.abstract.split(/\s+/));
  const titleLengths = seeds.map((p) => p.title.split(/\s+/).length);
  const abstractLengths = seeds.map((p) => p.abstract.split(/\s+/).length);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const sentence = (words: string[], length: number) => Array.from({ length }, () => pick(words)).join(' ');
  const papers: Paper[] = [];
  const seen = new Set<string>();
  while (papers.length < count) {
    const title = sentence(titleWords, pick(titleLengths));
    const id = paperId(title);
    if (seen.has(id)) continue;
    seen.add(id);
    papers.push({ id, title, abstract: sentence(abstractWords, pick(abstractLengths)), url: arxivSearchUrl(title) });
  }
  return papers;
}

/** How a benchmark corpus is drawn: `seed-words` redraws the seeds' words; `heaps` grows its vocabulary with its size. */
export type CorpusKind = 'seed-words' | 'heaps';
export const CORPUS_KINDS: readonly CorpusKind[] = ['seed-words', 'heaps'];

/** `count` papers of the given kind (both deterministic for a given seed). */
export function corpusOfKind(kind: CorpusKind, seeds: Paper[], count: number, seed = 42): Paper[] {
  return kind === 'heaps' ? heapsCorpus(seeds, count, seed) : syntheticCorpus(seeds, count, seed);
}

/** Share of words drawn from the seeds' own word frequencies; the rest come from the Zipf vocabulary. */
export const HEAPS_SEED_SHARE = 0.7;
/** Size of the synthetic long-tail vocabulary and its Zipf exponent. */
export const HEAPS_VOCABULARY = 400_000;
export const HEAPS_ZIPF_EXPONENT = 1.1;
const TITLE_WORDS = [7, 13] as const;
const ABSTRACT_WORDS = [120, 200] as const;

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aiou';

/**
 * The synthetic word of a Zipf rank: consonant-vowel syllables spelling the rank (three at least),
 * so every rank is a distinct letters-only word the analyzer keeps as one term.
 */
export function heapsWord(rank: number): string {
  const base = CONSONANTS.length * VOWELS.length;
  let n = rank;
  let word = '';
  for (let i = 0; i < 3 || n > 0; i++) {
    const s = n % base;
    word += CONSONANTS[Math.floor(s / VOWELS.length)]! + VOWELS[s % VOWELS.length]!;
    n = Math.floor(n / base);
  }
  return word;
}

/** Draws ranks 0..size-1 with P(rank r) proportional to 1/(r+1)^exponent (binary search over the CDF). */
function zipfSampler(size: number, exponent: number, random: () => number): () => number {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cdf[r] = sum += 1 / Math.pow(r + 1, exponent);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * A corpus whose vocabulary grows with its size (Heaps' law), as a real one does: each word is
 * drawn from the seeds' word frequencies (70%) or from a Zipf(1.1) distribution over a 400k-word
 * synthetic vocabulary (30%); titles of 7-13 words, abstracts of 120-200, a fixed seed.
 */
export function heapsCorpus(seeds: Paper[], count: number, seed = 42): Paper[] {
  const random = prng(seed);
  const titleWords = seeds.flatMap((p) => p.title.split(/\s+/));
  const abstractWords = seeds.flatMap((p) => p.abstract.split(/\s+/));
  const zipf = zipfSampler(HEAPS_VOCABULARY, HEAPS_ZIPF_EXPONENT, random);
  const words = new Map<number, string>();
  const word = (pool: string[]) => {
    if (random() < HEAPS_SEED_SHARE) return pool[Math.floor(random() * pool.length)]!;
    const rank = zipf();
    let w = words.get(rank);
    if (w === undefined) words.set(rank, (w = heapsWord(rank)));
    return w;
  };
  const length = ([min, max]: readonly [number, number]) => min + Math.floor(random() * (max - min + 1));
  const sentence = (pool: string[], n: number) => Array.from({ length: n }, () => word(pool)).join(' ');
  const papers: Paper[] = [];
  const seen = new Set<string>();
  while (papers.length < count) {
    const title = sentence(titleWords, length(TITLE_WORDS));
    const id = paperId(title);
    if (seen.has(id)) continue;
    seen.add(id);
    papers.push({ id, title, abstract: sentence(abstractWords, length(ABSTRACT_WORDS)), url: arxivSearchUrl(title) });
  }
  return papers;
}

/** 1-3 word queries made of words researchers type: content words from the seed titles. */
export function sampleQueries(seeds: Paper[], count: number, seed = 7): string[] {
  const random = prng(seed);
  const words = seeds
    .flatMap((p) => p.title.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? [])
    .filter((w) => !STOP_WORDS.has(w) && !QUERY_STOP_WORDS.has(w));
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => words[Math.floor(random() * words.length)]!).join(' ');
  });
}
