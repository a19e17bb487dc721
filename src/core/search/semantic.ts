import { VectorScan } from './dot-scan.js';
import { heapPush, heapReplaceTop } from './min-heap.js';
import { QUERY_STEPS, QuantizedVectors } from './quantized-scan.js';

/** A document's index terms with their (title-weighted) counts. */
export type TermCounts = Map<string, number>;

export interface SemanticOptions {
  /** Dimensions of the latent space. */
  dims: number;
  /** The projection is fitted on at most this many papers; the others are folded in. */
  sampleSize: number;
}

/** What fitting reads from the index: its terms and, per term, the papers using it. */
export interface CorpusTerms {
  /** Papers in the corpus. */
  size: number;
  /** Upper bound of short document ids. */
  capacity: number;
  /** Index terms are ids 0 .. vocabularySize-1. */
  vocabularySize: number;
  name(term: number): string;
  documentFrequency(term: number): number;
  /** At least as many as writeDocs writes for the term. */
  maxDocs(term: number): number;
  /** Writes the papers using the term, with its (title-weighted) count there, into docs/counts from `at`; returns the new end. */
  writeDocs(term: number, docs: Int32Array, counts: Int32Array, at: number): number;
}

/** What a fit needs from the corpus, as flat arrays (a worker can take them): the kept terms' postings. */
export interface FitInput {
  dims: number;
  sampleSize: number;
  /** Papers in the corpus, and the upper bound of short document ids. */
  size: number;
  capacity: number;
  /** Terms kept for the space, in the corpus's order, with their document frequency. */
  terms: string[];
  df: Int32Array;
  /** Term i's papers are docs[offsets[i] .. offsets[i+1]), with their (title-weighted) counts. */
  offsets: Int32Array;
  docs: Int32Array;
  counts: Int32Array;
}

/** A fitted space as plain arrays: what a worker returns and a snapshot keeps. */
export interface FittedSpace {
  dims: number;
  /** Corpus size the space was fitted on. */
  fittedOn: number;
  terms: string[];
  idf: Float32Array<ArrayBufferLike>;
  termVectors: Float32Array<ArrayBufferLike>;
  termUnits: Float32Array<ArrayBufferLike>;
  docVectors: Float32Array<ArrayBufferLike>;
}

/**
 * The postings a fit reads: terms in at least two papers and at most half of them (words in one
 * paper link nothing; words in most papers carry no topic) that at least two sampled papers use.
 */
export function fitInput(corpus: CorpusTerms, options: SemanticOptions): FitInput {
  const n = corpus.size;
  const stride = sampleStride(corpus.capacity, options.sampleSize);
  const terms: string[] = [];
  const df: number[] = [];
  const offsets: number[] = [0];
  // Room for the postings of every term that may be kept, taken at once: grown step by step (and
  // cut to size after), these arrays cost more fresh memory than the fit reads (at 100k papers
  // over 300 MB for 80 MB of postings).
  // Terms in two papers or more, and in no more than half of them.
  const kept = (termDf: number) => termDf >= 2 && termDf <= n * 0.5;
  let room = 0;
  for (let t = 0; t < corpus.vocabularySize; t++) if (kept(corpus.documentFrequency(t))) room += corpus.maxDocs(t);
  const docs = new Int32Array(room);
  const counts = new Int32Array(room);
  let length = 0;
  for (let t = 0; t < corpus.vocabularySize; t++) {
    const termDf = corpus.documentFrequency(t);
    if (!kept(termDf)) continue;
    const start = length;
    length = corpus.writeDocs(t, docs, counts, length);
    let sampled = 0;
    for (let i = start; i < length && sampled < 2; i++) if (docs[i]! % stride === 0) sampled++;
    if (sampled < 2) {
      length = start;
      continue;
    }
    terms.push(corpus.name(t));
    df.push(termDf);
    offsets.push(length);
  }
  return {
    dims: options.dims, sampleSize: options.sampleSize, size: n, capacity: corpus.capacity, terms,
    df: Int32Array.from(df), offsets: Int32Array.from(offsets), docs: docs.subarray(0, length), counts: counts.subarray(0, length),
  };
}

const sampleStride = (capacity: number, sampleSize: number) => Math.max(1, Math.ceil(capacity / sampleSize));

