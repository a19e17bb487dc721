import { describe, expect, it } from 'vitest';
import { prng } from '../bench/lib/synthetic.js';
import { scanMemoryBytes, VectorScan } from '../src/core/search/dot-scan.js';
import { dotAt, SemanticSpace } from '../src/core/search/semantic.js';

/** The plain loop the scan replaces (semantic.ts's dotAt, its JS fallback): four running sums, then rounded to float32. */
function plainScan(query: Float64Array, vectors: Float32Array, dims: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let d = 0; d < count; d++) out[d] = dotAt(vectors, d * dims, query, dims);
  return out;
}

const random = prng(42);
/** Coordinates of mixed magnitudes and signs, so rounding differs between sum orders. */
const coordinate = () => (random() - 0.5) * 10 ** Math.floor(random() * 6 - 3);

describe('VectorScan (WebAssembly SIMD dot products)', () => {
  it('gives bit for bit what the plain loop gives, for several dimensions and counts', () => {
    for (const dims of [4, 8, 48]) {
      const scan = VectorScan.create(dims)!;
      expect(scan).not.toBeNull();
      for (const count of [1, 7, 1000, 5000]) {
        const vectors = scan.reserve(count);
        for (let i = 0; i < count * dims; i++) vectors[i] = coordinate();
        const query = Float64Array.from({ length: dims }, () => Math.fround(coordinate()));
        const expected = plainScan(query, vectors, dims, count);
        expect(Array.from(scan.scan(query, count))).toEqual(Array.from(expected));
      }
    }
  });

  it("adds the four sums in the plain loop's order (cancelling values tell orders apart)", () => {
    const values = [1e20, -1e20, 1, 0.25];
    const permutations = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    const rows = permutations(values);
    for (const dims of [4, 8]) {
      const scan = VectorScan.create(dims)!;
      const vectors = scan.reserve(rows.length);
      rows.forEach((row, d) => vectors.set(dims === 4 ? row : [...row, ...row.map((x) => x / 2)], d * dims));
      const query = new Float64Array(dims).fill(1);
      const got = Array.from(scan.scan(query, rows.length));
      expect(got).toEqual(Array.from(plainScan(query, vectors, dims, rows.length)));
      expect(new Set(got).size).toBeGreaterThan(1);
    }
  });

  it('keeps the vectors when its memory grows, and its memory is counted', () => {
    const scan = VectorScan.create(48)!;
    const first = scan.reserve(10);
    first.fill(0.5);
    const grown = scan.reserve(100_000);
    expect(first.length).toBe(0); // the old view is detached
    expect(Array.from(grown.subarray(0, 480)).every((x) => x === 0.5)).toBe(true);
    expect(scanMemoryBytes()).toBeGreaterThanOrEqual(100_000 * 48 * 4);
  });

  it('is not made where the dimensions are not a multiple of 4', () => {
    expect(VectorScan.create(6)).toBeNull();
  });
});

describe('SemanticSpace.similarities', () => {
  const space = (dims: number, docs: number) => {
    const s = new SemanticSpace({ dims, sampleSize: 100 });
    const termVectors = Float32Array.from({ length: 20 * dims }, coordinate);
    const docVectors = Float32Array.from({ length: docs * dims }, coordinate);
    s.install({ dims, fittedOn: docs, terms: Array.from({ length: 20 }, (_, t) => `t${t}`), idf: new Float32Array(20).fill(1), termVectors, termUnits: termVectors, docVectors });
    return { s, docVectors };
  };

  for (const dims of [48, 6]) {
    it(`equals the plain loop over the installed vectors and those added later (${dims} dimensions)`, () => {
      const { s, docVectors } = space(dims, 3000);
      const query = Float32Array.from({ length: dims }, coordinate);
      expect(Array.from(s.similarities(query, 3000))).toEqual(Array.from(plainScan(Float64Array.from(query), docVectors, dims, 3000)));
      // Papers added after the fit grow the vectors (and the scan's memory) past the fitted ones.
      for (let doc = 3000; doc < 9000; doc++) s.setDoc(doc, new Map([[`t${doc % 20}`, 1 + (doc % 3)], [`t${(doc * 7) % 20}`, 1]]));
      const all = new Float32Array(9000 * dims);
      for (let doc = 0; doc < 9000; doc++) all.set(s.docVector(doc) ?? new Float32Array(dims), doc * dims);
      expect(Array.from(all.subarray(0, 3000 * dims))).toEqual(Array.from(docVectors));
      expect(Array.from(s.similarities(query, 9500))).toEqual([...plainScan(Float64Array.from(query), all, dims, 9000), ...new Array(500).fill(0)]);
    });
  }
});
