import { describe, expect, it } from 'vitest';
import { FieldScratch, LastSeen, TokenTable } from '../src/core/search/token-table.js';

describe('token table', () => {
  it('keeps each token’s term ids, word form and compound join, forms shared by id', () => {
    const table = new TokenTable();
    const a = table.add('networks', [4], 'network', false);
    const b = table.add('neuro-symbolic', [7, 8, 9], undefined, true);
    const c = table.add('network', [4], 'network', false);
    expect([a, b, c]).toEqual([0, 1, 2]);
    expect(table.id('neuro-symbolic')).toBe(1);
    expect(table.id('symbolic')).toBe(-1);
    const terms = (t: number) => [...table.termPool.subarray(table.termStart(t), table.termStart(t) + table.termCount(t))];
    expect(terms(b)).toEqual([7, 8, 9]);
    expect(table.joinedLast(b)).toBe(true);
    expect(table.joinedLast(a)).toBe(false);
    expect(table.formOf(b)).toBe(-1);
    expect(table.formOf(a)).toBe(table.formOf(c));
    expect(table.formNames[table.formOf(a)]).toBe('network');
  });

  it('marks a token once per stamp: a field counts its distinct tokens', () => {
    const table = new TokenTable();
    const a = table.add('graph', [1], 'graph', false);
    const b = table.add('graphs', [1], 'graph', false);
    expect([table.mark(a, 1), table.mark(b, 1), table.mark(a, 1)]).toEqual([true, true, false]);
    expect([table.mark(a, 2), table.mark(a, 2), table.mark(b, 2)]).toEqual([true, false, true]);
    // A mark is kept beside the token's analysis, and changes none of it.
    expect([table.termStart(b), table.termCount(b), table.formOf(b), table.joinedLast(b)]).toEqual([1, 1, 0, false]);
  });

  it('grows past its first arrays', () => {
    const table = new TokenTable();
    for (let i = 0; i < 5000; i++) table.add(`w${i}`, [i, i + 1], `w${i}`, i % 2 === 0);
    expect(table.size).toBe(5000);
    expect(table.termPool[table.termStart(4321) + 1]).toBe(4322);
    expect(table.joinedLast(4320)).toBe(true);
    expect(table.formNames[table.formOf(4999)]).toBe('w4999');
  });
});

describe('field scratch', () => {
  it('counts terms in first-use order and forgets them on reset', () => {
    const field = new FieldScratch();
    for (const t of [5, 2, 5, 2000, 5]) field.count(t);
    expect([...field.terms.subarray(0, field.size)]).toEqual([5, 2, 2000]);
    expect([...field.counts.subarray(0, field.size)]).toEqual([3, 1, 1]);
    field.reset();
    field.count(2);
    expect(field.size).toBe(1);
    expect(field.counts[0]).toBe(1);
  });
});

describe('last seen', () => {
  it('lists keys in first-seen order with their last value, until reset', () => {
    const seen = new LastSeen();
    expect(seen.set(3, 10)).toBe(true);
    expect(seen.set(1, 11)).toBe(true);
    expect(seen.set(3, 12)).toBe(false);
    expect(seen.keys).toEqual([3, 1]);
    expect(seen.get(3)).toBe(12);
    seen.reset();
    expect(seen.set(3, 1)).toBe(true);
    expect(seen.keys).toEqual([3]);
  });
});