/**
 * The fit itself, from flat arrays only (so a worker thread can run it): the projection is fitted
 * with a randomized range finder on an evenly spread sample of papers, then every paper gets its
 * vector by projecting its tf-idf terms.
 */
export function computeFit(input: FitInput): FittedSpace {
  const { dims, size: n, capacity, terms, df, offsets, docs, counts } = input;
  const stride = sampleStride(capacity, input.sampleSize);
  // Sample columns, built term by term: per sampled doc, its term ids and weights.
  const columns = new Map<number, { index: number[]; value: number[] }>();
  const idfs: number[] = [];
  for (let t = 0; t < terms.length; t++) {
    const weight = Math.log(n / df[t]!);
    idfs.push(weight);
    for (let e = offsets[t]!; e < offsets[t + 1]!; e++) {
      const doc = docs[e]!;
      if (doc % stride !== 0) continue;
      let column = columns.get(doc);
      if (!column) columns.set(doc, (column = { index: [], value: [] }));
      column.index.push(t);
      column.value.push((1 + Math.log(counts[e]!)) * weight);
    }
  }
  const idf = Float32Array.from(idfs);
  const unit = [...columns.values()].map(({ index, value }) => {
    const norm = Math.sqrt(value.reduce((a, v) => a + v * v, 0));
    return { index: Int32Array.from(index), value: Float32Array.from(value, (v) => v / norm) };
  });
  const rank = Math.min(dims, unit.length, idf.length);
  const basis = rank > 0 ? termBasis(unit, idf.length, rank, dims) : { vectors: new Float32Array(0), sigma: new Float32Array(dims) };
  const termVectors = basis.vectors;
  const termUnits = new Float32Array(basis.vectors.length);
  for (let t = 0; t < idf.length; t++) {
    const v = termUnits.subarray(t * dims, (t + 1) * dims);
    for (let k = 0; k < dims; k++) v[k] = basis.vectors[t * dims + k]! * basis.sigma[k]!;
    normalize(v);
  }
  const docVectors = new Float32Array(capacity * dims);
  if (termVectors.length > 0) projectPostings(input, idf, termVectors, dims, docVectors);
  for (let doc = 0; doc < capacity; doc++) normalize(docVectors.subarray(doc * dims, (doc + 1) * dims));
  return { dims, fittedOn: Math.max(1, n), terms, idf, termVectors, termUnits, docVectors };
}

/** Documents whose vectors projectPostings sums at once: their 48-float rows (192 KB) stay in cache. */
const DOCS_PER_BLOCK = 1024;

/**
 * Adds each posting's tf-idf weight times its term's vector (terms x dims) to its document's
 * vector, in docVectors (capacity x dims). Each document's sum is taken in term order, as a plain pass over
 * the terms would, so the float32 roundings are the same; but a block of documents at a time, so
 * the rows being summed stay in cache (a pass per term sweeps all the rows: at 100k papers the
 * memory, not the arithmetic, was most of the fit). A term's postings are read as runs of
 * ascending documents (writeDocsOf writes two: title, then abstract only), a cursor per run.
 */
export function projectPostings(input: Pick<FitInput, 'offsets' | 'docs' | 'counts'>, idf: Float32Array, termVectors: Float32Array, dims: number, docVectors: Float32Array): void {
  const { offsets, docs, counts } = input;
  const runTerms: number[] = [];
  const runStarts: number[] = [];
  for (let t = 0; t + 1 < offsets.length; t++) {
    for (let e = offsets[t]!; e < offsets[t + 1]!; e++) {
      if (e === offsets[t] || docs[e]! < docs[e - 1]!) {
        runTerms.push(t);
        runStarts.push(e);
      }
    }
  }
  const runs = runStarts.length;
  const cursor = Int32Array.from(runStarts);
  const ends = Int32Array.from(runStarts, (_, r) => (r + 1 < runs && runTerms[r + 1] === runTerms[r] ? runStarts[r + 1]! : offsets[runTerms[r]! + 1]!));
  const capacity = docVectors.length / dims;
  for (let from = 0; from < capacity; from += DOCS_PER_BLOCK) {
    const to = from + DOCS_PER_BLOCK;
    for (let r = 0; r < runs; r++) {
      let e = cursor[r]!;
      const end = ends[r]!;
      if (e >= end || docs[e]! >= to) continue;
      const t = runTerms[r]!;
      const base = t * dims;
      const weight = idf[t]!;
      for (; e < end && docs[e]! < to; e++) {
        const w = (1 + Math.log(counts[e]!)) * weight;
        const at = docs[e]! * dims;
        for (let k = 0; k < dims; k++) docVectors[at + k] = docVectors[at + k]! + w * termVectors[base + k]!;
      }
      cursor[r] = e;
    }
  }
}

