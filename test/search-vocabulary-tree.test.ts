import SearchableMap from 'minisearch/SearchableMap';
import { describe, expect, it } from 'vitest';
import { VocabularyTree } from '../src/core/search/vocabulary-tree.js';
import { prng } from '../bench/lib/synthetic.js';

/** Words with many shared prefixes (few letters, short syllables), some non-Latin and surrogate pairs. */
function words(count: number, seed: number): string[] {
  const random = prng(seed);
  const syllables = ['a', 'an', 'ann', 'ba', 'bar', 'bark', 'c', 'co', 'con', 'cont', 'e', 'er', 'é', 'ß', 'ü', '𝛼', 'x', 'xy', 'neu', 'neur', 'ral'];
  const out = new Set<string>();
  while (out.size < count) {
    let w = '';
    for (let n = 1 + Math.floor(random() * 5); n > 0; n--) w += syllables[Math.floor(random() * syllables.length)];
    out.add(w);
  }
  return [...out];
}

/** The same lookups on both: every prefix of some words (ending inside edges too), absent ones, and typo lookups at distances 1-3. */
function expectSame(tree: VocabularyTree, reference: SearchableMap<number>, terms: string[], probes: string[]): void {
  for (const probe of probes) {
    for (let end = 0; end <= probe.length; end++) {
      const prefix = probe.slice(0, end);
      expect(tree.withPrefix(prefix).map((id) => terms[id])).toEqual([...reference.atPrefix(prefix).keys()]);
    }
    for (const distance of [1, 2, 3]) {
      expect(tree.near(probe, distance)).toEqual([...reference.fuzzyGet(probe, distance)].map(([t, [id, d]]) => (expect(terms[id]).toBe(t), [id, d])));
    }
  }
}

describe('vocabulary tree', () => {
  it('gives minisearch SearchableMap\'s prefix and typo answers, in its order, built, restored from its arrays, and grown after', () => {
    const terms = words(3000, 3);
    const tree = new VocabularyTree(terms);
    const reference = new SearchableMap<number>();
    const insert = (from: number, to: number) => {
      for (let id = from; id < to; id++) {
        tree.insert(id);
        reference.set(terms[id]!, id);
      }
    };
    insert(0, 2000);
    const probes = [...words(60, 9), ...terms.slice(0, 40), 'zzz', 'neurral', 'bakr', 'contcont', 'co', 'c', 'annbarkconterneuralxy'];
    expectSame(tree, reference, terms, probes);

    const restored = new VocabularyTree(terms, tree.export());
    expectSame(restored, reference, terms, probes);
    for (let id = 2000; id < 3000; id++) {
      restored.insert(id);
      reference.set(terms[id]!, id);
    }
    expectSame(restored, reference, terms, probes);
  });

  it('answers nothing when empty, and lists a term once when inserted twice', () => {
    const terms = ['graph', 'graphs'];
    const tree = new VocabularyTree(terms);
    expect(tree.withPrefix('gr')).toEqual([]);
    expect(tree.near('graph', 1)).toEqual([]);
    tree.insert(0);
    tree.insert(1);
    tree.insert(0);
    expect(tree.withPrefix('gr').sort()).toEqual([0, 1]);
    expect(tree.near('graph', 1)).toEqual([[0, 0], [1, 1]]);
  });
});
