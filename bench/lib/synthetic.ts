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