/**
 * Latent semantic analysis: a truncated SVD of the corpus's tf-idf term-document matrix, so
 * papers that share a topic but not the words ("compilers" vs "tensor program optimizers") land
 * near each other. The projection is fitted with a randomized range finder on an evenly spread
 * sample of at most `sampleSize` papers (cost O(nnz * dims) per pass); every paper, sampled or
 * not, then gets its vector by projecting its tf-idf terms, in one pass over the postings.
 */
export class SemanticSpace {
  private termIndex = new Map<string, number>();
  private termNames: string[] = [];
  /** Term t's unit vector scaled by the singular values (the geometry of term-term similarity), at t*dims. */
  private termUnits: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private idf: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Term t's latent vector is termVectors[t*dims .. (t+1)*dims). */
  private termVectors: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Unit-length latent vector per short document id (all zero when unknown). */
  private docVectors: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private fittedOn = 0;
  /** termTails()'s lengths, until the next install. */
  private tails: Float32Array | undefined;
  private scratch = new Float32Array(0);
  private scan: VectorScan | null | undefined;
  /**
   * The document vectors rounded for nearest()'s first pass: rows below `roundedRows` are
   * current; the rest are rounded a slice at a time after an install, or all at once when
   * nearest() needs them first.
   */
  private quantized: QuantizedVectors | null | undefined;
  private roundedRows = 0;
  private rounding: ReturnType<typeof setImmediate> | undefined;
  /** nearest()'s documents that may qualify, reused. */
  private maybe: number[] = [];
  private maybeUppers: number[] = [];
  private maybeOrder: number[] = [];
  private topEstimates = new Float64Array(0);

  constructor(readonly options: SemanticOptions) {}

  get dims(): number {
    return this.options.dims;
  }

  get fitted(): boolean {
    return this.fittedOn > 0;
  }

  /** True before the first fit and whenever the corpus has doubled since the last one. */
  wantsRefit(corpusSize: number): boolean {
    return corpusSize > 0 && corpusSize >= 2 * this.fittedOn;
  }

  /** Fits the space on the whole corpus, here and now (see fitInput/computeFit for the parts a worker can run). */
  fit(corpus: CorpusTerms): void {
    this.install(computeFit(fitInput(corpus, this.options)));
  }

  /** Takes in a fit computed elsewhere (a worker, a snapshot). */
  install(fit: FittedSpace): void {
    if (fit.dims !== this.dims) throw new Error(`SemanticSpace: a fit of ${fit.dims} dimensions does not fit a space of ${this.dims}`);
    this.termNames = fit.terms;
    this.termIndex = new Map(fit.terms.map((term, t) => [term, t]));
    this.idf = fit.idf;
    this.termVectors = fit.termVectors;
    this.termUnits = fit.termUnits;
    this.tails = undefined;
    this.docVectors = this.inScanMemory(fit.docVectors);
    this.quantized = undefined;
    this.roundedRows = 0;
    this.roundInSlices();
    this.fittedOn = fit.fittedOn;
  }

  /** The fitted space as plain arrays (document vectors up to `capacity`), for a snapshot. */
  exportFit(capacity: number): FittedSpace {
    const docVectors = new Float32Array(capacity * this.dims);
    docVectors.set(this.docVectors.subarray(0, Math.min(this.docVectors.length, docVectors.length)));
    return { dims: this.dims, fittedOn: this.fittedOn, terms: this.termNames, idf: this.idf, termVectors: this.termVectors, termUnits: this.termUnits, docVectors };
  }

  /** Cosine of two terms in the latent space, or undefined when either is not in it (too rare or too common). */
  termSimilarity(a: string, b: string): number | undefined {
    const x = this.termIndex.get(a);
    const y = this.termIndex.get(b);
    return x === undefined || y === undefined || !this.hasUnit(x) || !this.hasUnit(y) ? undefined : this.unitDot(x, y);
  }

