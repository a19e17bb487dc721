/**
 * Document vectors rounded to int8 (one scale per document) in WebAssembly memory, with a SIMD scan
 * of their dot products with a query rounded to int16: a quarter of the float32 vectors' bytes and
 * a fraction of the float64 scan's work. The products are exact integers; with the rounding errors
 * of both sides (bounded by their lengths) they tell which documents may be the nearest, and only
 * those need the exact dot product.
 */
import { countScanMemory, modulesByDims, name, section, sleb, uleb, vec } from './dot-scan.js';

const PAGE = 65536;
/** Query coordinates (at most 1: the query is a unit vector) are rounded to multiples of 1 / QUERY_STEPS (int16). */
export const QUERY_STEPS = 32767;
const DOC_STEPS = 127;
/** Groups of four documents per call of the module's scan (its output holds this many), and in the first call. */
const CHUNK = 2048;
const FIRST_CHUNK = 16;
/** Bytes per group the scan reports: its four dot products, first document and bitmask. */
const ENTRY = 32;
/** Room, in estimate units, for the scan's float32 rounding (far more than it can be). */
const FLOAT32_ROOM = 0.05;

/**
 * above(rows, groups, query, scales, errors, marks, marked, open, out): for `groups` groups of four
 * documents from `rows`, each document's upper bound is the int32 dot of its row (dims int8) with
 * the query (dims int16), times its float32 scale, plus its float32 error, in float32. A group where
 * some document's bound reaches `marked` (its byte in `marks` is 0xff) or `open` (0) is reported at
 * `out`: its four dots, its first document (counted from 0) and which reached it (bits). Returns how
 * many groups were reported.
 */
