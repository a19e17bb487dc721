import { describe, expect, it } from 'vitest';
import { PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';
import { paper } from './fixtures/fake-search.js';

/** Two topics; within the first, "compiler" and "superoptimizer" never meet but share their neighbours. */
const corpus: Paper[] = [
  ...Array.from({ length: 8 }, (_, i) =>
    paper(`comp${i}`, `Compiler passes for tensor programs ${i}`, 'A compiler lowers tensor operators into fused GPU kernels with loop tiling and scheduling.'),
  ),
  paper('superopt', 'Searching fused GPU kernels', 'A superoptimizer explores tensor operators, loop tiling and scheduling to find faster kernels.'),
  ...Array.from({ length: 8 }, (_, i) =>
    paper(`bio${i}`, `Protein structure prediction ${i}`, 'We predict protein folding from amino acid sequences with attention over residue contacts.'),
  ),
  ...Array.from({ length: 8 }, (_, i) =>
    paper(`rl${i}`, `Policy learning for robots ${i}`, 'Reinforcement learning agents learn locomotion policies from rewards in simulation.'),
  ),
  paper('noise', 'Weather forecasting with station data', 'Rainfall and temperature records from stations feed a regional forecast.'),
];

describe('PaperIndex latent semantic signal', () => {
  it('never shows a paper on the latent signal alone: search shows what matches the words', () => {
    const page = new PaperIndex(corpus).search('compiler', { limit: 20 });
    const ids = page.hits.map((h) => h.paper.id);
    expect(ids).not.toContain('superopt');
    expect(ids).not.toContain('noise');
    expect(page.total).toBe(8);
  });

  it('is off with semanticWeight 0: only papers with the word', () => {
    const ids = new PaperIndex(corpus, { ranking: { semanticWeight: 0 } }).search('compiler', { limit: 20 }).hits.map((h) => h.paper.id);
    expect(ids).not.toContain('superopt');
  });

  it('takes papers added after the first query into the latent space', () => {
    const index = new PaperIndex(corpus.filter((p) => p.id !== 'superopt'));
    index.search('compiler');
    index.add([paper('late', 'Kernel scheduling search', 'Loop tiling and scheduling of tensor operators into fused GPU kernels, found by search in a compiler.')]);
    expect(index.search('compiler', { limit: 20 }).hits.map((h) => h.paper.id)).toContain('late');
  });
});

/** Category-theory papers (under a tenth of the corpus, so the word is expanded) say "category", "functor" and "morphism" together; one never says "category". */
const themes = ['probability', 'automata', 'databases', 'optics', 'games', 'circuits', 'grammars', 'queries', 'proofs', 'tensors'];
const categorical: Paper[] = [
  ...themes.map((theme, i) => paper(`cat${i}`, `A category of ${theme}`, `Each functor of ${theme} is a morphism in the category of ${theme}.`)),
  paper('lenses', 'Lenses for backpropagation', 'Gradient updates are a morphism of lenses; a functor sends each network to its lens.'),
  ...Array.from({ length: 50 }, (_, i) => paper(`bio${i}`, `Protein folding ${i}`, 'We predict protein folding from amino acid sequences with residue contacts.')),
  ...Array.from({ length: 50 }, (_, i) => paper(`rl${i}`, `Robot locomotion ${i}`, 'Reinforcement learning agents learn locomotion policies from rewards.')),
];

describe('PaperIndex related terms', () => {
  const lexicalOnly = { semanticWeight: 0, feedbackTerms: 0 };

  it('related terms alone are no evidence: a paper without the word is not shown', () => {
    const ids = new PaperIndex(categorical, { ranking: lexicalOnly }).search('category', { limit: 20 }).hits.map((h) => h.paper.id);
    expect(ids).not.toContain('lenses');
    expect(ids.some((id) => id.startsWith('bio') || id.startsWith('rl'))).toBe(false);
  });

  it('is off with relatedTerms 0', () => {
    const ids = new PaperIndex(categorical, { ranking: { ...lexicalOnly, relatedTerms: 0 } }).search('category', { limit: 20 }).hits.map((h) => h.paper.id);
    expect(ids).not.toContain('lenses');
  });

  it('a sentence-long query is taken at its word', () => {
    const query = 'category semantics learners composing maps between sets';
    const ids = new PaperIndex(categorical, { ranking: { ...lexicalOnly, minRelativeScore: 0, sentenceConcepts: 6 } }).search(query, { limit: 20 }).hits.map((h) => h.paper.id);
    expect(ids).not.toContain('lenses');
    const expanded = new PaperIndex(categorical, { ranking: { ...lexicalOnly, minRelativeScore: 0, sentenceConcepts: 100 } }).search(query, { limit: 20 }).hits.map((h) => h.paper.id);
    expect(expanded).not.toContain('lenses');
  });
});

describe('PaperIndex truncated variants', () => {
  // "quantization" minus two letters begins "quantum": spelling alone would mix the two topics.
  const corpus: Paper[] = [
    ...['weights', 'activations', 'caches', 'optimizers'].map((what, i) =>
      paper(`quant${i}`, `Low-bit quantization of ${what}`, `Post-training quantization rounds ${what} to four bits with calibration data.`),
    ),
    ...['chemistry', 'search', 'sampling', 'simulation'].map((what, i) =>
      paper(`qc${i}`, `Quantum circuits for ${what}`, `A quantum computer runs ${what} with qubits and entangling gates.`),
    ),
    ...Array.from({ length: 40 }, (_, i) => paper(`bio${i}`, `Protein folding ${i}`, 'We predict protein folding from amino acid sequences with residue contacts.')),
  ];
  const ids = (options = {}) => new PaperIndex(corpus, { ranking: { semanticWeight: 0, feedbackTerms: 0, ...options } }).search('quantization', { limit: 20 }).hits.map((h) => h.paper.id);

  it('keeps only those the latent space shows are used like the query term', () => {
    expect(ids().sort()).toEqual(['quant0', 'quant1', 'quant2', 'quant3']);
  });

  it('takes every spelling variant with the check off', () => {
    expect(ids({ variantMinSimilarity: -1 })).toContain('qc0');
  });
});

