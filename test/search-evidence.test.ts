import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusOfKind, prng } from '../bench/lib/synthetic.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { compoundParts, indexWord, termsOfToken, tokenize } from '../src/core/search/analyze.js';
import { ownWordEvidence } from '../src/core/search/evidence.js';
import { PaperIndex } from '../src/core/search/index.js';
import { stem } from '../src/core/search/stem.js';
import type { Paper } from '../src/core/types.js';
import { paper } from './fixtures/fake-search.js';

interface ConceptWords {
  ownWords: Set<string>;
  alternatives: string[][];
}

/** The evidence as first written (issue 21): re-tokenize and stem the paper, then look for the concepts' words. */
function evidenceFromText(p: Paper, concepts: ConceptWords[]): string[] {
  const words: { surface: string; term: string }[] = [];
  const compounds: { surface: string; term: string }[] = [];
  for (const token of tokenize(`${p.title}\n${p.abstract}`)) {
    const parts = compoundParts(token);
    for (const part of parts) {
      const term = indexWord(part);
      if (term !== null) words.push({ surface: part, term });
    }
    if (parts.length > 1) compounds.push({ surface: token, term: stem(parts.join('')) });
  }
  const out: string[] = [];
  for (const c of concepts) {
    let found: string | undefined;
    for (const phrase of c.alternatives) {
      if (phrase.length < 2 || found) continue;
      for (let i = 0; i + phrase.length <= words.length && !found; i++) {
        if (phrase.every((t, j) => words[i + j]!.term === t)) found = words.slice(i, i + phrase.length).map((w) => w.surface).join(' ');
      }
    }
    found ??= words.find((w) => c.ownWords.has(w.term))?.surface ?? compounds.find((w) => c.ownWords.has(w.term))?.surface;
    if (found && !out.includes(found)) out.push(found);
    if (out.length >= 4) break;
  }
  return out;
}

/** A paper's title then abstract in DocumentSequences' format: term ids, a compound's joined term as -1 - id. */
function entriesOf(p: Paper, ids: Map<string, number>): Int32Array {
  const id = (t: string) => ids.get(t) ?? (ids.set(t, ids.size), ids.size - 1);
  const out: number[] = [];
  for (const text of [p.title, p.abstract]) {
    for (const token of tokenize(text)) {
      const terms = termsOfToken(token);
      const joined = /['’-]/.test(token) && compoundParts(token).length > 1;
      terms.forEach((t, i) => out.push(joined && i === terms.length - 1 ? -1 - id(t) : id(t)));
    }
  }
  return Int32Array.from(out);
}

describe('match() evidence from stored term ids', () => {
  it('names the words and phrases as the paper writes them', () => {
    const papers = [
      paper('a', 'Neuro-Symbolic Program Synthesis', 'We combine neural networks with symbolic search. The neuro-symbolic learner writes programs.'),
      paper('b', 'Learning on Molecules', 'Graph neural networks (GNNs) learn on molecular graphs; the Graph-Based model predicts binding.'),
      paper('c', 'Programs that Repair Programs', 'Language models repair programs, and neurosymbolic checks verify the repairs.'),
      paper('d', 'Symbolic Regression', 'Search over expressions finds the law. No neural network is used.'),
    ];
    const index = new PaperIndex(papers);
    const matched = (topic: string) => new Map(index.match(topic).map((h) => [h.paper.id, h.matched]));
    expect(matched('neuro-symbolic synthesis').get('a')).toEqual(['neuro', 'symbolic', 'synthesis']);
    expect(matched('"graph neural networks" molecules').get('b')).toEqual(['graph neural networks', 'molecules']);
  });

  it('finds what re-tokenizing the text finds, for random concepts over the seeds and a synthetic corpus', async () => {
    const seeds = (await loadCorpus(resolve(import.meta.dirname, '../seeds'))).papers;
    const papers = [...seeds, ...corpusOfKind('heaps', seeds, 300)];
    const ids = new Map<string, number>();
    const entries = papers.map((p) => entriesOf(p, ids));
    const names = [...ids.keys()];
    const random = prng(19);
    const pick = <T>(xs: ArrayLike<T>) => xs[Math.floor(random() * xs.length)]!;
    let nonEmpty = 0;
    for (let round = 0; round < 4000; round++) {
      const i = Math.floor(random() * papers.length);
      const own = [...entries[i]!].map((e) => (e < 0 ? -1 - e : e));
      const words = [...entries[i]!].filter((e) => e >= 0);
      const concepts = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
        // Own words: the paper's words, its compounds' joined terms, or words it lacks.
        const ownWords = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => names[random() < 0.7 ? pick(own) : Math.floor(random() * names.length)]!));
        const start = Math.floor(random() * Math.max(1, words.length - 2));
        const phrase = words.slice(start, start + 2 + Math.floor(random() * 2)).map((t) => names[t]!);
        const alternatives = random() < 0.4 ? [[...ownWords][0]!].map((w) => [w]).concat(random() < 0.8 ? [phrase] : [[names[pick(words)]!, pick(names)]]) : [...ownWords].map((w) => [w]);
        return { ownWords, alternatives };
      });
      const idsOf = concepts.map((c) => ({
        ownIds: new Set([...c.ownWords].map((w) => ids.get(w)!)),
        phraseIds: c.alternatives.filter((a) => a.length > 1).map((a) => Int32Array.from(a, (w) => ids.get(w)!)),
      }));
      const expected = evidenceFromText(papers[i]!, concepts);
      expect(ownWordEvidence(papers[i]!, entries[i]!, idsOf)).toEqual(expected);
      if (expected.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(2000);
  }, 60_000);
});

