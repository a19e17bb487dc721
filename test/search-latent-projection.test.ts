import { describe, expect, it } from 'vitest';
import { prng } from '../bench/lib/synthetic.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/paper-index.js';
import { fitInput, projectPostings, type CorpusTerms } from '../src/core/search/semantic.js';

/** The projection as one pass over the terms (computeFit's loop before blocking): the sums projectPostings must reproduce bit for bit. */
function termByTerm(offsets: Int32Array, docs: Int32Array, counts: Int32Array, idf: Float32Array, termVectors: Float32Array, dims: number, docVectors: Float32Array): void {
  for (let t = 0; t + 1 < offsets.length; t++) {
    for (let e = offsets[t]!; e < offsets[t + 1]!; e++) {
      const w = (1 + Math.log(counts[e]!)) * idf[t]!;
      for (let k = 0; k < dims; k++) docVectors[docs[e]! * dims + k] = docVectors[docs[e]! * dims + k]! + w * termVectors[t * dims + k]!;
    }
  }
}

describe('latent projection of the postings', () => {
  it('gives every document the sums a pass term by term gives, across blocks and with postings in several ascending runs', () => {
    const random = prng(5);
    const capacity = 5000;
    const dims = 8;
    const terms = 300;
    const offsets = [0];
    const docs: number[] = [];
    const counts: number[] = [];
    for (let t = 0; t < terms; t++) {
      // As writeDocsOf writes them: title papers ascending, then the other papers ascending (some terms with three runs, some with one).
      const runs = 1 + Math.floor(random() * 3);
      const taken = new Set<number>();
      for (let r = 0; r < runs; r++) {
        const run = [...new Set(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * capacity)))].filter((d) => !taken.has(d)).sort((a, b) => a - b);
        run.forEach((d) => (taken.add(d), docs.push(d), counts.push(1 + Math.floor(random() * 5))));
      }
      offsets.push(docs.length);
    }
    const idf = Float32Array.from({ length: terms }, () => 0.5 + random() * 4);
    const termVectors = Float32Array.from({ length: terms * dims }, () => random() * 2 - 1);
    const input = { offsets: Int32Array.from(offsets), docs: Int32Array.from(docs), counts: Int32Array.from(counts) };
    const expected = new Float32Array(capacity * dims);
    termByTerm(input.offsets, input.docs, input.counts, idf, termVectors, dims, expected);
    const actual = new Float32Array(capacity * dims);
    projectPostings(input, idf, termVectors, dims, actual);
    expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});

describe('latent fit input', () => {
  it('holds the postings of the terms kept, as gathering them term by term gives them', async () => {
    const seeds = (await loadCorpus('seeds')).papers;
    const index = new PaperIndex(seeds);
    const corpus = (index as unknown as { corpusTerms(): CorpusTerms }).corpusTerms();
    const options = { dims: 48, sampleSize: 300 };
    const input = fitInput(corpus, options);
    const stride = Math.ceil(corpus.capacity / options.sampleSize);
    const expected = { terms: [] as string[], df: [] as number[], offsets: [0], docs: [] as number[], counts: [] as number[] };
    for (let t = 0; t < corpus.vocabularySize; t++) {
      const df = corpus.documentFrequency(t);
      if (df < 2 || df > corpus.size / 2) continue;
      const docs = new Int32Array(corpus.maxDocs(t));
      const counts = new Int32Array(corpus.maxDocs(t));
      const n = corpus.writeDocs(t, docs, counts, 0);
      if ([...docs.subarray(0, n)].filter((d) => d % stride === 0).length < 2) continue;
      expected.terms.push(corpus.name(t));
      expected.df.push(df);
      expected.docs.push(...docs.subarray(0, n));
      expected.counts.push(...counts.subarray(0, n));
      expected.offsets.push(expected.docs.length);
    }
    expect(expected.terms.length).toBeGreaterThan(100);
    expect(input.terms).toEqual(expected.terms);
    expect([...input.df]).toEqual(expected.df);
    expect([...input.offsets]).toEqual(expected.offsets);
    expect([...input.docs]).toEqual(expected.docs);
    expect([...input.counts]).toEqual(expected.counts);
  });
});
