import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpusOfKind, prng, sampleQueries } from '../bench/lib/synthetic.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import { allOf, bestOf, bestPassing, keepOnly } from '../src/core/search/paper-index.js';
import { addDoc, docBits, DocList, type Postings, type TermScores } from '../src/core/search/postings.js';
import type { Paper } from '../src/core/types.js';

let seeds: Paper[];
let heaps: Paper[];

beforeAll(async () => {
  seeds = (await loadCorpus(resolve(import.meta.dirname, '../seeds'))).papers;
  heaps = corpusOfKind('heaps', seeds, 3000, 11);
});

afterEach(() => {
  PaperIndex.referenceRanking = false;
});

/** Everything a search page shows, scores to the last bit. */
const page = (index: PaperIndex, q: string, limit = 10, offset = 0) => {
  const { hits, total, nearest } = index.search(q, { limit, offset });
  return { ids: hits.map((h) => h.paper.id), scores: hits.map((h) => h.score), total, nearest };
};
const matched = (index: PaperIndex, topic: string) => index.match(topic).map((h) => [h.paper.id, h.score]);

/** Random queries mixing the corpus's most common words with rarer ones, exclusions and phrases. */
function queries(papers: Paper[], count: number, seed: number): string[] {
  const random = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const common = ['model', 'models', 'learning', 'language', 'neural', 'data', 'LLMs', 'large language models', 'training', 'method'];
  // Acronyms typed out: the phrase is the first alternative, the acronym (with its expansions) the next.
  const spelledOut = ['graph neural networks', 'mixture of experts', 'chain of thought', 'retrieval augmented generation', 'reinforcement learning', 'state space models'];
  const sampled = sampleQueries(papers, count, seed);
  return sampled.map((q) => {
    const r = random();
    if (r < 0.35) return `${pick(common)} ${q}`;
    if (r < 0.5) return `${q} ${pick(common)} ${pick(common)}`;
    if (r < 0.6) return `${q} -${pick(common)}`;
    if (r < 0.7) return `"${pick(common)}" ${q}`;
    if (r < 0.75) return `${pick(spelledOut)} ${q}`;
    // Sentence-long queries, on both sides of the factor table's 8 concepts.
    if (r < 0.8) return `${q} ${sampleQueries(papers, 4, Math.floor(random() * 1e6)).join(' ')}`;
    return q;
  });
}

