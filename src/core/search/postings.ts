import { StringIds } from '../string-ids.js';
import { VocabularyTree, type TreeState } from './vocabulary-tree.js';

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

/**
 * Short document ids in a growable Int32Array, reused between queries: a plain array pushed past
 * some ten thousand entries costs milliseconds a query in reallocation and GC.
 */
export class DocList {
  ids = new Int32Array(64);
  length = 0;

  push(doc: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = doc;
  }

  /** Room for at least `size` ids without growing. */
  reserve(size: number): void {
    if (size <= this.ids.length) return;
    let capacity = this.ids.length;
    while (capacity < size) capacity *= 2;
    const grown = new Int32Array(capacity);
    grown.set(this.ids.subarray(0, this.length));
    this.ids = grown;
  }
}

/** A set of short document ids as bits (doc >> 3, bit doc & 7): an eighth of a byte per document. */
export type DocBits = Uint8Array;

export const docBits = (capacity: number): DocBits => new Uint8Array((capacity + 7) >>> 3);
export const hasDoc = (bits: DocBits, doc: number): boolean => ((bits[doc >>> 3]! >>> (doc & 7)) & 1) !== 0;
export function addDoc(bits: DocBits, doc: number): void {
  bits[doc >>> 3] = bits[doc >>> 3]! | (1 << (doc & 7));
}

/** One concept's scores over all documents, indexed by short document id. */
export interface TermScores {
  scores: Float64Array;
  /** 1 where the match includes the title. */
  inTitle: Uint8Array;
  /** Short ids with a score, in no particular order. */
  docs: DocList;
  /** The largest score (0 when none): kept by whoever writes the scores. */
  max: number;
}

/**
 * How many score arrays are kept for reuse between queries (each about 0.9 MB at 100k papers): a
 * typical query holds two at once; the few that need more allocate them.
 */
const SPARE_SCORES = 2;
/** A posting packs the document and its count: doc << 8 | count, 255 meaning "look in overflow". */
const COUNT_BITS = 8;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
/** Short ids must fit beside the count in a positive 32-bit integer. */
export const MAX_DOCUMENTS = 2 ** (31 - COUNT_BITS);
/** Block sizes double from FIRST_BLOCK up to LAST_BLOCK entries: rare terms (most of a vocabulary) take a few bytes. */
const FIRST_BLOCK = 2;
const LAST_BLOCK = 4096;
/** A block is [next block or -1, capacity, used, ...postings]. */
const HEADER = 3;
/** Terms compacted between two yields of FieldPostings.exportSteps (tens of milliseconds at 100k papers). */
const EXPORT_TERMS_PER_STEP = 50_000;

/** A lookup that puts at least this many terms in the vocabulary tree at once cuts its arrays to size after. */
const TREE_TRIM_AFTER = 50_000;

/** Past this many entries an array grows by a quarter, not double: less slack in the big pools. */
const DOUBLE_UP_TO = 1 << 22;

/** A growable Int32Array. */
export function grow(a: Int32Array<ArrayBuffer>, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const out = new Int32Array(Math.max(need, a.length < DOUBLE_UP_TO ? a.length * 2 : Math.ceil(a.length * 1.25)));
  out.set(a);
  if (fill !== 0) out.fill(fill, a.length);
  return out;
}

/** One field's postings as a snapshot keeps them: its block pool (used part), chain heads and tails, df, and counts past 254. */
export interface FieldState {
  pool: Int32Array;
  head: Int32Array;
  tail: Int32Array;
  df: Int32Array;
  overflowKeys: Float64Array;
  overflowCounts: Int32Array;
}

/** A snapshot's array as the typed-array fields hold it (snapshot views are over plain ArrayBuffers). */
export const owned = (a: Int32Array): Int32Array<ArrayBuffer> => a as Int32Array<ArrayBuffer>;

/**
 * One field's inverted index: per term id a chain of blocks in one Int32Array pool, documents in
 * the order they were added (ascending short ids). No object per posting, so a 100k-paper index
 * costs tens of megabytes, not hundreds, and a scan is a walk over contiguous integers.
 */
export class FieldPostings {
  pool = new Int32Array(1 << 16);
  private used = 0;
  head = new Int32Array(1024).fill(-1);
  private tail = new Int32Array(1024).fill(-1);
  /** Documents per term in this field. */
  df = new Int32Array(1024);
  private readonly overflow = new Map<number, number>();