describe('match() evidence, found when first read', () => {
  it('is an enumerable property that spreads and serializes, worked out once', () => {
    const index = new PaperIndex([
      paper('a', 'Diffusion Models for Audio', 'We train diffusion models on audio. Denoising diffusion works.'),
      paper('b', 'Graph Learning', 'Graphs and more graphs.'),
    ]);
    const [hit] = index.match('diffusion audio');
    expect(hit!.paper.id).toBe('a');
    expect(Object.getOwnPropertyDescriptor(hit, 'matched')!.get).toBeDefined();
    expect(Object.keys(hit!)).toEqual(['paper', 'score', 'matched']);
    const first = hit!.matched;
    expect(first).toEqual(['diffusion', 'audio']);
    expect(hit!.matched).toBe(first);
    expect(Object.getOwnPropertyDescriptor(hit, 'matched')!.value).toBe(first);
    expect({ ...hit }.matched).toEqual(['diffusion', 'audio']);
    expect(JSON.parse(JSON.stringify(hit)).matched).toEqual(['diffusion', 'audio']);
  });

  it('gives each hit its own evidence, read in any order, and a copy nothing but the three properties', () => {
    const index = new PaperIndex([
      paper('a', 'Diffusion Models for Audio', 'We train diffusion models on audio.'),
      paper('b', 'Diffusions of Audio Tags', 'Audio clips and their diffusions.'),
      paper('c', 'Graph Learning', 'Graphs and more graphs.'),
    ]);
    const hits = index.match('diffusion audio');
    expect(hits.map((h) => h.paper.id).sort()).toEqual(['a', 'b']);
    const [first, second] = hits;
    const copy = { ...second! };
    expect(Reflect.ownKeys(copy)).toEqual(['paper', 'score', 'matched']);
    expect(copy.matched).toEqual(second!.paper.id === 'a' ? ['diffusion', 'audio'] : ['diffusions', 'audio']);
    expect(first!.matched).toEqual(first!.paper.id === 'a' ? ['diffusion', 'audio'] : ['diffusions', 'audio']);
    expect(Reflect.ownKeys(JSON.parse(JSON.stringify(first)))).toEqual(['paper', 'score', 'matched']);
  });
});