describe('rank() shortcuts: candidates a bound rules out, score factors from a table', () => {
  it('gives the same pages, scores and totals as the reference path, and walks fewer candidates', () => {
    for (const [name, papers] of [['seeds', () => seeds], ['heaps 3k', () => heaps]] as const) {
      const index = new PaperIndex(papers());
      const qs = queries(seeds, 120, name === 'seeds' ? 3 : 5);
      const pages = (skip: boolean) => {
        PaperIndex.referenceRanking = !skip;
        const before = index.candidatesScored;
        const out = qs.map((q, i) => page(index, q, i % 3 === 0 ? 25 : 10, i % 5 === 0 ? 10 : 0));
        return { out, scored: index.candidatesScored - before };
      };
      const full = pages(false);
      const skipping = pages(true);
      expect(skipping.out, name).toEqual(full.out);
      // The skip is at work on these queries, not just harmless.
      expect(skipping.scored, name).toBeLessThan(full.scored * 0.9);
    }
  });

  it('gives the same match() deliveries as the reference path', () => {
    const index = new PaperIndex(heaps);
    const topics = queries(seeds, 80, 9).map((q) => q.replace(/-\S+|"/g, ''));
    PaperIndex.referenceRanking = true;
    const full = topics.map((t) => matched(index, t));
    PaperIndex.referenceRanking = false;
    expect(topics.map((t) => matched(index, t))).toEqual(full);
  });
});

describe('match(): multi-word alternatives read in place', () => {
  it('counts a phrase in a region only when all its words are there (title, opening sentence, abstract)', () => {
    const make = (i: number, title: string, abstract: string): Paper => ({ id: `p${i}`, title, abstract, url: `https://example.org/${i}` });
    const filler = Array.from({ length: 60 }, (_, i) => make(100 + i, `Sparse kernels for graph workload ${i}`, `We study cache behaviour of sparse kernels on graph workload ${i}. Tiles and schedules matter.`));
    const papers = [
      // The phrase only in the abstract's first sentence: strong.
      make(1, 'Reasoning benchmarks for arithmetic', 'We evaluate large language models on arithmetic. Scores vary across prompts and seeds.'),
      // Split across title and abstract, and once more later: not two mentions in the abstract.
      make(2, 'Scaling large language', 'models of tabular data are studied here. Later we compare large language models with trees.'),
      // Twice in the abstract, past the first sentence: strong.
      make(3, 'Tabular learning with trees', 'Trees remain strong baselines. Yet large language models help, and large language models scale.'),
      // In the title: strong.
      make(4, 'Large language models as planners', 'Planning with search over actions is studied in several domains.'),
      // Once past the first sentence: not strong.
      make(5, 'Planning over actions', 'Search over actions is hard. One baseline uses large language models for proposals.'),
      ...filler,
    ];
    // The aboutness rule alone decides: no latent near step, a low score cut.
    const index = new PaperIndex(papers, { match: { minSemanticSimilarity: 0, minRelativeScore: 0.01 } });
    for (const topic of ['LLMs', 'large language models', 'LLM planning']) {
      PaperIndex.referenceRanking = true;
      const full = matched(index, topic);
      PaperIndex.referenceRanking = false;
      expect(matched(index, topic), topic).toEqual(full);
    }
    const ids = index.match('LLMs').map((h) => h.paper.id);
    expect(ids).toEqual(expect.arrayContaining(['p1', 'p3', 'p4']));
    expect(ids).not.toContain('p2');
    expect(ids).not.toContain('p5');
  });
});

describe('bestPassing: the best matching papers past the leaders', () => {
  it('equals filtering, sorting all (score, then short id) and taking the first', () => {
    const random = prng(21);
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(random() * 200);
      const docs = Int32Array.from({ length }, (_, i) => i * 3 + Math.floor(random() * 3));
      // Few distinct scores, so ties are common.
      const scores = Float64Array.from({ length }, () => Math.floor(random() * 8) / 4);
      docs.sort(() => random() - 0.5);
      const passes = (doc: number) => doc % 3 !== 1;
      const count = 1 + Math.floor(random() * 20);
      const all = Array.from(docs, (doc, i) => ({ doc, score: scores[i]! }))
        .filter((r) => passes(r.doc))
        .sort((a, b) => b.score - a.score || a.doc - b.doc);
      expect(bestPassing({ docs, scores, length }, count, passes)).toEqual(all.slice(0, count));
    }
  });
});

describe('state reused between queries', () => {
  const lexical = { ranking: { semanticWeight: 0, relatedTerms: 0, variantMinSimilarity: -1 } };

  it('phrase, acronym, spelling-variant and word-form checks are the same after other queries as on a fresh index', () => {
    // Variants ("privacy"/"private") and word forms ("linear"/"linearly") count papers in common with reused marks.
    const qs = ['LLMs reasoning', 'large language models agents', '"language model" evaluation', 'MoE routing', 'privacy quantization', 'linear organization', 'graph neural network'];
    const shared = new PaperIndex(seeds);
    for (const q of [...qs, ...qs.slice().reverse(), ...qs]) {
      const fresh = new PaperIndex(seeds);
      expect(page(shared, q)).toEqual(page(fresh, q));
      expect(matched(shared, q)).toEqual(matched(fresh, q));
    }
  });

  it('answers as a fresh index after many other queries (variant, form and aboutness checks use reused marks)', () => {
    const qs = queries(seeds, 80, 17);
    const shared = new PaperIndex(heaps);
    qs.forEach((q) => shared.match(q.replace(/-\S+|"/g, '')));
    const fresh = new PaperIndex(heaps);
    for (const q of qs.slice(-25).reverse()) {
      const topic = q.replace(/-\S+|"/g, '');
      expect(matched(shared, topic)).toEqual(matched(fresh, topic));
    }
  });

  it('BM25 length terms follow papers added after a query', () => {
    const grown = new PaperIndex(seeds.slice(0, 300), lexical);
    const qs = ['language models reasoning', 'graph neural networks', 'diffusion', 'reinforcement learning robots'];
    qs.forEach((q) => grown.search(q));
    grown.add(seeds.slice(300));
    const fresh = new PaperIndex(seeds, lexical);
    for (const q of qs) expect(page(grown, q)).toEqual(page(fresh, q));
  });
});

describe('concept score maxima (the skip bound reads them)', () => {
  const maxOf = (t: TermScores) => Math.max(0, ...Array.from(t.docs.ids.subarray(0, t.docs.length), (doc) => t.scores[doc]!));
  const SIZE = 400;
  const empty = (): TermScores => ({ scores: new Float64Array(SIZE), inTitle: new Uint8Array(SIZE), docs: new DocList(), max: 0 });
  function randomScores(random: () => number): TermScores {
    const out = empty();
    for (let doc = 0; doc < SIZE; doc++) {
      if (random() < 0.6) continue;
      out.scores[doc] = 0.5 + Math.floor(random() * 40) / 8;
      out.inTitle[doc] = random() < 0.3 ? 1 : 0;
      out.docs.push(doc);
    }
    out.max = maxOf(out);
    return out;
  }

  it('allOf, bestOf and keepOnly leave the largest score in max', () => {
    const random = prng(31);
    for (let round = 0; round < 200; round++) {
      const parts = [randomScores(random), randomScores(random), randomScores(random)].slice(0, 1 + (round % 3));
      const all = allOf(parts, empty());
      expect(all.max).toBe(maxOf(all));
      const a = randomScores(random);
      const b = randomScores(random);
      const best = bestOf(a, b);
      expect(best.max).toBe(maxOf(best));
      const mask = docBits(SIZE);
      for (let doc = 0; doc < SIZE; doc++) if (random() < 0.5) addDoc(mask, doc);
      const also = round % 2 ? Uint8Array.from({ length: SIZE }, () => (random() < 0.2 ? 1 : 0)) : undefined;
      keepOnly(best, mask, also);
      expect(best.max).toBe(maxOf(best));
    }
  });

  it('scoreAt gives score()\'s doubles at the papers asked for, and scoreBound is no less than any score', () => {
    const index = new PaperIndex(heaps);
    const postings = (index as unknown as { postings: Postings }).postings;
    const bm25 = { k: 1.2, b: 0.75, d: 0.5 };
    const random = prng(41);
    const capacity = postings.capacity;
    const skip = new Uint8Array(capacity);
    let checked = 0;
    for (const [term, df] of postings.terms()) {
      if (df < 2 || random() > 0.02) continue;
      const id = postings.id(term);
      const full = postings.score([{ term, weight: 1 }], 2, bm25);
      expect(postings.scoreBound(id, 2, bm25), term).toBeGreaterThanOrEqual(full.max);
      // Every paper with the term, some without, and some skipped.
      const asked = Int32Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? full.docs.ids[Math.floor(random() * full.docs.length)]! : Math.floor(random() * capacity)));
      asked.forEach((doc, i) => (skip[doc] = i % 7 === 0 ? 1 : 0));
      const at = postings.lend();
      postings.scoreAt(id, asked, asked.length, skip, 2, bm25, at);
      for (const doc of asked) {
        const expected = skip[doc] ? 0 : full.scores[doc]!;
        expect([at.scores[doc], at.inTitle[doc]], `${term} ${doc}`).toEqual([expected, expected ? full.inTitle[doc] : 0]);
      }
      expect(new Set(at.docs.ids.subarray(0, at.docs.length)).size).toBe(at.docs.length);
      expect(at.max).toBe(maxOf(at));
      skip.fill(0);
      postings.release();
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('Postings.score leaves the largest score in max', () => {
    const index = new PaperIndex(seeds);
    const postings = (index as unknown as { postings: Postings }).postings;
    const bm25 = { k: 1.2, b: 0.75, d: 0.5 };
    for (const terms of [['model'], ['languag', 'model'], ['graph', 'network', 'neural'], ['nosuchterm']]) {
      const scores = postings.score(terms.map((term, i) => ({ term, weight: 1 / (i + 1) })), 2, bm25);
      expect(scores.max).toBe(maxOf(scores));
      postings.release();
    }
  });
});
