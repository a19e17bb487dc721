import type MiniSearch from 'minisearch';

/** minisearch's per-term data: field id -> (short document id -> term frequency). */
type FieldTermData = Map<number, Map<number, number>>;

/** The calls made on minisearch's radix tree of terms (its public SearchableMap API). */
interface TermMap {
  get(term: string): FieldTermData | undefined;
  has(term: string): boolean;
  atPrefix(prefix: string): { keys(): Iterable<string> };
  fuzzyGet(term: string, maxDistance: number): Map<string, [FieldTermData, number]>;
}

/** The parts of a minisearch 7.x instance the scorer reads (protected in its typings). */
interface MiniSearchInternals {
  _index: TermMap;
  _documentIds: Map<number, unknown>;
  _documentCount: number;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _nextId: number;
}

/** How many score arrays are kept for reuse between queries. */
const SPARE_SCORES = 16;

export interface Bm25 {
  k: number;
  b: number;
  d: number;
}

/** An index term a query term expanded to, and how much a match on it counts. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** One concept's scores over all documents, indexed by minisearch's short document id. */
export interface TermScores {
  scores: Float64Array;
  /** 1 where the match includes the title. */
  inTitle: Uint8Array;
  /** Short ids with a score, in no particular order. */
  docs: number[];
}

/**
 * Reads minisearch's inverted index directly. minisearch's own search() builds a result object
 * per matching document and sorts them all; for a term in half of 100k papers that alone costs
 * tens of milliseconds. Scoring into typed arrays keeps a query well under that. The fields read
 * here are checked on construction, so a minisearch upgrade that moves them fails loudly.
 */
export class Postings {
  private readonly m: MiniSearchInternals;

  constructor(mini: MiniSearch<any>, private readonly fields: { title: string; abstract: string }) {
    this.m = mini as unknown as MiniSearchInternals;
    const ok = this.m._index && this.m._documentIds instanceof Map && this.m._fieldLength instanceof Map && Array.isArray(this.m._avgFieldLength);
    if (!ok) throw new Error('PaperIndex: this minisearch version keeps its index differently; pin minisearch 7.x or update postings.ts');
  }

  /** Upper bound of short ids, for sizing score arrays. */
  get capacity(): number {
    return this.m._nextId;
  }

  externalId(shortId: number): string {
    return this.m._documentIds.get(shortId) as string;
  }

  /** Calls `visit` with each document using the term and its count there, title occurrences times `titleWeight`. */
  forEachDoc(term: string, titleWeight: number, visit: (doc: number, count: number) => void): void {
    const data = this.m._index.get(term);
    if (!data) return;
    const title = data.get(this.m._fieldIds[this.fields.title]!);
    const abstract = data.get(this.m._fieldIds[this.fields.abstract]!);
    if (title) for (const [doc, tf] of title) visit(doc, titleWeight * tf + (abstract?.get(doc) ?? 0));
    if (abstract) for (const [doc, tf] of abstract) if (!title?.has(doc)) visit(doc, tf);
  }

  /** Number of documents containing the exact index term. */
  documentFrequency(term: string): number {
    const data = this.m._index.get(term);
    if (!data) return 0;
    const ids = new Set<number>();
    for (const docs of data.values()) for (const id of docs.keys()) ids.add(id);
    return ids.size;
  }

  has(term: string): boolean {
    return this.m._index.has(term);
  }

  /** Index terms starting with `prefix` (the prefix itself excluded). */
  withPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (const term of this.m._index.atPrefix(prefix).keys()) if (term !== prefix) out.push(term);
    return out;
  }

  /** Index terms within `distance` edits of `term`, with their distance. */
  near(term: string, distance: number): [string, number][] {
    return [...this.m._index.fuzzyGet(term, distance)].map(([t, [, d]]) => [t, d]);
  }

  /**
   * BM25 per field (title boosted), summed over fields, for a set of weighted terms. A document
   * matching several of the terms keeps its best one, so expansions never outweigh the word itself.
   */
  score(terms: WeightedTerm[], titleBoost: number, bm25: Bm25): TermScores {
    const lengths = this.fieldLengths();
    const out = this.lend();
    const { scores, inTitle, docs } = out;
    const n = this.m._documentCount;
    const fields: [number, number, boolean][] = [
      [this.m._fieldIds[this.fields.title]!, titleBoost, true],
      [this.m._fieldIds[this.fields.abstract]!, 1, false],
    ];
    const { k, b, d } = bm25;
    for (const { term, weight } of terms) {
      const data = this.m._index.get(term);
      if (!data) continue;
      const touched: number[] = [];
      for (const [fieldId, boost, isTitle] of fields) {
        const postings = data.get(fieldId);
        if (!postings) continue;
        const fieldLength = lengths[fieldId]!;
        const avg = this.m._avgFieldLength[fieldId]!;
        const idf = Math.log(1 + (n - postings.size + 0.5) / (postings.size + 0.5));
        const scale = weight * boost * idf;
        for (const [id, tf] of postings) {
          const length = fieldLength[id]!;
          if (length < 0) continue; // removed document
          if (this.scratch[id] === 0) touched.push(id);
          this.scratch[id] = this.scratch[id]! + scale * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / avg)));
          if (isTitle) inTitle[id] = 1;
        }
      }
      for (const id of touched) {
        const s = this.scratch[id]!;
        this.scratch[id] = 0;
        if (scores[id] === 0) {
          if (s === 0) inTitle[id] = 0; // a zero-weight term scores nothing, title or not
          else docs.push(id);
        }
        if (s > scores[id]!) scores[id] = s;
      }
    }
    return out;
  }

  /**
   * Zeroed score arrays over all short ids, valid until release(). On a large corpus each is close
   * to a megabyte, and a query needs several: reusing them spares the garbage collector the pauses
   * that set the slowest queries' latency.
   */
  lend(): TermScores {
    const capacity = this.capacity;
    let out = this.spare.pop();
    while (out && out.scores.length !== capacity) out = this.spare.pop();
    out ??= { scores: new Float64Array(capacity), inTitle: new Uint8Array(capacity), docs: [] };
    this.lent.push(out);
    return out;
  }

  /** Takes back everything lent since the last release; callers must hold on to none of it. */
  release(): void {
    for (const lent of this.lent) {
      for (const doc of lent.docs) {
        lent.scores[doc] = 0;
        lent.inTitle[doc] = 0;
      }
      lent.docs.length = 0;
      if (this.spare.length < SPARE_SCORES && lent.scores.length === this.capacity) this.spare.push(lent);
    }
    this.lent = [];
  }

  private lent: TermScores[] = [];
  private spare: TermScores[] = [];

  /** Per-term sums, reused between calls (always left zeroed). */
  private scratch = new Float64Array(0);
  /** Field lengths by short id (-1 for a removed document), rebuilt when documents were added. */
  private lengths: Float32Array[] = [];
  private lengthsFor = -1;

  private fieldLengths(): Float32Array[] {
    const capacity = this.capacity;
    if (this.lengthsFor === capacity) return this.lengths;
    const fieldCount = Object.keys(this.m._fieldIds).length;
    this.lengths = Array.from({ length: fieldCount }, () => new Float32Array(capacity).fill(-1));
    for (const [id, lengths] of this.m._fieldLength) lengths.forEach((len, f) => (this.lengths[f]![id] = len));
    this.scratch = new Float64Array(capacity);
    this.lengthsFor = capacity;
    return this.lengths;
  }
}
