/**
 * The latent scan (a unit query against every document vector) as a small WebAssembly SIMD
 * function, with the same arithmetic as the plain loop it replaces, operation for operation: each
 * float32 coordinate widened to float64, multiplied by the query's float64 coordinate and added to
 * one of four running sums (coordinate k to sum k mod 4), the sums added in order s0+s1+s2+s3 and
 * the result rounded to float32. Two float64 lanes per instruction run two of the sums at once;
 * IEEE arithmetic makes each lane's result the one the plain loop computes.
 *
 * The document vectors live in the module's memory (`vectors`), so the scan reads them in place.
 */

/** Bytes of a WebAssembly page. */
const PAGE = 65536;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** scan(docs, count, query, out): out[d] = the rounded dot of query (dims float64) with doc d (dims float32), byte addresses. */
function moduleBytes(dims: number): Uint8Array<ArrayBuffer> {
  const SIMD = 0xfd;
  const op = {
    localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Const: 0x41, i32Add: 0x6a, i32Sub: 0x6b, i32Eqz: 0x45,
    block: 0x02, loop: 0x03, brIf: 0x0d, end: 0x0b, void: 0x40, f64Add: 0xa0, f32DemoteF64: 0xb6, f32Store: 0x38,
  };
  const v128Load = (offset: number) => [SIMD, 0x00, 0x00, ...uleb(offset)];
  const promoteLow = [SIMD, 0x5f];
  const f64x2Add = [SIMD, ...uleb(0xf0)];
  const f64x2Mul = [SIMD, ...uleb(0xf2)];
  const extract = (lane: number) => [SIMD, 0x21, lane];
  const zero = [SIMD, 0x0c, ...new Array(16).fill(0)];
  const highToLow = [SIMD, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
  // params 0 docs, 1 count, 2 query, 3 out; locals 4 acc01, 5 acc23, 6 v (v128)
  const body: number[] = [op.block, op.void, op.localGet, 1, op.i32Eqz, op.brIf, 0, op.loop, op.void];
  body.push(...zero, op.localSet, 4, ...zero, op.localSet, 5);
  for (let i = 0; i < dims / 4; i++) {
    body.push(op.localGet, 0, ...v128Load(16 * i), op.localSet, 6);
    body.push(op.localGet, 4, op.localGet, 6, ...promoteLow, op.localGet, 2, ...v128Load(32 * i), ...f64x2Mul, ...f64x2Add, op.localSet, 4);
    body.push(op.localGet, 5, op.localGet, 6, op.localGet, 6, ...highToLow, ...promoteLow, op.localGet, 2, ...v128Load(32 * i + 16), ...f64x2Mul, ...f64x2Add, op.localSet, 5);
  }
  body.push(op.localGet, 3);
  body.push(op.localGet, 4, ...extract(0), op.localGet, 4, ...extract(1), op.f64Add, op.localGet, 5, ...extract(0), op.f64Add, op.localGet, 5, ...extract(1), op.f64Add);
  body.push(op.f32DemoteF64, op.f32Store, 0x02, 0x00);
  body.push(op.localGet, 0, op.i32Const, ...sleb(dims * 4), op.i32Add, op.localSet, 0);
  body.push(op.localGet, 3, op.i32Const, 4, op.i32Add, op.localSet, 3);
  body.push(op.localGet, 1, op.i32Const, 1, op.i32Sub, op.localTee, 1, op.brIf, 0, op.end, op.end, op.end);
  const locals = vec([[3, 0x7b]]);
  const code = [...locals, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f]]), 0x00]])),
    ...section(3, vec([[0x00]])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(7, vec([[...name('scan'), 0x00, 0x00], [...name('memory'), 0x02, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/** Every scan's memory, for what the process holds outside the JS heap and its array buffers (benchmarks). */
const live = new Set<WeakRef<WebAssembly.Memory>>();

/** Counts a module's memory in scanMemoryBytes while it lives. */
export function countScanMemory(memory: WebAssembly.Memory): void {
  live.add(new WeakRef(memory));
}

/** Bytes of WebAssembly memory the live scans hold (process.memoryUsage() counts none of it). */
export function scanMemoryBytes(): number {
  let bytes = 0;
  for (const ref of live) {
    const memory = ref.deref();
    if (memory) bytes += memory.buffer.byteLength;
    else live.delete(ref);
  }
  return bytes;
}

/**
 * A compiled module per dims, made once: null where `fits` says the module's loop cannot take
 * that many dims, or where this runtime does not validate it (no SIMD).
 */
export function modulesByDims(moduleBytes: (dims: number) => Uint8Array<ArrayBuffer>, fits: (dims: number) => boolean): (dims: number) => WebAssembly.Module | null {
  const modules = new Map<number, WebAssembly.Module | null>();
  return (dims) => {
    let m = modules.get(dims);
    if (m === undefined) {
      const bytes = moduleBytes(dims);
      m = dims > 0 && fits(dims) && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      modules.set(dims, m);
    }
    return m;
  };
}

const compiled = modulesByDims(moduleBytes, (dims) => dims % 4 === 0);

/**
 * Document vectors of `dims` float32 each, in WebAssembly memory, with a scan over them. Null
 * where the module cannot run (dims not a multiple of 4, or no SIMD): then callers scan in JS.
 */
export class VectorScan {
  private readonly memory: WebAssembly.Memory;
  private readonly run: (docs: number, count: number, query: number, out: number) => void;
  private capacity = 0;

  static create(dims: number): VectorScan | null {
    const m = compiled(dims);
    return m ? new VectorScan(dims, m) : null;
  }

  private constructor(readonly dims: number, module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {});
    this.memory = instance.exports.memory as WebAssembly.Memory;
    countScanMemory(this.memory);
    this.run = instance.exports.scan as VectorScan['run'];
  }

  /** Room for `docs` vectors; returns the vectors' view (a new one whenever memory grew: views of the old are detached). */
  reserve(docs: number): Float32Array {
    if (docs > this.capacity) {
      const need = this.layout(Math.max(docs, Math.ceil(this.capacity * 1.5))).end;
      const pages = Math.ceil(need / PAGE) - this.memory.buffer.byteLength / PAGE;
      if (pages > 0) this.memory.grow(pages);
      const old = this.capacity;
      // The vectors stay at the start; queries and results move up with the capacity.
      this.capacity = Math.max(docs, Math.ceil(old * 1.5));
    }
    return this.vectors();
  }

  /** The vectors, dims floats per document: a view, valid until the next reserve(). */
  vectors(): Float32Array {
    return new Float32Array(this.memory.buffer, 0, this.capacity * this.dims);
  }

  /** Dot products of the float64 query with the first `count` vectors, rounded to float32, into a view (valid until the next call). */
  scan(query: Float64Array, count: number): Float32Array {
    const { query: at, out } = this.layout(this.capacity);
    new Float64Array(this.memory.buffer, at, this.dims).set(query);
    this.run(0, count, at, out);
    return new Float32Array(this.memory.buffer, out, count);
  }

  private layout(capacity: number): { query: number; out: number; end: number } {
    const query = Math.ceil((capacity * this.dims * 4) / 16) * 16;
    const out = query + this.dims * 8;
    return { query, out, end: out + capacity * 4 };
  }
}