function moduleBytes(dims: number): Uint8Array<ArrayBuffer> {
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const memarg = (align: number, offset: number) => [align, ...uleb(offset)];
  const load = (offset: number) => [...simd(0x00), ...memarg(0, offset)];
  const zero = [...simd(0x0c), ...new Array(16).fill(0)];
  const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
  const [get, set, tee, i32Const, i32Add, i32Sub, i32Shl] = [0x20, 0x21, 0x22, 0x41, 0x6a, 0x6b, 0x74];
  const [extendLow, extendHigh, dot, add] = [simd(0x87), simd(0x88), simd(0xba), simd(0xae)];
  const chunks = dims / 16;
  // params 0 rows, 1 groups, 2 query, 3 scales, 4 errors, 5 marks, 6 marked (f32), 7 open (f32), 8 out
  const [rows, groups, query, scales, errors, marks, marked, open, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // v128 locals: 9-12 acc, 13 row part, 14 sums, 15 reached, 16 marked, 17 open, 18.. the query's int16x8 parts; then found, doc (i32)
  const [acc, part, sums, reached, markedV, openV, q0] = [9, 13, 14, 15, 16, 17, 18];
  const found = q0 + 2 * chunks;
  const doc = found + 1;
  const advance = (local: number, bytes: number) => [get, local, i32Const, ...sleb(bytes), i32Add, set, local];
  const body: number[] = [];
  for (let i = 0; i < 2 * chunks; i++) body.push(get, query, ...load(16 * i), set, q0 + i);
  body.push(get, marked, ...simd(0x13), set, markedV, get, open, ...simd(0x13), set, openV);
  body.push(0x02, 0x40, get, groups, 0x45, 0x0d, 0, 0x03, 0x40);
  for (let j = 0; j < 4; j++) {
    body.push(...zero, set, acc + j);
    for (let c = 0; c < chunks; c++) {
      body.push(get, rows, ...load(j * dims + 16 * c), set, part);
      body.push(get, acc + j, get, part, ...extendLow, get, q0 + 2 * c, ...dot, ...add, set, acc + j);
      body.push(get, acc + j, get, part, ...extendHigh, get, q0 + 2 * c + 1, ...dot, ...add, set, acc + j);
    }
  }
  // The four sums side by side: [a0+a2, a1+a3, b0+b2, b1+b3] and the same for c, d, then added across.
  const pairs = (x: number, y: number) => [get, x, get, y, ...shuffle([0, 1, 4, 5]), get, x, get, y, ...shuffle([2, 3, 6, 7]), ...add];
  body.push(...pairs(acc, acc + 1), set, part, ...pairs(acc + 2, acc + 3), set, sums);
  body.push(get, part, get, sums, ...shuffle([0, 2, 4, 6]), get, part, get, sums, ...shuffle([1, 3, 5, 7]), ...add, set, sums);
  // bound = f32(sum) * scale + error, against marked or open per the marks
  body.push(get, sums, ...simd(0xfa), get, scales, ...load(0), ...simd(0xe6), get, errors, ...load(0), ...simd(0xe4));
  body.push(get, markedV, get, openV, get, marks, ...simd(0x5c), ...memarg(0, 0), ...extendLow, ...simd(0xa7), ...simd(0x52));
  body.push(...simd(0x46), tee, reached, ...simd(0x53), 0x04, 0x40);
  body.push(get, out, get, found, i32Const, 5, i32Shl, i32Add, get, sums, ...simd(0x0b), ...memarg(0, 0));
  body.push(get, out, get, found, i32Const, 5, i32Shl, i32Add, get, doc, 0x36, ...memarg(2, 16));
  body.push(get, out, get, found, i32Const, 5, i32Shl, i32Add, get, reached, ...simd(0xa4), 0x36, ...memarg(2, 20));
  body.push(get, found, i32Const, 1, i32Add, set, found, 0x0b);
  body.push(...advance(rows, 4 * dims), ...advance(scales, 16), ...advance(errors, 16), ...advance(marks, 4), ...advance(doc, 4));
  body.push(get, groups, i32Const, 1, i32Sub, tee, groups, 0x0d, 0, 0x0b, 0x0b, get, found, 0x0b);
  const code = [...vec([[9 + 2 * chunks, 0x7b], [2, 0x7f]]), ...body];
  const params = [0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7d, 0x7d, 0x7f].map((t) => [t]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params), ...vec([[0x7f]])]])),
    ...section(3, vec([[0x00]])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(7, vec([[...name('above'), 0x00, 0x00], [...name('memory'), 0x02, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

const compiled = modulesByDims(moduleBytes, (dims) => dims % 16 === 0);

export class QuantizedVectors {
  private readonly memory: WebAssembly.Memory;
  private readonly run: (rows: number, groups: number, query: number, scales: number, errors: number, marks: number, marked: number, open: number, out: number) => number;
  private capacity = 0;
  /** The largest squared length of a rounded vector. */
  private maxLength = 0;

  /** Null where the module cannot run (dims not a multiple of 16, or no SIMD). */
  static create(dims: number): QuantizedVectors | null {
    const m = compiled(dims);
    return m ? new QuantizedVectors(dims, m) : null;
  }

  private constructor(readonly dims: number, module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {});
    this.memory = instance.exports.memory as WebAssembly.Memory;
    countScanMemory(this.memory);
    this.run = instance.exports.above as QuantizedVectors['run'];
  }

  /** Rounds `count` vectors (dims each, from `vectors`' start) into rows from, from + 1, ... */
  setRows(vectors: Float32Array<ArrayBufferLike>, from: number, count: number): void {
    if (from + count > this.capacity) this.reserve(Math.max(from + count, Math.ceil(this.capacity * 1.5)));
    this.round(vectors, from, count);
  }

  private round(vectors: Float32Array<ArrayBufferLike>, doc: number, count: number): void {
    const dims = this.dims;
    const rows = new Int8Array(this.memory.buffer, 0, this.capacity * dims);
    const scales = this.scales();
    const errors = this.errors();
    let maxLength = this.maxLength;
    for (let i = 0, base = 0; i < count; i++, doc++, base += dims) {
      const row = doc * dims;
      let largest = 0;
      for (let k = 0; k < dims; k++) {
        const x = vectors[base + k]!;
        if (x > largest) largest = x;
        else if (-x > largest) largest = -x;
      }
      const scale = Math.fround(largest / DOC_STEPS);
      const inverse = scale > 0 ? 1 / scale : 0;
      let error = 0;
      let length = 0;
      for (let k = 0; k < dims; k++) {
        const x = vectors[base + k]!;
        const t = x * inverse;
        let q = (t < 0 ? t - 0.5 : t + 0.5) | 0;
        if (q > DOC_STEPS) q = DOC_STEPS;
        else if (q < -DOC_STEPS) q = -DOC_STEPS;
        rows[row + k] = q;
        const y = q * scale;
        error += (x - y) * (x - y);
        length += y * y;
      }
      scales[doc] = scale;
      // In estimate units, for any query of length at most MAX_QUERY_LENGTH; rounded up.
      errors[doc] = Math.fround(Math.sqrt(error) * QUERY_STEPS * MAX_QUERY_LENGTH * (1 + 1e-6));
      if (length > maxLength) maxLength = length;
    }
    this.maxLength = maxLength;
  }

  /** Per document, the float32 scale of its row: a view, valid until the next set(). */
  scales(): Float32Array {
    return new Float32Array(this.memory.buffer, this.layout(this.capacity).scales, this.capacity);
  }

  /** Per document, how far an estimate may be from the real dot product (besides the query's slack), in estimate units: a view, valid until the next set(). */
  errors(): Float32Array {
    return new Float32Array(this.memory.buffer, this.layout(this.capacity).errors, this.capacity);
  }

  /** One byte per document for above()'s `marked` limit (0xff), left zeroed by callers: a view, valid until the next set(). */
  marks(): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.layout(this.capacity).marks, this.capacity);
  }

  /**
   * Rounds `query` into the module's memory for the scans that follow: an estimate (a document's
   * dot times its scale) over QUERY_STEPS is the real dot product within (its error + `slack`) /
   * QUERY_STEPS. Undefined for a query longer than MAX_QUERY_LENGTH.
   */
  setQuery(query: Float64Array): { slack: number } | undefined {
    const dims = this.dims;
    const q = new Int16Array(this.memory.buffer, this.layout(this.capacity).query, dims);
    let error = 0;
    let length = 0;
    for (let k = 0; k < dims; k++) {
      q[k] = Math.max(-QUERY_STEPS, Math.min(QUERY_STEPS, Math.round(query[k]! * QUERY_STEPS)));
      error += (query[k]! - q[k]! / QUERY_STEPS) ** 2;
      length += query[k]! ** 2;
    }
    if (!(Math.sqrt(length) <= MAX_QUERY_LENGTH)) return undefined;
    // |q.d - q'.d'| <= |q|.|d - d'| + |q - q'|.|d'|; the margins cover the rounding of these sums and of a float32 result.
    return { slack: (Math.sqrt(error) * Math.sqrt(this.maxLength) * (1 + 1e-6) + 1e-6) * QUERY_STEPS };
  }

  /**
   * Every document among the first `count` whose upper bound (estimate + error, without the
   * query's slack) may reach `limits.marked` (marked documents) or `limits.open` (the others), in
   * id order, with its dot: to `found`, which may raise the limits for later documents (read
   * again after each call of the scan: the first calls are short, as the limits rise fastest
   * then). Some others come too.
   */
  above(count: number, limits: { marked: number; open: number }, found: (doc: number, dot: number) => void): void {
    const { scales, errors, marks, query, out } = this.layout(this.capacity);
    const docs = Math.min(count, this.capacity);
    const groups = Math.ceil(docs / 4);
    const entries = new Int32Array(this.memory.buffer, out, (CHUNK * ENTRY) / 4);
    const room = (limit: number) => Math.fround(limit - FLOAT32_ROOM - 1e-6 * Math.abs(limit));
    for (let from = 0, visits = FIRST_CHUNK; from < groups; from += visits, visits = Math.min(CHUNK, visits * 2)) {
      visits = Math.min(visits, groups - from);
      const at = from * 4;
      const n = this.run(at * this.dims, visits, query, scales + at * 4, errors + at * 4, marks + at, room(limits.marked), room(limits.open), out);
      for (let e = 0; e < n; e++) {
        const base = (e * ENTRY) / 4;
        const first = at + entries[base + 4]!;
        const reached = entries[base + 5]!;
        for (let lane = 0; lane < 4; lane++) if (reached & (1 << lane) && first + lane < docs) found(first + lane, entries[base + lane]!);
      }
    }
  }

  /** Room for `docs` rows (set() makes more room as needed, half as much again each time). */
  reserve(docs: number): void {
    if (docs <= this.capacity) return;
    const old = this.capacity;
    const scales = this.scales().slice();
    const errors = this.errors().slice();
    // Whole groups of four rows; rows past the documents are zero, as are their scales and errors.
    const capacity = Math.ceil(docs / 4) * 4;
    const pages = Math.ceil(this.layout(capacity).end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    // Rows stay at the start; what followed the old rows is cleared, and the rest moves up.
    new Uint8Array(this.memory.buffer, old * this.dims).fill(0);
    this.capacity = capacity;
    this.scales().set(scales);
    this.errors().set(errors);
  }

  private layout(capacity: number): { scales: number; errors: number; marks: number; query: number; out: number; end: number } {
    const align = (n: number) => Math.ceil(n / 16) * 16;
    const scales = align(capacity * this.dims);
    const errors = align(scales + capacity * 4);
    const marks = align(errors + capacity * 4);
    const query = align(marks + capacity);
    const out = query + align(this.dims * 2);
    return { scales, errors, marks, query, out, end: out + CHUNK * ENTRY };
  }
}

/** Queries are unit vectors: their length, rounded, stays under this. */
const MAX_QUERY_LENGTH = 1 + 1e-5;