  /** The `count` accepted terms used most like `term` (cosine in the latent space at least `minSimilarity`), closest first. */
  relatedTerms(term: string, count: number, minSimilarity: number, accept: (term: string) => boolean = () => true): [string, number][] {
    const t = this.termIndex.get(term);
    if (t === undefined || count <= 0 || !this.hasUnit(t)) return [];
    const best: [string, number][] = [];
    // Most terms are far from any given one: the leading dimensions and the length of the rest
    // bound the cosine from above, and only terms that may reach minSimilarity get the full sum.
    const dims = this.dims;
    const lead = Math.min(TERM_LEAD_DIMS, dims);
    const units = this.termUnits;
    const tails = this.termTails();
    const q = Float64Array.from(units.subarray(t * dims, (t + 1) * dims));
    let qTail = 0;
    for (let k = lead; k < dims; k++) qTail += q[k]! * q[k]!;
    qTail = Math.sqrt(qTail);
    const floor = minSimilarity - BOUND_SLACK;
    const withUnits = Math.min(this.termNames.length, tails.length);
    for (let u = 0, base = 0; u < withUnits; u++, base += dims) {
      let partial = 0;
      for (let k = 0; k < lead; k++) partial += q[k]! * units[base + k]!;
      if (partial + qTail * tails[u]! < floor) continue;
      const similarity = this.unitDot(t, u);
      if (u !== t && similarity >= minSimilarity && accept(this.termNames[u]!)) best.push([this.termNames[u]!, similarity]);
    }
    return best.sort((x, y) => y[1] - x[1]).slice(0, count);
  }

  /** Per term, the length of its unit vector past the first TERM_LEAD_DIMS dimensions (built on first use after a fit). */
  private termTails(): Float32Array {
    if (this.tails) return this.tails;
    const dims = this.dims;
    const lead = Math.min(TERM_LEAD_DIMS, dims);
    const count = Math.floor(this.termUnits.length / dims);
    const tails = new Float32Array(count);
    for (let u = 0; u < count; u++) {
      let sum = 0;
      for (let k = lead; k < dims; k++) sum += this.termUnits[u * dims + k]! ** 2;
      tails[u] = Math.sqrt(sum);
    }
    return (this.tails = tails);
  }

  private hasUnit(t: number): boolean {
    return this.termUnits.length >= (t + 1) * this.dims;
  }

  /** Dot product of two terms' unit vectors: their cosine. */
  private unitDot(x: number, y: number): number {
    const dims = this.dims;
    const units = this.termUnits;
    let dot = 0;
    for (let k = 0; k < dims; k++) dot += units[x * dims + k]! * units[y * dims + k]!;
    return dot;
  }

  /** The unit latent vector of a text's terms, or undefined if none of them is known. */
  project(terms: TermCounts): Float32Array | undefined {
    const { index, value } = this.weigh(terms);
    if (index.length === 0 || this.termVectors.length === 0) return undefined;
    const dims = this.dims;
    const out = new Float32Array(dims);
    for (let i = 0; i < index.length; i++) {
      const base = index[i]! * dims;
      const w = value[i]!;
      for (let k = 0; k < dims; k++) out[k] = out[k]! + w * this.termVectors[base + k]!;
    }
    return normalize(out) ? out : undefined;
  }

  setDoc(doc: number, terms: TermCounts): void {
    const dims = this.dims;
    if (this.docVectors.length < (doc + 1) * dims) {
      const length = Math.max((doc + 1) * dims, this.docVectors.length * 2);
      const scan = this.scanner();
      if (scan) {
        // Growing the scan's memory detaches the old view; the vectors stay where they were.
        const old = this.docVectors.length;
        this.docVectors = scan.reserve(length / dims).subarray(0, length);
        this.docVectors.fill(0, old);
      } else {
        const grown = new Float32Array(length);
        grown.set(this.docVectors);
        this.docVectors = grown;
      }
    }
    const v = this.project(terms);
    if (v) this.docVectors.set(v, doc * dims);
    else this.docVectors.fill(0, doc * dims, (doc + 1) * dims);
    if (this.quantized && doc < this.roundedRows) this.quantized.setRows(this.docVectors.subarray(doc * dims, (doc + 1) * dims), doc, 1);
  }

