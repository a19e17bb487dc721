import { grow as grown, owned } from './postings.js';

/**
 * Every paper's index terms in reading order, as term ids, analysed once when the paper is added:
 * re-ranking, phrase checks and "is this paper about the topic" read these instead of
 * re-tokenizing the text.
 *
 * Shape (also what a snapshot stores): one Int32Array `pool` of term ids and, per short document
 * id d, `offsets[3d]` = where its title starts, `offsets[3d+1]` = where its abstract starts,
 * `offsets[3d+2]` = where the abstract's first sentence ends; a document ends where the next one
 * starts (the last at `length`). An entry is a term id t >= 0 for a word, or -1 - t for the term a
 * compound's parts make joined ("neuro-symbolic" -> neuro, symbol, -1 - id(neurosymbol)): the
 * words alone are the stream phrase checks read, all entries the stream analyze() gives.
 */
export class DocumentSequences {
  private pool = new Int32Array(1 << 16);
  private used = 0;
  private offsets = new Int32Array(3 * 1024);
  private count = 0;

  /** Appends the next document's sequences (its short id is the count before the call). */
  add(title: number[], abstract: number[], leadEntries: number): void {
    const need = this.used + title.length + abstract.length;
    if (need > this.pool.length) this.pool = grown(this.pool, need);
    if (3 * (this.count + 1) > this.offsets.length) this.offsets = grown(this.offsets, 3 * (this.count + 1));
    const d = this.count++;
    this.offsets[3 * d] = this.used;
    this.pool.set(title, this.used);
    this.used += title.length;
    this.offsets[3 * d + 1] = this.used;
    this.offsets[3 * d + 2] = this.used + leadEntries;
    this.pool.set(abstract, this.used);
    this.used += abstract.length;
  }

  /** Copies of the used parts, for a snapshot. */
  export(): { sequencePool: Int32Array; sequenceOffsets: Int32Array } {
    return { sequencePool: this.pool.slice(0, this.used), sequenceOffsets: this.offsets.slice(0, 3 * this.count) };
  }

  /** Its arrays cut to their contents. */
  compact(): void {
    this.load(this.export());
  }

  /** Takes over exported arrays (nothing added yet, or what they were exported from). */
  load(state: { sequencePool: Int32Array; sequenceOffsets: Int32Array }): void {
    this.pool = owned(state.sequencePool);
    this.used = state.sequencePool.length;
    this.offsets = owned(state.sequenceOffsets);
    this.count = state.sequenceOffsets.length / 3;
  }

  get documents(): number {
    return this.count;
  }

  /** The document's title or abstract as analyze() gives it: every index term, compound joins included. */
  terms(doc: number, part: Part): Int32Array {
    const [start, end] = this.range(doc, part);
    const out = this.pool.slice(start, end);
    for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i] = -1 - out[i]!;
    return out;
  }

  /** The document's words as index terms in reading order (compound joins left out): for phrase checks. */
  words(doc: number, part: Part | 'lead'): Int32Array {
    const [start, end] = this.range(doc, part);
    let n = 0;
    for (let i = start; i < end; i++) if (this.pool[i]! >= 0) n++;
    const out = new Int32Array(n);
    n = 0;
    for (let i = start; i < end; i++) if (this.pool[i]! >= 0) out[n++] = this.pool[i]!;
    return out;
  }

  /** The document's title then abstract, entries as stored (compound joins as -1 - t): a view, valid until the next add. */
  entries(doc: number): Int32Array {
    return this.pool.subarray(this.range(doc, 'title')[0], this.range(doc, 'abstract')[1]);
  }

  /** How many of entries(doc) after the title are the abstract's first sentence. */
  leadLength(doc: number): number {
    return this.offsets[3 * doc + 2]! - this.offsets[3 * doc + 1]!;
  }

  /** How many of entries(doc) are the title's. */
  titleLength(doc: number): number {
    return this.offsets[3 * doc + 1]! - this.offsets[3 * doc]!;
  }

  /** Bytes held by the typed arrays (unused capacity included). */
  get bytes(): number {
    return this.pool.byteLength + this.offsets.byteLength;
  }

  private range(doc: number, part: Part | 'lead'): [number, number] {
    const o = this.offsets;
    const end = doc + 1 < this.count ? o[3 * (doc + 1)]! : this.used;
    if (part === 'title') return [o[3 * doc]!, o[3 * doc + 1]!];
    if (part === 'lead') return [o[3 * doc + 1]!, o[3 * doc + 2]!];
    return [o[3 * doc + 1]!, end];
  }
}

export type Part = 'title' | 'abstract';
