import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/core/corpus/index.js';
import { UserError } from '../src/core/errors.js';
import { PaperIndex } from '../src/core/search/index.js';
import { paper } from './fixtures/fake-search.js';

const small = [
  paper('gnn', 'Graph Neural Networks for Molecules', 'We train message passing networks on molecular graphs and predict properties.'),
  paper('moe', 'Sparse Mixture of Experts Language Models', 'A gated mixture of experts layer routes tokens to experts for efficient scaling.'),
  paper('diff', 'Denoising Diffusion Models for Images', 'Diffusion models generate images by reversing a noising process; we speed up diffusion sampling.'),
  paper('survey', 'A Survey of Graph Neural Networks', 'We survey graph neural network architectures and their applications.'),
  paper('heat', 'Heat Kernels on Graphs', 'We study spectral clustering of graph data. Heat diffusion on graphs appears once as a tool.'),
  paper('rl', 'Reinforcement Learning for Robot Control', 'Policy gradient agents learn locomotion in simulation.'),
];

describe('PaperIndex on a small corpus', () => {
  const index = new PaperIndex(small);

  it('throws a UserError for an empty query', () => {
    expect(() => index.search('   ')).toThrow(UserError);
    expect(() => index.search('-survey')).toThrow(UserError);
  });

  it('honours "exact phrases"', () => {
    const ids = index.search('"graph neural networks"').hits.map((h) => h.paper.id);
    expect(ids.sort()).toEqual(['gnn', 'survey']);
    expect(index.search('"networks graph"').hits).toEqual([]);
  });

  it('honours -exclusions', () => {
    const ids = index.search('graph neural networks -survey').hits.map((h) => h.paper.id);
    expect(ids).toContain('gnn');
    expect(ids).not.toContain('survey');
  });

  it('expands acronyms both ways', () => {
    expect(index.search('GNN').hits[0]?.paper.id).toMatch(/gnn|survey/);
    expect(index.search('MoE').hits[0]?.paper.id).toBe('moe');
    expect(index.search('reinforcement learning').hits[0]?.paper.id).toBe('rl');
    expect(index.search('RL').hits[0]?.paper.id).toBe('rl');
    expect(index.search('mixture-of-experts').hits[0]?.paper.id).toBe('moe');
  });

  it('tolerates typos and inflections', () => {
    expect(index.search('difusion modl').hits[0]?.paper.id).toBe('diff');
    expect(index.search('molecule graph network').hits[0]?.paper.id).toBe('gnn');
  });

  it('pages with offset and reports the total', () => {
    const all = index.search('graph', { limit: 10 });
    const second = index.search('graph', { limit: 1, offset: 1 });
    expect(second.hits[0]?.paper.id).toBe(all.hits[1]?.paper.id);
    expect(second.total).toBe(all.total);
  });

  it('similar never returns the paper itself', () => {
    const hits = index.similar('gnn', 3);
    expect(hits.map((h) => h.paper.id)).not.toContain('gnn');
    expect(hits[0]?.paper.id).toBe('survey');
    expect(index.similar('nope')).toEqual([]);
  });

  it('match does not fire on a passing mention', () => {
    const ids = index.match('diffusion models').map((h) => h.paper.id);
    expect(ids).toEqual(['diff']);
  });

  it('add ignores ids it already has', () => {
    const copy = new PaperIndex(small.slice(0, 2));
    expect(copy.add(small).map((p) => p.id)).toEqual(small.slice(2).map((p) => p.id));
    expect(copy.size).toBe(small.length);
    expect(copy.add(small)).toEqual([]);
  });

  it('rejects unknown options', () => {
    expect(() => new PaperIndex([], { ranking: { titleBoots: 2 } as never })).toThrow(/unknown option "ranking.titleBoots"/);
  });
});

describe('PaperIndex on the seed corpus', () => {
  let index: PaperIndex;
  beforeAll(async () => {
    index = new PaperIndex((await loadCorpus('seeds')).papers);
  });
  const top = (q: string, n = 3) => index.search(q, { limit: n }).hits.map((h) => h.paper.title);

  it('finds a paper from a typo-ridden query', () => {
    expect(top('transfomer recursion', 5).join('\n')).toMatch(/Recursi/);
    expect(top('fast matrix multiplcation ternary flip graphs', 1)[0]).toMatch(/matrix multiplication/i);
  });

  it('understands natural-language questions', () => {
    expect(top('how do transformers learn arithmetic', 5).join('\n')).toMatch(/Arithmetic/);
  });

  it('maps acronyms to their expansions', () => {
    expect(top('MoE', 3).every((t) => /mixture[- ]of[- ]experts|MoE/i.test(t))).toBe(true);
  });

  it('a diffusion-models follow skips papers that mention diffusion in passing', () => {
    const titles = index.match('diffusion models').map((h) => h.paper.title);
    expect(titles.length).toBeGreaterThan(2);
    expect(titles.every((t) => /diffusion/i.test(t))).toBe(true);
  });
});

describe('PaperIndex passage evidence for sentence-long queries', () => {
  const filler = 'Results are reported on standard tasks with ablations and a discussion of costs. '.repeat(3);
  // The same words, counts and neighbours in both: all together in one sentence, or in three far apart.
  const together = `Linear predictors trained on reasoning traces emulate a Turing machine. ${filler}Trained. ${filler}Traces.`;
  const scattered = `Linear predictors trained. ${filler}Trained on reasoning traces. ${filler}Traces emulate a Turing machine.`;
  const corpus = [
    paper('scattered', 'Theory of next-token prediction', scattered),
    paper('together', 'Theory of next-token prediction', together),
    ...Array.from({ length: 6 }, (_, i) => paper(`other${i}`, `Protein folding ${i}`, 'Residue contacts predict protein structure.')),
  ];
  const query = 'linear predictors trained on reasoning traces emulate a Turing machine';

  it('ranks the paper holding the query within one passage first', () => {
    expect(new PaperIndex(corpus).search(query).hits[0]!.paper.id).toBe('together');
  });

  it('without it the two tie, and the first added leads', () => {
    expect(new PaperIndex(corpus, { ranking: { passageBoost: 0 } }).search(query).hits[0]!.paper.id).toBe('scattered');
  });
});

describe('PaperIndex reusing its score arrays', () => {
  it('answers a query the same after other queries as on a fresh index', () => {
    const queries = ['graph neural networks', 'MoE', '"diffusion models" -heat', 'reinforcement learning robots'];
    const fresh = (q: string) => new PaperIndex(small).search(q).hits.map((h) => [h.paper.id, h.score]);
    const shared = new PaperIndex(small);
    for (const q of [...queries, ...queries.reverse()]) {
      shared.match(q);
      expect(shared.search(q).hits.map((h) => [h.paper.id, h.score])).toEqual(fresh(q));
    }
  });
});