  /** Whether docVector(doc) gives a vector, without making the view. */
  hasVector(doc: number): boolean {
    const dims = this.dims;
    if ((doc + 1) * dims > this.docVectors.length) return false;
    const v = this.docVectors;
    for (let k = doc * dims; k < (doc + 1) * dims; k++) if (v[k] !== 0) return true;
    return false;
  }

  /** docVector(doc) dotted with `unit`, summed in index order as a loop over the view would, read in place. */
  dotDoc(doc: number, unit: Float32Array): number {
    const dims = this.dims;
    const v = this.docVectors;
    const base = doc * dims;
    let dot = 0;
    for (let k = 0; k < dims; k++) dot += v[base + k]! * unit[k]!;
    return dot;
  }

  /** The document's unit vector (a view), or undefined when it has none. */
  docVector(doc: number): Float32Array | undefined {
    const dims = this.dims;
    if ((doc + 1) * dims > this.docVectors.length) return undefined;
    const v = this.docVectors.subarray(doc * dims, (doc + 1) * dims);
    return v[0] === 0 && v.every((x) => x === 0) ? undefined : v;
  }

  /**
   * Cosine of `query` (unit) with every document, by short id (0 where unknown). The array is
   * reused by the next call: on a large corpus a fresh one per query only feeds the GC.
   */
  similarities(query: Float32Array, capacity: number): Float32Array {
    const dims = this.dims;
    if (this.scratch.length !== capacity) this.scratch = new Float32Array(capacity);
    const out = this.scratch;
    const docs = Math.min(capacity, this.docVectors.length / dims);
    const v = this.docVectors;
    const q = Float64Array.from(query);
    const scan = this.scanner();
    if (scan && docs > 0) {
      out.set(scan.scan(q, docs));
      return out;
    }
    for (let d = 0, base = 0; d < docs; d++, base += dims) out[d] = dotAt(v, base, q, dims);
    return out;
  }

  /** similarities()'s value for one document, worked out alone (the same sums, in the same order). */
  similarity(doc: number, query: Float64Array): number {
    const dims = this.dims;
    if ((doc + 1) * dims > this.docVectors.length) return 0;
    return Math.fround(dotAt(this.docVectors, doc * dims, query, dims));
  }

  /**
   * The largest similarity of `query` (unit) with any document below `capacity` (0 when none is
   * positive), and the `count` documents not in the `skip` lists with the highest positive
   * similarity, best first (ties by id), with their similarities: what similarities() and a pass
   * over it give. The rounded vectors' scan finds the few documents whose similarity may reach
   * either; only those are worked out exactly.
   */
  nearest(query: Float32Array, count: number, skip: ArrayLike<number>[], capacity: number): Nearest {
    const rounded = this.quantizedVectors();
    const docs = Math.min(capacity, this.docVectors.length / this.dims);
    if (!rounded || docs === 0 || count <= 0) return nearestOf(this.similarities(query, capacity), count, this.marksOf(skip, capacity));
    const q = Float64Array.from(query);
    const bound = rounded.setQuery(q);
    if (!bound) return nearestOf(this.similarities(query, capacity), count, this.marksOf(skip, capacity));
    const marks = rounded.marks();
    for (const list of skip) for (let i = 0; i < list.length; i++) marks[list[i]!] = 0xff;
    try {
      return this.nearestRounded(rounded, q, bound.slack, count, marks, docs);
    } finally {
      for (const list of skip) for (let i = 0; i < list.length; i++) marks[list[i]!] = 0;
    }
  }

  private marksOf(lists: ArrayLike<number>[], capacity: number): Uint8Array {
    const marks = new Uint8Array(capacity);
    for (const list of lists) for (let i = 0; i < list.length; i++) marks[list[i]!] = 1;
    return marks;
  }

