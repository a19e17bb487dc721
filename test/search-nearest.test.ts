import { describe, expect, it } from 'vitest';
import { prng } from '../bench/lib/synthetic.js';
import { QUERY_STEPS, QuantizedVectors } from '../src/core/search/quantized-scan.js';
import { nearestOf, SemanticSpace } from '../src/core/search/semantic.js';

const random = prng(7);

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  for (let k = 0; k < v.length; k++) v[k] = v[k]! / Math.sqrt(norm);
  return v;
}

/** Unit vectors around a few centres (so many similarities lie close together), some dominated by one coordinate, some repeated, some zero. */
function documents(dims: number, count: number): Float32Array {
  const centres = Array.from({ length: 5 }, () => unit(Float32Array.from({ length: dims }, () => random() - 0.5)));
  const out = new Float32Array(count * dims);
  for (let d = 0; d < count; d++) {
    const kind = random();
    if (kind < 0.02) continue;
    if (kind < 0.05 && d > 0) {
      out.copyWithin(d * dims, (d - 1) * dims, d * dims);
      continue;
    }
    const c = centres[Math.floor(random() * centres.length)]!;
    const v = Float32Array.from({ length: dims }, (_, k) => c[k]! + (random() - 0.5) * 0.2);
    if (kind < 0.1) v[Math.floor(random() * dims)] = 5;
    out.set(unit(v), d * dims);
  }
  return out;
}

/** What blendSemantic did before nearest(): every similarity, the largest, and the best unskipped ones in id order. */
function reference(sims: Float32Array, count: number, skip: Iterable<number>): { docs: number[]; sims: number[]; max: number } {
  const mask = new Uint8Array(sims.length);
  for (const doc of skip) if (doc < mask.length) mask[doc] = 1;
  return nearestOf(sims, count, mask);
}

describe('QuantizedVectors', () => {
  it('bounds every estimate: the real dot product is within its error and the query slack', () => {
    const dims = 48;
    const vectors = documents(dims, 3000);
    const rounded = QuantizedVectors.create(dims)!;
    expect(rounded).not.toBeNull();
    rounded.setRows(vectors, 0, 3000);
    let closest = Infinity;
    for (let trial = 0; trial < 5; trial++) {
      const query = Float64Array.from(unit(Float32Array.from({ length: dims }, () => random() - 0.5)));
      const { slack } = rounded.setQuery(query)!;
      const seen: number[] = [];
      rounded.above(3000, { marked: -Infinity, open: -Infinity }, (doc, dot) => {
        seen.push(doc);
        let exact = 0;
        for (let k = 0; k < dims; k++) exact += query[k]! * vectors[doc * dims + k]!;
        const margin = (rounded.errors()[doc]! + slack) / QUERY_STEPS;
        const off = Math.abs((dot * rounded.scales()[doc]!) / QUERY_STEPS - exact);
        expect(off).toBeLessThanOrEqual(margin);
        closest = Math.min(closest, margin - off);
      });
      expect(seen).toEqual(Array.from({ length: 3000 }, (_, d) => d));
    }
    // The bound is not loose everywhere (a bound that ignored the rounding would fail above).
    expect(closest).toBeLessThan(0.01);
  });

  it('reports every document whose upper bound reaches the limit of its kind, marked or not', () => {
    const dims = 32;
    const vectors = documents(dims, 1001);
    const rounded = QuantizedVectors.create(dims)!;
    for (let d = 0; d < 1001; d += 250) rounded.setRows(vectors.subarray(d * dims, Math.min(1001, d + 250) * dims), d, Math.min(1001, d + 250) - d);
    const query = Float64Array.from(unit(Float32Array.from({ length: dims }, () => random() - 0.5)));
    const { slack } = rounded.setQuery(query)!;
    const all = new Map<number, number>();
    rounded.above(1001, { marked: -Infinity, open: -Infinity }, (doc, dot) => all.set(doc, dot * rounded.scales()[doc]! + rounded.errors()[doc]!));
    const marks = rounded.marks();
    for (let d = 0; d < 1001; d += 3) marks[d] = 0xff;
    const limits = { marked: 0.6 * QUERY_STEPS, open: 0.3 * QUERY_STEPS };
    const got: number[] = [];
    rounded.above(1001, limits, (doc) => got.push(doc));
    const expected = [...all].filter(([doc, upper]) => upper + slack >= (doc % 3 === 0 ? limits.marked : limits.open)).map(([doc]) => doc);
    expect(got.filter((d, i) => got.indexOf(d) === i)).toEqual(got);
    for (const doc of expected) expect(got).toContain(doc);
    expect(got.length).toBeLessThan(1001);
    marks.fill(0);
  });
});

