import { describe, expect, it } from 'vitest';
import { StringIds } from '../src/core/string-ids.js';

describe('StringIds (term or paper id -> id, restored ones through a hash table)', () => {
  const terms = Array.from({ length: 5000 }, (_, i) => `term${i}`).concat(['déjà', 'Ω', '😀', 'a', '']);
  // Built from other string objects than the ones looked up, as a query's terms are.
  const copy = (s: string) => [...s].join('');

  it('finds every restored term by its position, and nothing else', () => {
    const ids = StringIds.restoredFrom(terms);
    terms.forEach((t, i) => expect(ids.get(copy(t))).toBe(i));
    expect(ids.get('term5000')).toBeUndefined();
    expect(ids.has('déj')).toBe(false);
    expect(ids.has('déjà')).toBe(true);
    // Listed twice, a string keeps its first id.
    expect(StringIds.restoredFrom(['x', 'y', 'x']).get(copy('x'))).toBe(0);
  });

  it('takes the terms interned after a restore, and works as a plain map when nothing was restored', () => {
    const ids = StringIds.restoredFrom(terms);
    expect(ids.set('quasicrystal', terms.length).get('quasicrystal')).toBe(terms.length);
    expect(ids.get('term7')).toBe(7);
    const fresh = new StringIds();
    expect(fresh.get('term7')).toBeUndefined();
    fresh.set('term7', 0);
    expect(fresh.get('term7')).toBe(0);
    expect(StringIds.restoredFrom([]).get('')).toBeUndefined();
  });
});