  private nearestRounded(rounded: QuantizedVectors, q: Float64Array, slack: number, count: number, marks: Uint8Array, docs: number): Nearest {
    const errors = rounded.errors();
    const scales = rounded.scales();
    // Per document, estimate -/+ its margin bounds its similarity (in the estimate's units): the
    // largest lower bound, and the count-th largest of an unmarked document that may be positive,
    // are what a document's upper bound must reach to matter. Those of the documents read so far
    // are at most these, and only documents reaching them are kept.
    const heap = this.topEstimates.length >= count ? this.topEstimates : (this.topEstimates = new Float64Array(count));
    let size = 0;
    let largest = -Infinity;
    const limits = { marked: 0, open: 0 };
    const ids = this.maybe;
    const uppers = this.maybeUppers;
    ids.length = uppers.length = 0;
    rounded.above(docs, limits, (doc, dot) => {
      const estimate = dot * scales[doc]!;
      const margin = errors[doc]! + slack;
      const lower = estimate - margin;
      if (lower > largest) largest = lower;
      if (!marks[doc] && estimate + margin > 0) {
        if (size < count) heapPush(heap, size++, lower);
        else if (lower > heap[0]!) heapReplaceTop(heap, size, lower);
      }
      // Documents whose similarity cannot be positive matter to neither.
      limits.marked = Math.max(limits.marked, largest);
      if (size === count) limits.open = Math.max(limits.open, Math.min(largest, heap[0]!));
      ids.push(doc);
      uppers.push(estimate + margin);
    });
    const open = size === count ? heap[0]! : -Infinity;
    // The documents that may matter, by upper bound, highest first: once no later one can raise
    // the largest similarity or enter the nearest, the rest are not worked out.
    const order = this.maybeOrder;
    order.length = 0;
    for (let i = 0; i < ids.length; i++) if (uppers[i]! > 0 && (uppers[i]! >= largest || (!marks[ids[i]!] && uppers[i]! >= open))) order.push(i);
    order.sort((a, b) => uppers[b]! - uppers[a]! || a - b);
    const best: number[] = [];
    const sims: number[] = [];
    let max = 0;
    for (const i of order) {
      const upper = uppers[i]!;
      const full = best.length === count;
      const least = full ? sims[count - 1]! : 0;
      if (upper / QUERY_STEPS <= max && (full ? upper / QUERY_STEPS < least : upper <= 0)) break;
      const doc = ids[i]!;
      const s = this.similarity(doc, q);
      if (s > max) max = s;
      if (marks[doc] || !(s > 0) || (full && (s < least || (s === least && doc > best[count - 1]!)))) continue;
      let at = best.length;
      while (at > 0 && (sims[at - 1]! < s || (sims[at - 1] === s && best[at - 1]! > doc))) at--;
      best.splice(at, 0, doc);
      sims.splice(at, 0, s);
      if (best.length > count) {
        best.pop();
        sims.pop();
      }
    }
    return { docs: best, sims, max };
  }

  /** The rounded vectors with every row current (rounding what is left now), or null where they cannot be made. */
  private quantizedVectors(): QuantizedVectors | null {
    this.roundRows(Infinity);
    return this.quantized ?? null;
  }

  /** Rounds up to `count` more rows; false when none is left. */
  private roundRows(count: number): boolean {
    if (this.quantized === undefined) {
      this.quantized = QuantizedVectors.create(this.dims);
      this.quantized?.reserve(this.docVectors.length / this.dims);
    }
    const rows = this.docVectors.length / this.dims;
    if (!this.quantized || this.roundedRows >= rows) return false;
    const from = this.roundedRows;
    const to = Math.min(rows, from + count);
    this.quantized.setRows(this.docVectors.subarray(from * this.dims, to * this.dims), from, to - from);
    this.roundedRows = to;
    return to < rows;
  }

  /** Rounds the rows a slice per turn of the event loop, so the first query finds them ready without a pause anywhere. */
  private roundInSlices(): void {
    if (this.rounding) clearImmediate(this.rounding);
    const step = () => {
      this.rounding = this.roundRows(ROWS_PER_SLICE) ? setImmediate(step).unref() : undefined;
    };
    this.rounding = setImmediate(step).unref();
  }

  /** The WebAssembly scan (dot-scan.ts), or null where it cannot run; tried once. */
  private scanner(): VectorScan | null {
    if (this.scan === undefined) this.scan = VectorScan.create(this.dims);
    return this.scan;
  }