describe('SemanticSpace.nearest', () => {
  for (const dims of [48, 6]) {
    it(`gives what every similarity and a pass over them give, before and after papers are added (${dims} dimensions)`, () => {
      const docs = 4000;
      const s = new SemanticSpace({ dims, sampleSize: 100 });
      const termVectors = Float32Array.from({ length: 20 * dims }, () => random() - 0.5);
      const docVectors = documents(dims, docs);
      s.install({ dims, fittedOn: docs, terms: Array.from({ length: 20 }, (_, t) => `t${t}`), idf: new Float32Array(20).fill(1), termVectors, termUnits: termVectors, docVectors });
      const check = (capacity: number) => {
        for (let trial = 0; trial < 8; trial++) {
          // Queries near a document (many close similarities) and random ones.
          const near = Math.floor(random() * docs);
          const query = unit(Float32Array.from({ length: dims }, (_, k) => (trial % 2 ? docVectors[near * dims + k]! : 0) + (random() - 0.5) * 0.3));
          const skipped = Int32Array.from({ length: 300 }, () => Math.floor(random() * capacity));
          const excluded = [near, near + 1];
          for (const count of [1, 20, 50]) {
            const got = s.nearest(query, count, [skipped, excluded], capacity);
            const expected = reference(Float32Array.from(s.similarities(query, capacity)), count, new Set([...skipped, ...excluded]));
            expect(got).toEqual(expected);
          }
        }
      };
      check(docs);
      // Papers added after the fit (their vectors grow past the installed ones), and room past them.
      for (let doc = docs; doc < docs + 1500; doc++) s.setDoc(doc, new Map([[`t${doc % 20}`, 1 + (doc % 3)], [`t${(doc * 7) % 20}`, 1]]));
      check(docs + 1600);
    });
  }

  it('breaks ties by id even where the tied documents are rounded differently', () => {
    const dims = 48;
    const docs = 2000;
    const docVectors = documents(dims, docs);
    const query = unit(Float32Array.from({ length: dims }, (_, k) => (k === dims - 1 ? 0 : random() - 0.5)));
    // Documents 10 and 11 have the same similarity (they differ only where the query is zero),
    // but 11's large coordinate rounds it more coarsely, so its upper bound is the higher.
    for (const doc of [10, 11]) docVectors.set(query, doc * dims);
    docVectors[11 * dims + dims - 1] = 3;
    const s = new SemanticSpace({ dims, sampleSize: 100 });
    const termVectors = Float32Array.from({ length: 20 * dims }, () => random() - 0.5);
    s.install({ dims, fittedOn: docs, terms: Array.from({ length: 20 }, (_, t) => `t${t}`), idf: new Float32Array(20).fill(1), termVectors, termUnits: termVectors, docVectors });
    const sims = Float32Array.from(s.similarities(query, docs));
    expect(sims[10]).toBe(sims[11]);
    for (const count of [1, 2, 5]) expect(s.nearest(query, count, [], docs)).toEqual(reference(sims, count, new Set()));
    expect(s.nearest(query, 1, [], docs).docs).toEqual([10]);
  });

  it('stays exact while its rows are rounded in slices after an install and papers are added meanwhile', async () => {
    const dims = 16;
    const docs = 20_000;
    const s = new SemanticSpace({ dims, sampleSize: 100 });
    const termVectors = Float32Array.from({ length: 20 * dims }, () => random() - 0.5);
    const docVectors = documents(dims, docs);
    s.install({ dims, fittedOn: docs, terms: Array.from({ length: 20 }, (_, t) => `t${t}`), idf: new Float32Array(20).fill(1), termVectors, termUnits: termVectors, docVectors });
    // One slice is rounded; then papers already rounded and not yet rounded change, and one is added.
    await new Promise((resolve) => setImmediate(resolve));
    for (const doc of [5, 15_000, docs]) s.setDoc(doc, new Map([[`t${doc % 20}`, 2], [`t${(doc * 7) % 20}`, 1]]));
    for (let trial = 0; trial < 4; trial++) {
      const query = unit(Float32Array.from({ length: dims }, (_, k) => s.docVector([5, 15_000, docs, 7][trial]!)![k]! + (random() - 0.5) * 0.1));
      const expected = reference(Float32Array.from(s.similarities(query, docs + 1)), 10, new Set());
      expect(s.nearest(query, 10, [], docs + 1)).toEqual(expected);
    }
  });
});