  append(term: number, doc: number, count: number): void {
    if (term >= this.head.length) {
      this.head = grow(this.head, term + 1, -1);
      this.tail = grow(this.tail, term + 1, -1);
      this.df = grow(this.df, term + 1);
    }
    let block = this.tail[term]!;
    if (block < 0 || this.pool[block + 2] === this.pool[block + 1]) {
      const capacity = block < 0 ? FIRST_BLOCK : Math.min(LAST_BLOCK, this.pool[block + 1]! * 2);
      const fresh = this.allocate(capacity);
      if (block < 0) this.head[term] = fresh;
      else this.pool[block] = fresh;
      this.tail[term] = block = fresh;
    }
    const at = block + HEADER + this.pool[block + 2]!;
    this.pool[block + 2]!++;
    if (count >= COUNT_MASK) this.overflow.set(term * MAX_DOCUMENTS + doc, count);
    this.pool[at] = (doc << COUNT_BITS) | Math.min(count, COUNT_MASK);
    this.df[term]!++;
  }

  /** The count of a packed posting of `term`. */
  count(term: number, posting: number): number {
    const c = posting & COUNT_MASK;
    return c === COUNT_MASK ? this.overflow.get(term * MAX_DOCUMENTS + (posting >>> COUNT_BITS))! : c;
  }

  /** The term's count in the document (0 when it has none): a binary search of the block holding it. */
  countAt(term: number, doc: number): number {
    const pool = this.pool;
    for (let block = term < this.head.length ? this.head[term]! : -1; block >= 0; block = pool[block]!) {
      const used = pool[block + 2]!;
      if (used === 0 || pool[block + HEADER + used - 1]! >>> COUNT_BITS < doc) continue;
      let lo = block + HEADER;
      let hi = lo + used - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pool[mid]! >>> COUNT_BITS < doc) lo = mid + 1;
        else hi = mid;
      }
      return pool[lo]! >>> COUNT_BITS === doc ? this.count(term, pool[lo]!) : 0;
    }
    return 0;
  }

  /** Calls `visit` with each document having the term and its count, ascending. */
  forEach(term: number, visit: (doc: number, count: number) => void): void {
    const pool = this.pool;
    for (let block = term < this.head.length ? this.head[term]! : -1; block >= 0; block = pool[block]!) {
      const end = block + HEADER + pool[block + 2]!;
      for (let i = block + HEADER; i < end; i++) visit(pool[i]! >>> COUNT_BITS, this.count(term, pool[i]!));
    }
  }

  /** Bytes held (the pool's unused tail included). */
  get bytes(): number {
    return this.pool.byteLength + this.head.byteLength + this.tail.byteLength + this.df.byteLength;
  }

  /**
   * Its arrays for a snapshot, compacted: each term's chain becomes one block holding exactly its
   * postings (same order), and the per-term arrays end at the last term used. At 100k papers this
   * drops about a quarter of each pool (unused block tails, headers of chained blocks) and half of
   * the per-term arrays (grown by doubling); a restored field appends after it as usual.
   */
  export(): FieldState {
    const steps = this.exportSteps();
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /** export() in steps of EXPORT_TERMS_PER_STEP terms, for a caller that yields to the event loop between them. */
  *exportSteps(): Generator<void, FieldState> {
    let terms = this.head.length;
    while (terms > 0 && this.head[terms - 1]! < 0) terms--;
    let size = 0;
    for (let t = 0; t < terms; t++) if (this.head[t]! >= 0) size += HEADER + this.df[t]!;
    const pool = new Int32Array(size);
    const head = new Int32Array(terms).fill(-1);
    const from = this.pool;
    let at = 0;
    for (let t = 0; t < terms; t++) {
      if (this.head[t]! < 0) continue;
      const n = this.df[t]!;
      head[t] = at;
      pool[at] = -1;
      pool[at + 1] = n;
      pool[at + 2] = n;
      let write = at + HEADER;
      for (let block = this.head[t]!; block >= 0; block = from[block]!) {
        const start = block + HEADER;
        pool.set(from.subarray(start, start + from[block + 2]!), write);
        write += from[block + 2]!;
      }
      if (write !== at + HEADER + n) throw new Error(`PaperIndex: term ${t} has ${write - at - HEADER} postings, not its ${n}`);
      at = write;
      if ((t + 1) % EXPORT_TERMS_PER_STEP === 0) yield;
    }
    return {
      pool,
      head,
      tail: head.slice(),
      df: this.df.slice(0, terms),
      overflowKeys: Float64Array.from(this.overflow.keys()),
      overflowCounts: Int32Array.from(this.overflow.values()),
    };
  }

  /** Its arrays cut to their contents, as export() gives them (one exact block per term); appends continue after. */
  compact(): void {
    this.load(this.export());
  }

  /** Takes over exported arrays (this field must be empty, or hold what they were exported from); appends continue after them. */
  load(state: FieldState): void {
    this.pool = owned(state.pool);
    this.used = state.pool.length;
    this.head = owned(state.head);
    this.tail = owned(state.tail);
    this.df = owned(state.df);
    state.overflowKeys.forEach((key, i) => this.overflow.set(key, state.overflowCounts[i]!));
  }

  private allocate(capacity: number): number {
    const at = this.used;
    this.used += HEADER + capacity;
    this.pool = grow(this.pool, this.used);
    this.pool[at] = -1;
    this.pool[at + 1] = capacity;
    this.pool[at + 2] = 0;
    return at;
  }
}