  /** The vectors copied into the scan's memory, where it reads them in place (as they are without a scan). */
  private inScanMemory(vectors: Float32Array<ArrayBufferLike>): Float32Array<ArrayBufferLike> {
    const scan = this.scanner();
    if (!scan || vectors.length === 0) return vectors;
    const view = scan.reserve(Math.ceil(vectors.length / this.dims)).subarray(0, vectors.length);
    view.set(vectors);
    return view;
  }

  /** Sparse unit tf-idf column of a document over the fitted vocabulary. */
  private weigh(terms: TermCounts): { index: Int32Array; value: Float32Array } {
    const index: number[] = [];
    const value: number[] = [];
    let norm = 0;
    for (const [term, count] of terms) {
      const t = this.termIndex.get(term);
      if (t === undefined) continue;
      const w = (1 + Math.log(count)) * this.idf[t]!;
      index.push(t);
      value.push(w);
      norm += w * w;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { index: Int32Array.from(index), value: Float32Array.from(value, (w) => w * scale) };
  }
}

/** Rows rounded per turn of the event loop after an install (a few milliseconds). */
const ROWS_PER_SLICE = 8192;

/** nearest()'s answer. */
export interface Nearest {
  docs: number[];
  sims: number[];
  max: number;
}

/**
 * The dot of the vector at vectors[base..base+dims) with `query`, in four running sums (coordinate
 * k to sum k mod 4, added in order): the arithmetic the WebAssembly scan repeats (dot-scan.ts), bit for bit.
 */
export function dotAt(vectors: Float32Array, base: number, query: ArrayLike<number>, dims: number): number {
  const tail = dims - (dims % 4);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let k = 0; k < tail; k += 4) {
    s0 += query[k]! * vectors[base + k]!;
    s1 += query[k + 1]! * vectors[base + k + 1]!;
    s2 += query[k + 2]! * vectors[base + k + 2]!;
    s3 += query[k + 3]! * vectors[base + k + 3]!;
  }
  for (let k = tail; k < dims; k++) s0 += query[k]! * vectors[base + k]!;
  return s0 + s1 + s2 + s3;
}

/** nearest() from the similarities of every document (exported as the tests' reference). */
export function nearestOf(sims: Float32Array, count: number, skip: Uint8Array): Nearest {
  const docs: number[] = [];
  let floor = 0;
  let max = 0;
  for (let doc = 0; doc < sims.length; doc++) {
    const s = sims[doc]!;
    if (s > max) max = s;
    if (s <= floor || skip[doc]) continue;
    let at = docs.length;
    while (at > 0 && sims[docs[at - 1]!]! < s) at--;
    docs.splice(at, 0, doc);
    if (docs.length > count) docs.pop();
    if (docs.length === count) floor = sims[docs[count - 1]!]!;
  }
  return { docs, sims: docs.map((d) => sims[d]!), max };
}

/** relatedTerms() sums these leading dimensions first; past them, the rest's length bounds the cosine. */
const TERM_LEAD_DIMS = 24;
/**
 * Room for rounding in a bound: the bound and the full sum round differently (float32 inputs,
 * float64 sums of at most a few hundred terms), by far less than this.
 */
const BOUND_SLACK = 1e-5;

/** Power iterations sharpen the range finder when singular values decay slowly, as they do for text. */
const POWER_ITERATIONS = 2;

interface Column {
  index: Int32Array;
  value: Float32Array;
}

/**
 * The leading left singular vectors of the term-document matrix A (terms x columns), so that a
 * document's projection U^T d gives its latent coordinates: a randomized range finder on A^T with
 * power iterations, then an exact eigendecomposition of the small projected Gram matrix.
 * Returns terms x `stride` floats (dimensions past `rank` left zero) and the singular values.
 */
