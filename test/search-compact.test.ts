import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { IndexState } from '../src/core/search/index-state.js';
import { corpusOfKind, sampleQueries } from '../bench/lib/synthetic.js';

/** The parts of an index compact() cuts or drops, read from its private fields. */
interface Inside {
  postings: { title: { pool: Int32Array }; abstract: { pool: Int32Array } };
  tokens: { size: number };
  words: Map<string, string>;
}
const inside = (index: PaperIndex) => index as unknown as Inside;

/** The state without the latent space (fitted on different calls) and text hashes, for comparing structure. */
const structure = (state: IndexState) => ({ ...state, latent: undefined });

describe('PaperIndex.compact', () => {
  it('cuts a built index\'s arrays to their contents and drops the token table; later adds, exports and answers are as without it', async () => {
    const seeds = (await loadCorpus('seeds')).papers;
    const papers = [...seeds, ...corpusOfKind('heaps', seeds, 2500)];
    const first = papers.slice(0, 2000);
    const later = papers.slice(2000);

    const built = new PaperIndex(first);
    const state = built.exportState();
    expect(inside(built).postings.title.pool.length).toBe(state.title.pool.length);
    expect(inside(built).postings.abstract.pool.length).toBe(state.abstract.pool.length);
    expect(inside(built).tokens.size).toBe(0);
    expect(inside(built).words.size).toBe(0);

    // The same papers added without a compact in between.
    const plain = new PaperIndex();
    plain.add(first);
    expect(inside(plain).tokens.size).toBeGreaterThan(0);
    built.add(later);
    plain.add(later);
    expect(structure(built.exportState())).toEqual(structure(plain.exportState()));
    for (const q of [...sampleQueries(seeds, 40, 5), 'grph neural netwrks']) {
      expect(JSON.stringify(built.search(q, { limit: 10 }))).toBe(JSON.stringify(plain.search(q, { limit: 10 })));
    }
  }, 120_000);
});