/** One field of a paper as add() takes it: its distinct term ids in first-use order, their counts beside them. */
export interface FieldTerms {
  terms: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** How many of `terms` to read (the arrays may be reused scratch, longer than that). */
  size: number;
  /** Distinct raw tokens (stop words included): BM25's field length. */
  length: number;
}

/** Postings as a snapshot keeps them: documents, vocabulary (with its radix tree), field lengths, both fields. */
export interface PostingsState extends TreeState {
  /** External id per short document id. */
  ids: string[];
  /** The vocabulary by term id, and per term the papers using it. */
  terms: string[];
  df: Int32Array;
  /** BM25 field lengths per short id, and their running means (title, abstract). */
  titleLengths: Int32Array;
  abstractLengths: Int32Array;
  averages: Float64Array;
  title: FieldState;
  abstract: FieldState;
}

/**
 * Paperboy's inverted index: a vocabulary of index terms with ids (minisearch's radix tree for
 * prefix and fuzzy lookup, a Map for exact lookup: StringIds) and per field postings of term ids in typed
 * arrays. Scoring is BM25 per field (title boosted), as minisearch computes it, into reusable
 * typed arrays rather than an object per matching document.
 */
export class Postings {
  private ids = new StringIds();
  /** Index term by id (a restore starts from a copy of the snapshot's list). */
  names: string[] = [];
  /** The vocabulary in a radix tree (prefix and fuzzy lookup), filled in id order as lookups need it (see vocabularyTree). */
  private tree = new VocabularyTree(this.names);
  /** Terms (by id) in the tree so far. */
  private treed = 0;
  private readonly title = new FieldPostings();
  private readonly abstract = new FieldPostings();
  /** Papers using each term in either field. */
  private df = new Int32Array(1024);
  private readonly externalIds: string[] = [];
  private titleLengths = new Int32Array(1024);
  private abstractLengths = new Int32Array(1024);
  /** Mean field lengths, as a running mean over the papers in the order they were added. */
  private avgTitle = 0;
  private avgAbstract = 0;

  /** Upper bound of short ids, for sizing score arrays. */
  get capacity(): number {
    return this.externalIds.length;
  }

  /** Terms in the vocabulary (ids are 0..vocabularySize-1). */
  get vocabularySize(): number {
    return this.names.length;
  }

  externalId(shortId: number): string {
    return this.externalIds[shortId]!;
  }

  /** The term's id, or -1 when the vocabulary does not have it. */
  id(term: string): number {
    return this.ids.get(term) ?? -1;
  }