function termBasis(columns: Column[], terms: number, rank: number, stride: number): { vectors: Float32Array; sigma: Float32Array } {
  const docs = columns.length;
  const width = Math.min(docs, rank + 8);
  // Compressed sparse columns: one flat array each for term ids and weights.
  const offsets = new Int32Array(docs + 1);
  columns.forEach((c, d) => (offsets[d + 1] = offsets[d]! + c.index.length));
  const termOf = new Int32Array(offsets[docs]!);
  const weightOf = new Float64Array(offsets[docs]!);
  columns.forEach((c, d) => {
    termOf.set(c.index, offsets[d]!);
    weightOf.set(c.value, offsets[d]!);
  });
  /** A x for x: docs x width; gives terms x width. */
  const timesA = (x: Float64Array): Float64Array => {
    const out = new Float64Array(terms * width);
    for (let d = 0; d < docs; d++) {
      const xBase = d * width;
      for (let e = offsets[d]!; e < offsets[d + 1]!; e++) {
        const base = termOf[e]! * width;
        const w = weightOf[e]!;
        for (let k = 0; k < width; k++) out[base + k] = out[base + k]! + w * x[xBase + k]!;
      }
    }
    return out;
  };
  /** A^T y for y: terms x width; gives docs x width. */
  const timesAT = (y: Float64Array): Float64Array => {
    const out = new Float64Array(docs * width);
    for (let d = 0; d < docs; d++) {
      const outBase = d * width;
      for (let e = offsets[d]!; e < offsets[d + 1]!; e++) {
        const base = termOf[e]! * width;
        const w = weightOf[e]!;
        for (let k = 0; k < width; k++) out[outBase + k] = out[outBase + k]! + w * y[base + k]!;
      }
    }
    return out;
  };
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  let q: Float64Array = Float64Array.from({ length: docs * width }, random);
  orthonormalize(q, docs, width);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    q = timesAT(timesA(q));
    orthonormalize(q, docs, width);
  }
  const b = timesA(q); // A Q
  // B^T B = Q^T (A^T B), cheaper on the document side as there are fewer documents than terms.
  const z = timesAT(b);
  const gram = new Float64Array(width * width);
  for (let d = 0; d < docs; d++) {
    const base = d * width;
    for (let i = 0; i < width; i++) {
      const qi = q[base + i]!;
      for (let j = 0; j < width; j++) gram[i * width + j] = gram[i * width + j]! + qi * z[base + j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i] = (gram[i * width + j]! + gram[j * width + i]!) / 2;
  const { values, vectors } = symmetricEigen(gram, width);
  const order = [...values.keys()].sort((x, y) => values[y]! - values[x]!).slice(0, rank);
  // U_k = A Q W_k / sigma_k
  const project = new Float64Array(width * rank);
  const sigmas = new Float32Array(stride);
  order.forEach((e, k) => {
    const sigma = Math.sqrt(Math.max(values[e]!, 0));
    sigmas[k] = sigma;
    if (sigma > 1e-9) for (let i = 0; i < width; i++) project[i * rank + k] = vectors[i * width + e]! / sigma;
  });
  const out = new Float32Array(terms * stride);
  for (let t = 0; t < terms; t++) {
    for (let i = 0; i < width; i++) {
      const bi = b[t * width + i]!;
      if (bi === 0) continue;
      for (let k = 0; k < rank; k++) out[t * stride + k] = out[t * stride + k]! + bi * project[i * rank + k]!;
    }
  }
  return { vectors: out, sigma: sigmas };
}

/** Modified Gram-Schmidt on the columns of a rows x cols row-major matrix. */
function orthonormalize(m: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * cols + j]! * m[r * cols + p]!;
      for (let r = 0; r < rows; r++) m[r * cols + j] = m[r * cols + j]! - dot * m[r * cols + p]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * cols + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) m[r * cols + j] = norm > 1e-12 ? m[r * cols + j]! / norm : 0;
  }
}

/** Cyclic Jacobi eigendecomposition of a small symmetric matrix; eigenvectors are columns. */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! ** 2;
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off <= 1e-20 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let r = p + 1; r < n; r++) {
        const apr = a[p * n + r]!;
        if (Math.abs(apr) < 1e-15) continue;
        const theta = (a[r * n + r]! - a[p * n + p]!) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akr = a[k * n + r]!;
          a[k * n + p] = c * akp - s * akr;
          a[k * n + r] = s * akp + c * akr;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const ark = a[r * n + k]!;
          a[p * n + k] = c * apk - s * ark;
          a[r * n + k] = s * apk + c * ark;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkr = v[k * n + r]!;
          v[k * n + p] = c * vkp - s * vkr;
          v[k * n + r] = s * vkp + c * vkr;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

function normalize(v: Float32Array): boolean {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm <= 1e-20) return false;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
  return true;
}
