import { describe, expect, it } from 'vitest';
import { prng } from '../bench/lib/synthetic.js';
import { SemanticSpace, type FittedSpace } from '../src/core/search/semantic.js';

const dims = 48;

/** A fitted space of random unit term vectors around a few directions (so some terms are close), the rest zero. */
function randomSpace(terms: number, seed: number): { space: SemanticSpace; names: string[] } {
  const random = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: 12 }, () => Float64Array.from({ length: dims }, gauss));
  const units = new Float32Array(terms * dims);
  for (let t = 0; t < terms; t++) {
    const centre = centres[t % centres.length]!;
    const spread = [0.05, 0.2, 0.5, 2][t % 4]!;
    let norm = 0;
    for (let k = 0; k < dims; k++) norm += (units[t * dims + k] = centre[k]! + spread * gauss()) ** 2;
    for (let k = 0; k < dims; k++) units[t * dims + k] = units[t * dims + k]! / Math.sqrt(norm);
  }
  const names = Array.from({ length: terms }, (_, t) => `t${t}`);
  const fit: FittedSpace = { dims, fittedOn: 1000, terms: names, idf: new Float32Array(terms).fill(1), termVectors: units, termUnits: units, docVectors: new Float32Array(0) };
  const space = new SemanticSpace({ dims, sampleSize: 1000 });
  space.install(fit);
  return { space, names };
}

describe('SemanticSpace.relatedTerms with a bound on the trailing dimensions', () => {
  it('returns exactly what comparing the term with every other term returns', () => {
    const { space, names } = randomSpace(3000, 7);
    let found = 0;
    for (const min of [0.3, 0.8, 0.95]) {
      for (let t = 0; t < names.length; t += 37) {
        const all = names
          .map((u, i) => [u, i, space.termSimilarity(names[t]!, u)!] as const)
          .filter(([, i, s]) => i !== t && s >= min)
          .sort((a, b) => b[2] - a[2] || a[1] - b[1])
          .map(([u, , s]) => [u, s]);
        const accept = (u: string) => !u.endsWith('3');
        expect(space.relatedTerms(names[t]!, 10_000, min, accept)).toEqual(all.filter(([u]) => accept(u as string)));
        expect(space.relatedTerms(names[t]!, 3, min)).toEqual(all.slice(0, 3));
        found += all.length;
      }
    }
    expect(found).toBeGreaterThan(1000);
  });
});