  /** The term's id, added to the vocabulary when new. */
  intern(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(term, id);
      this.names.push(term);
      if (id >= this.df.length) this.df = grow(this.df, id + 1);
    }
    return id;
  }

  /** Indexes the next paper (short id = capacity before the call); its terms must be interned. */
  add(id: string, title: FieldTerms, abstract: FieldTerms): number {
    const shortId = this.externalIds.length;
    if (shortId >= MAX_DOCUMENTS) throw new Error(`PaperIndex: at most ${MAX_DOCUMENTS} papers fit in one index`);
    this.externalIds.push(id);
    this.titleLengths = grow(this.titleLengths, shortId + 1);
    this.abstractLengths = grow(this.abstractLengths, shortId + 1);
    this.titleLengths[shortId] = title.length;
    this.abstractLengths[shortId] = abstract.length;
    // minisearch's running mean, kept float for float, so scores match it exactly.
    this.avgTitle = (this.avgTitle * shortId + title.length) / (shortId + 1);
    this.avgAbstract = (this.avgAbstract * shortId + abstract.length) / (shortId + 1);
    if (this.inTitle.length < this.names.length) this.inTitle = new Uint8Array(this.df.length);
    for (let i = 0; i < title.size; i++) {
      const term = title.terms[i]!;
      this.title.append(term, shortId, title.counts[i]!);
      this.df[term]!++;
      this.inTitle[term] = 1;
    }
    for (let i = 0; i < abstract.size; i++) {
      const term = abstract.terms[i]!;
      this.abstract.append(term, shortId, abstract.counts[i]!);
      if (!this.inTitle[term]) this.df[term]!++;
    }
    for (let i = 0; i < title.size; i++) this.inTitle[title.terms[i]!] = 0;
    return shortId;
  }

  /** Marks the current paper's title terms in add() (always left zeroed). */
  private inTitle = new Uint8Array(0);

  /** Calls `visit` with each document using the term and its count there, title occurrences times `titleWeight`. */
  forEachDoc(term: string, titleWeight: number, visit: (doc: number, count: number) => void): void {
    const id = this.ids.get(term);
    if (id !== undefined) this.forEachDocOf(id, titleWeight, visit);
  }

  /**
   * forEachDoc by term id: the title's documents first, then those having the term in the abstract
   * only, each ascending (minisearch's order: the latent space's fit depends on it).
   */
  forEachDocOf(id: number, titleWeight: number, visit: (doc: number, count: number) => void): void {
    const titles: number[] = [];
    const titleCounts: number[] = [];
    this.title.forEach(id, (doc, count) => {
      titles.push(doc);
      titleCounts.push(count);
    });
    if (titles.length === 0) {
      this.abstract.forEach(id, visit);
      return;
    }
    const abstracts: number[] = [];
    const abstractCounts: number[] = [];
    this.abstract.forEach(id, (doc, count) => {
      abstracts.push(doc);
      abstractCounts.push(count);
    });
    let a = 0;
    for (let t = 0; t < titles.length; t++) {
      const doc = titles[t]!;
      while (a < abstracts.length && abstracts[a]! < doc) a++;
      visit(doc, titleWeight * titleCounts[t]! + (abstracts[a] === doc ? abstractCounts[a]! : 0));
    }
    let t = 0;
    for (let i = 0; i < abstracts.length; i++) {
      const doc = abstracts[i]!;
      while (t < titles.length && titles[t]! < doc) t++;
      if (titles[t] !== doc) visit(doc, abstractCounts[i]!);
    }
  }

  /**
   * forEachDocOf's documents and counts, written to `docs` and `counts` from `at` (both must have
   * room for the term's postings in both fields); returns the new end. No closure or array per
   * term: a latent fit gathers every term's postings this way.
   */
  writeDocsOf(id: number, titleWeight: number, docs: Int32Array, counts: Int32Array, at: number): number {
    const titles = this.gather(this.title, id, 0);
    const abstracts = this.gather(this.abstract, id, 1);
    const [td, tc] = this.gathered[0]!;
    const [ad, ac] = this.gathered[1]!;
    let a = 0;
    for (let t = 0; t < titles; t++) {
      const doc = td[t]!;
      while (a < abstracts && ad[a]! < doc) a++;
      docs[at] = doc;
      counts[at++] = titleWeight * tc[t]! + (a < abstracts && ad[a] === doc ? ac[a]! : 0);
    }
    let t = 0;
    for (let i = 0; i < abstracts; i++) {
      const doc = ad[i]!;
      while (t < titles && td[t]! < doc) t++;
      if (t < titles && td[t] === doc) continue;
      docs[at] = doc;
      counts[at++] = ac[i]!;
    }
    return at;
  }

  /** The documents using the term in either field, ascending. */
  docsOf(id: number): Int32Array {
    const titles = this.gather(this.title, id, 0);
    const abstracts = this.gather(this.abstract, id, 1);
    const td = this.gathered[0]![0];
    const ad = this.gathered[1]![0];
    const out = new Int32Array(titles + abstracts);
    let t = 0;
    let a = 0;
    let n = 0;
    while (t < titles || a < abstracts) {
      if (a >= abstracts || (t < titles && td[t]! < ad[a]!)) out[n++] = td[t++]!;
      else if (t >= titles || ad[a]! < td[t]!) out[n++] = ad[a++]!;
      else {
        out[n++] = td[t++]!;
        a++;
      }
    }
    return out.subarray(0, n);
  }

  /** Postings of both fields in either field for a term (an upper bound of what writeDocsOf writes). */
  postingsOf(id: number): number {
    return (this.title.df[id] ?? 0) + (this.abstract.df[id] ?? 0);
  }

  /** Reused buffers for writeDocsOf: per field, docs and counts. */
  private gathered: [Int32Array, Int32Array][] = [[new Int32Array(1024), new Int32Array(1024)], [new Int32Array(1024), new Int32Array(1024)]];

  /** Copies one field's postings of a term into gathered[slot]; returns how many. */
  private gather(field: FieldPostings, id: number, slot: number): number {
    const n = id < field.df.length ? field.df[id]! : 0;
    let [docs, counts] = this.gathered[slot]!;
    if (docs.length < n) this.gathered[slot] = [(docs = new Int32Array(n * 2)), (counts = new Int32Array(n * 2))];
    const pool = field.pool;
    let k = 0;
    for (let block = id < field.head.length ? field.head[id]! : -1; block >= 0; block = pool[block]!) {
      const end = block + HEADER + pool[block + 2]!;
      for (let i = block + HEADER; i < end; i++) {
        docs[k] = pool[i]! >>> COUNT_BITS;
        counts[k++] = field.count(id, pool[i]!);
      }
    }
    return k;
  }

  /** Sets out[doc] = `value` (1) for each document using the term (only where `mask[doc]`, when given). */
  markDocs(term: string, out: Uint8Array, mask?: DocBits, value = 1): void {
    const id = this.ids.get(term);
    if (id === undefined) return;
    for (const field of [this.title, this.abstract]) {
      const pool = field.pool;
      for (let block = id < field.head.length ? field.head[id]! : -1; block >= 0; block = pool[block]!) {
        const end = block + HEADER + pool[block + 2]!;
        for (let i = block + HEADER; i < end; i++) {
          const doc = pool[i]! >>> COUNT_BITS;
          if (!mask || hasDoc(mask, doc)) out[doc] = value;
        }
      }
    }
  }

  /**
   * Sets out[doc] = 1 for each document using every one of `terms` (in either field). `had` is
   * scratch over all short ids, zero on entry and left zeroed.
   */
  markAllOf(terms: string[], out: Uint8Array, had: Uint16Array): void {
    const ids = terms.map((t) => this.ids.get(t));
    if (ids.some((id) => id === undefined)) return;
    const last = ids.length - 1;
    for (let j = 0; j <= last; j++) {
      const id = ids[j]!;
      for (const field of [this.title, this.abstract]) {
        const pool = field.pool;
        for (let block = id < field.head.length ? field.head[id]! : -1; block >= 0; block = pool[block]!) {
          const end = block + HEADER + pool[block + 2]!;
          for (let i = block + HEADER; i < end; i++) {
            const doc = pool[i]! >>> COUNT_BITS;
            if (had[doc] !== j) continue;
            had[doc] = j + 1;
            if (j === last) out[doc] = 1;
          }
        }
      }
    }
    // Only the first term's documents can have been counted.
    const first = ids[0]!;
    for (const field of [this.title, this.abstract]) {
      const pool = field.pool;
      for (let block = first < field.head.length ? field.head[first]! : -1; block >= 0; block = pool[block]!) {
        const end = block + HEADER + pool[block + 2]!;
        for (let i = block + HEADER; i < end; i++) had[pool[i]! >>> COUNT_BITS] = 0;
      }
    }
  }

  /** How many documents using the term are marked in `marks` (each counted once; their marks are cleared). */
  countMarked(term: string, marks: Uint8Array): number {
    const id = this.ids.get(term);
    if (id === undefined) return 0;
    let count = 0;
    for (const field of [this.title, this.abstract]) {
      const pool = field.pool;
      for (let block = id < field.head.length ? field.head[id]! : -1; block >= 0; block = pool[block]!) {
        const end = block + HEADER + pool[block + 2]!;
        for (let i = block + HEADER; i < end; i++) {
          const doc = pool[i]! >>> COUNT_BITS;
          if (marks[doc]) {
            count++;
            marks[doc] = 0;
          }
        }
      }
    }
    return count;
  }

  /** Number of documents containing the exact index term. */
  documentFrequency(term: string): number {
    const id = this.ids.get(term);
    return id === undefined ? 0 : this.df[id]!;
  }

  /** Document frequency by term id. */
  documentFrequencyOf(id: number): number {
    return id < 0 ? 0 : this.df[id]!;
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /** Index terms starting with `prefix` (the prefix itself excluded), in the tree's order (minisearch's atPrefix). */
  withPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (const id of this.vocabularyTree().withPrefix(prefix)) if (this.names[id] !== prefix) out.push(this.names[id]!);
    return out;
  }

  /** Index terms within `distance` edits of `term`, with their distance (minisearch's fuzzyGet order). */
  near(term: string, distance: number): [string, number][] {
    return this.vocabularyTree().near(term, distance).map(([id, d]) => [this.names[id]!, d]);
  }

  /**
   * The radix tree of the whole vocabulary. Terms go in when a lookup needs them, always in id
   * order (so the tree, and the order lookups list terms in, is the same as inserting at intern):
   * a build does not pay for it per new term, and can fill it while it waits for something else.
   */
  private vocabularyTree(): VocabularyTree {
    if (this.treed === this.names.length) return this.tree;
    const many = this.names.length - this.treed >= TREE_TRIM_AFTER;
    this.fillTree(Infinity);
    // Filled with a whole build's vocabulary: its arrays are cut to their contents (they grew by doubling).
    if (many) this.tree = new VocabularyTree(this.names, this.tree.export());
    return this.tree;
  }

  /** Puts up to `count` more terms in the tree; true when it holds the whole vocabulary. */
  fillTree(count: number): boolean {
    const end = Math.min(this.names.length, this.treed + count);
    for (; this.treed < end; this.treed++) this.tree.insert(this.treed);
    return this.treed === this.names.length;
  }

  /** Copies of its arrays for a snapshot, in steps (the vocabulary tree a slice at a time; see exportTree). */
  *exportSteps(): Generator<void, PostingsState> {
    const tree = this.vocabularyTree().export();
    yield;
    const title = yield* this.title.exportSteps();
    yield;
    const abstract = yield* this.abstract.exportSteps();
    yield;
    const n = this.externalIds.length;
    return {
      ids: [...this.externalIds],
      terms: [...this.names],
      ...tree,
      df: this.df.slice(0, this.names.length),
      titleLengths: this.titleLengths.slice(0, n),
      abstractLengths: this.abstractLengths.slice(0, n),
      averages: Float64Array.of(this.avgTitle, this.avgAbstract),
      title,
      abstract,
    };
  }

  /** One field's postings cut to their contents (FieldPostings.compact). */
  compactField(field: 'title' | 'abstract'): void {
    this[field].compact();
  }

  /** The per-document and per-term arrays cut to their contents (the fields': compactField), and the vocabulary tree once it holds every term. */
  compactRest(): void {
    this.df = this.df.slice(0, this.names.length);
    this.titleLengths = this.titleLengths.slice(0, this.capacity);
    this.abstractLengths = this.abstractLengths.slice(0, this.capacity);
    this.inTitle = new Uint8Array(0);
    if (this.treed === this.names.length) this.tree = new VocabularyTree(this.names, this.tree.export());
  }

  /** Takes over an exported state (nothing added yet). */
  load(state: PostingsState): void {
    this.names = state.terms.slice();
    this.ids = StringIds.restoredFrom(state.terms);
    this.tree = new VocabularyTree(this.names, state);
    this.treed = state.terms.length;
    this.df = owned(state.df);
    this.externalIds.push(...state.ids);
    this.titleLengths = owned(state.titleLengths);
    this.abstractLengths = owned(state.abstractLengths);
    this.avgTitle = state.averages[0]!;
    this.avgAbstract = state.averages[1]!;
    this.title.load(state.title);
    this.abstract.load(state.abstract);
  }

  /** Every term with its document frequency, in vocabulary order. */
  *terms(): Iterable<[string, number]> {
    for (let t = 0; t < this.names.length; t++) yield [this.names[t]!, this.df[t]!];
  }

  /**
   * BM25 per field (title boosted), summed over fields, for a set of weighted terms. A document
   * matching several of the terms keeps its best one, so expansions never outweigh the word itself.
   */
  score(terms: WeightedTerm[], titleBoost: number, bm25: Bm25, out = this.lend()): TermScores {
    this.sizeScratch();
    const { scores, inTitle, docs } = out;
    const n = this.externalIds.length;
    const { k, d } = bm25;
    const touched = this.touched;
    const scratch = this.scratch;
    let max = 0;
    for (const { term, weight } of terms) {
      const id = this.ids.get(term);
      if (id === undefined) continue;
      let touchedCount = 0;
      for (let f = 0; f < 2; f++) {
        const isTitle = f === 0;
        const field = isTitle ? this.title : this.abstract;
        const matching = field.df[id] ?? 0;
        if (matching === 0) continue;
        const norms = this.lengthNorms(isTitle, bm25);
        const boost = isTitle ? titleBoost : 1;
        const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
        const scale = weight * boost * idf;
        const pool = field.pool;
        for (let block = field.head[id]!; block >= 0; block = pool[block]!) {
          const end = block + HEADER + pool[block + 2]!;
          for (let i = block + HEADER; i < end; i++) {
            const posting = pool[i]!;
            const doc = posting >>> COUNT_BITS;
            const packed = posting & COUNT_MASK;
            const tf = packed === COUNT_MASK ? field.count(id, posting) : packed;
            const before = scratch[doc]!;
            if (before === 0) touched[touchedCount++] = doc;
            scratch[doc] = before + scale * (d + (tf * (k + 1)) / (tf + norms[doc]!));
            if (isTitle) inTitle[doc] = 1;
          }
        }
      }
      // Room made once per term, so the loop writes ids straight into the list.
      if (docs.length + touchedCount > docs.ids.length) docs.reserve(docs.length + touchedCount);
      const ids = docs.ids;
      let length = docs.length;
      for (let i = 0; i < touchedCount; i++) {
        const doc = touched[i]!;
        const s = scratch[doc]!;
        scratch[doc] = 0;
        const was = scores[doc]!;
        if (was === 0) {
          if (s === 0) inTitle[doc] = 0; // a zero-weight term scores nothing, title or not
          else ids[length++] = doc;
        }
        if (s > was) scores[doc] = s;
        if (s > max) max = s;
      }
      docs.length = length;
    }
    out.max = max;
    return out;
  }

  /**
   * score() of one term of weight 1, worked out only at `docs[0..count)` where `skip` is 0 and
   * `out` has no score yet (the same operations, so the same doubles); `out` may hold others'.
   */
  scoreAt(term: number, docs: Int32Array, count: number, skip: Uint8Array, titleBoost: number, bm25: Bm25, out: TermScores): void {
    const n = this.externalIds.length;
    const { k, d } = bm25;
    const { scores, inTitle } = out;
    const title = this.title;
    const abstract = this.abstract;
    const inTitles = title.df[term] ?? 0;
    const inAbstracts = abstract.df[term] ?? 0;
    const titleScale = 1 * titleBoost * Math.log(1 + (n - inTitles + 0.5) / (inTitles + 0.5));
    const abstractScale = 1 * 1 * Math.log(1 + (n - inAbstracts + 0.5) / (inAbstracts + 0.5));
    const titleNorms = inTitles ? this.lengthNorms(true, bm25) : undefined;
    const abstractNorms = inAbstracts ? this.lengthNorms(false, bm25) : undefined;
    let max = out.max;
    for (let i = 0; i < count; i++) {
      const doc = docs[i]!;
      if (skip[doc] || scores[doc] !== 0) continue;
      let s = 0;
      let tf = titleNorms ? title.countAt(term, doc) : 0;
      if (tf > 0) {
        s = s + titleScale * (d + (tf * (k + 1)) / (tf + titleNorms![doc]!));
        inTitle[doc] = 1;
      }
      tf = abstractNorms ? abstract.countAt(term, doc) : 0;
      if (tf > 0) s = s + abstractScale * (d + (tf * (k + 1)) / (tf + abstractNorms![doc]!));
      if (s === 0) continue;
      scores[doc] = s;
      out.docs.push(doc);
      if (s > max) max = s;
    }
    out.max = max;
  }

  /**
   * An upper bound of score() of one term of weight 1 over all documents, without reading them:
   * each field's share at its largest, tf / (tf + norm) < 1 (for k > 0 and 0 <= b <= 1).
   */
  scoreBound(term: number, titleBoost: number, bm25: Bm25): number {
    const n = this.externalIds.length;
    let bound = 0;
    for (const [field, boost] of [[this.title, titleBoost], [this.abstract, 1]] as const) {
      const matching = field.df[term] ?? 0;
      if (matching > 0) bound += boost * Math.log(1 + (n - matching + 0.5) / (matching + 0.5)) * (bm25.d + bm25.k + 1);
    }
    return bound;
  }

  /** Postings of the term in both fields (a document having it in both counts twice). */
  postingCount(term: number): number {
    return (this.title.df[term] ?? 0) + (this.abstract.df[term] ?? 0);
  }

  /**
   * Per document, BM25's length term `k * (1 - b + b * length / avg)` for one field, computed as
   * score() did inline (the same operations, so the same doubles); kept until a paper is added.
   */
  private lengthNorms(isTitle: boolean, { k, b }: Bm25): Float64Array {
    const avg = isTitle ? this.avgTitle : this.avgAbstract;
    const cached = this.norms[isTitle ? 0 : 1];
    if (cached && cached.k === k && cached.b === b && cached.avg === avg && cached.values.length === this.capacity) return cached.values;
    const lengths = isTitle ? this.titleLengths : this.abstractLengths;
    const values = new Float64Array(this.capacity);
    for (let doc = 0; doc < values.length; doc++) values[doc] = k * (1 - b + (b * lengths[doc]!) / avg);
    this.norms[isTitle ? 0 : 1] = { k, b, avg, values };
    return values;
  }

  private readonly norms: ({ k: number; b: number; avg: number; values: Float64Array } | undefined)[] = [undefined, undefined];

  /**
   * minisearch's OR query over whole terms, each boosted: per document the sum of each matching
   * term's BM25 (per field, title boosted), times the number of terms it matched; best first
   * (ties in the order minisearch finds them).
   */
  searchAny(terms: string[], boost: (term: string) => number, titleBoost: number, bm25: Bm25): { doc: number; score: number }[] {
    const n = this.externalIds.length;
    const { k, b, d } = bm25;
    const results = new Map<number, { score: number; terms: number }>();
    for (const term of terms) {
      const id = this.ids.get(term);
      if (id === undefined) continue;
      const termBoost = boost(term);
      const mine = new Map<number, number>();
      for (let f = 0; f < 2; f++) {
        const isTitle = f === 0;
        const field = isTitle ? this.title : this.abstract;
        const matching = field.df[id] ?? 0;
        const fieldBoost = isTitle ? titleBoost : 1;
        const fieldLength = isTitle ? this.titleLengths : this.abstractLengths;
        const avg = isTitle ? this.avgTitle : this.avgAbstract;
        field.forEach(id, (doc, tf) => {
          const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
          const raw = idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * fieldLength[doc]!) / avg)));
          const weighted = 1 * termBoost * fieldBoost * 1 * raw;
          mine.set(doc, (mine.get(doc) ?? 0) + weighted);
        });
      }
      for (const [doc, score] of mine) {
        const r = results.get(doc);
        if (r) {
          r.score = r.score + score;
          r.terms++;
        } else results.set(doc, { score, terms: 1 });
      }
    }
    return [...results].map(([doc, r]) => ({ doc, score: r.score * r.terms })).sort((x, y) => y.score - x.score);
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
    out ??= { scores: new Float64Array(capacity), inTitle: new Uint8Array(capacity), docs: new DocList(), max: 0 };
    out.max = 0;
    this.lent.push(out);
    return out;
  }

  /** Takes back everything lent since the last release; callers must hold on to none of it. */
  release(): void {
    for (const lent of this.lent) this.takeBack(lent);
    this.lent = [];
  }

  /** Takes back one lent array before the release, for the next lend of the same query: its holder is done with it. */
  giveBack(scores: TermScores): void {
    const at = this.lent.indexOf(scores);
    if (at < 0) return;
    this.lent.splice(at, 1);
    this.takeBack(scores);
  }

  private takeBack(lent: TermScores): void {
    const ids = lent.docs.ids;
    // Past a sixteenth of the documents, clearing all (sequential) beats clearing each (scattered).
    if (lent.docs.length > lent.scores.length >>> 4) {
      lent.scores.fill(0);
      lent.inTitle.fill(0);
    } else {
      for (let i = 0; i < lent.docs.length; i++) {
        lent.scores[ids[i]!] = 0;
        lent.inTitle[ids[i]!] = 0;
      }
    }
    lent.docs.length = 0;
    if (this.spare.length < SPARE_SCORES && lent.scores.length === this.capacity) this.spare.push(lent);
  }

  /** Bytes of the typed arrays (postings, lengths, frequencies, the vocabulary tree); the vocabulary's strings and maps not included. */
  get bytes(): number {
    return this.tree.bytes + this.title.bytes + this.abstract.bytes + this.df.byteLength + this.titleLengths.byteLength + this.abstractLengths.byteLength;
  }

  private lent: TermScores[] = [];
  private spare: TermScores[] = [];

  /** Per-term sums, reused between calls (always left zeroed), and the documents they touched. */
  private scratch = new Float64Array(0);
  private touched = new Int32Array(0);

  private sizeScratch(): void {
    if (this.scratch.length === this.capacity) return;
    this.scratch = new Float64Array(this.capacity);
    this.touched = new Int32Array(this.capacity);
  }
}
