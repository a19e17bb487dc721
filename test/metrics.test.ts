import { describe, expect, it } from 'vitest';
import { bestCutF1, setScores } from '../bench/lib/metrics.js';

describe('bestCutF1', () => {
  const grades = new Map([
    ['a', 2],
    ['c', 1],
    ['f', 1],
  ]);

  it('finds the depth where F1 peaks, not the deepest or the shallowest', () => {
    // Cut at 3: P 2/3, R 2/3, F1 0.667; at 1: F1 0.5; at 6: P 1/2, R 1, F1 0.667; at 7: 0.6.
    const ranked = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(bestCutF1(ranked, grades)).toBeCloseTo(2 / 3, 6);
    expect(bestCutF1(['a', 'c', 'f', 'b'], grades)).toBe(1);
  });

  it('is never below the F1 of delivering the whole ranking, and 0 with nothing relevant', () => {
    const ranked = ['b', 'a', 'd', 'e', 'c'];
    expect(bestCutF1(ranked, grades)).toBeGreaterThanOrEqual(setScores(ranked, grades).f1);
    expect(bestCutF1(['b', 'd'], grades)).toBe(0);
  });
});
