import { grow } from './postings.js';
import { spanHash } from './token-scan.js';

/**
 * Every distinct raw token an index has read, with its analysis as the index uses it: its index
 * terms as ids, its word form's id (stem-forms.ts) and whether its last term is a compound's
 * joined parts. A corpus repeats its tokens, so at add() a token costs one table lookup; stop
 * words, stemming and the word-form rules run once per distinct token. Not in a snapshot: a
 * restored index fills it again from the papers it adds. Tokens are found by their characters in
 * an open-addressing table over typed arrays (spanId), so the text being read need not be cut
 * into strings.
 */
export class TokenTable {
  /** Token id + 1 per slot (0: empty); a power of two, at most half full. */
  private slots = new Int32Array(1024);
  /**
   * Per token id, RECORD ints side by side (one cache line holds all a lookup reads): its hash,
   * where its characters are in `chars` and how many, where its term ids start in `terms` and how
   * many, its form id (-1 for none), 1 when its last term is a compound join, and its mark.
   */
  private records = new Int32Array(RECORD * 1024);
  private chars = new Uint16Array(8192);
  private charsUsed = 0;
  private tokenCount = 0;
  private terms = new Int32Array(4096);
  private used = 0;
  /** Word forms by id, and ids by form. */
  readonly formNames: string[] = [];
  private readonly formIds = new Map<string, number>();

  get size(): number {
    return this.tokenCount;
  }

  /** The token's id, or -1 when it has not been added. */
  id(token: string): number {
    return this.spanId(token, 0, token.length, spanHash(token));
  }

  /** The id of the token text.slice(start, end) (its spanHash `hash`), or -1 when it has not been added. */
  spanId(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    const records = this.records;
    for (let slot = mixed(hash) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]! - 1;
      if (id < 0) return -1;
      const r = id * RECORD;
      if (records[r + HASH] !== hash || records[r + LENGTH] !== length) continue;
      const at = records[r + CHARS]!;
      let k = 0;
      while (k < length && this.chars[at + k] === text.charCodeAt(start + k)) k++;
      if (k === length) return id;
    }
  }

  /** Adds a token (not yet in the table) with its analysis; returns its id. */
  add(token: string, termIds: number[], form: string | undefined, joinedLast: boolean): number {
    const id = this.tokenCount++;
    if ((id + 1) * RECORD > this.records.length) this.records = grow(this.records, (id + 1) * RECORD);
    const r = id * RECORD;
    this.keep(id, token);
    this.terms = grow(this.terms, this.used + termIds.length);
    this.records[r + TERMS] = this.used;
    this.records[r + COUNT] = termIds.length;
    this.terms.set(termIds, this.used);
    this.used += termIds.length;
    this.records[r + JOINED] = joinedLast ? 1 : 0;
    let formId = -1;
    if (form !== undefined) {
      formId = this.formIds.get(form) ?? -1;
      if (formId < 0) {
        formId = this.formNames.length;
        this.formIds.set(form, formId);
        this.formNames.push(form);
      }
    }
    this.records[r + FORM] = formId;
    return id;
  }

  /** Files the token's characters and hash under its id, and its id in a slot (the slots doubled when half full). */
  private keep(id: number, token: string): void {
    if (this.charsUsed + token.length > this.chars.length) {
      const chars = new Uint16Array(Math.max(this.charsUsed + token.length, this.chars.length * 2));
      chars.set(this.chars);
      this.chars = chars;
    }
    for (let k = 0; k < token.length; k++) this.chars[this.charsUsed + k] = token.charCodeAt(k);
    const r = id * RECORD;
    const hash = spanHash(token);
    this.records[r + HASH] = hash;
    this.records[r + CHARS] = this.charsUsed;
    this.records[r + LENGTH] = token.length;
    this.charsUsed += token.length;
    if (2 * this.tokenCount > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let t = 0; t < id; t++) this.place(t, this.records[t * RECORD + HASH]!);
    }
    this.place(id, hash);
  }

  private place(id: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = mixed(hash) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = id + 1;
  }

  /** Where the token's term ids start in termPool, and how many. */
  termStart(token: number): number {
    return this.records[token * RECORD + TERMS]!;
  }

  termCount(token: number): number {
    return this.records[token * RECORD + COUNT]!;
  }

  /** All tokens' term ids (read from termStart, termCount of them); replaced as it grows. */
  get termPool(): Int32Array {
    return this.terms;
  }

  /** The token's word form id, -1 when it has none (a compound, a number, a stop word). */
  formOf(token: number): number {
    return this.records[token * RECORD + FORM]!;
  }

  /** True when the token's last term is its compound parts joined ("neurosymbol" of "neuro-symbolic"). */
  joinedLast(token: number): boolean {
    return this.records[token * RECORD + JOINED] === 1;
  }

  /**
   * Marks the token with `stamp` (a positive number, a new one per field read); true when it was
   * not marked with it yet: a field's distinct tokens, counted in the record a lookup just read.
   */
  mark(token: number, stamp: number): boolean {
    const at = token * RECORD + MARK;
    if (this.records[at] === stamp) return false;
    this.records[at] = stamp;
    return true;
  }
}

/** TokenTable's record: its length and its fields' places. */
const RECORD = 8;
const HASH = 0;
const CHARS = 1;
const LENGTH = 2;
const TERMS = 3;
const COUNT = 4;
const FORM = 5;
const JOINED = 6;
const MARK = 7;

/** The hash with its high bits folded into the low ones a slot is taken from. */
function mixed(hash: number): number {
  const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/**
 * One field of the paper being added, in reused typed arrays rather than Maps per paper: its
 * distinct terms in first-use order with their counts (postings.ts FieldTerms), its term sequence
 * (sequences.ts) and where its first sentence ends in it.
 */
export class FieldScratch {
  terms = new Int32Array(256);
  counts = new Int32Array(256);
  size = 0;
  length = 0;
  readonly sequence: number[] = [];
  /** Sequence entries before the lead token (see PaperIndex.add). */
  lead = 0;
  /** Per term id, its place in `terms` plus one (0: not in this field yet). */
  private slot = new Int32Array(1024);

  reset(): void {
    for (let i = 0; i < this.size; i++) this.slot[this.terms[i]!] = 0;
    this.size = 0;
    this.length = 0;
    this.sequence.length = 0;
    this.lead = 0;
  }

  count(term: number): void {
    if (term >= this.slot.length) this.slot = grow(this.slot, term + 1);
    const at = this.slot[term]!;
    if (at > 0) {
      this.counts[at - 1]!++;
      return;
    }
    if (this.size === this.terms.length) {
      this.terms = grow(this.terms, this.size + 1);
      this.counts = grow(this.counts, this.size + 1);
    }
    this.terms[this.size] = term;
    this.counts[this.size] = 1;
    this.slot[term] = ++this.size;
  }
}

/**
 * The distinct values seen since the last reset, in first-seen order, each with the last value
 * given with it (ids to ids, by stamping rather than clearing).
 */
export class LastSeen {
  readonly keys: number[] = [];
  private value = new Int32Array(1024);
  private stamp = new Int32Array(1024);
  private current = 1;

  reset(): void {
    this.keys.length = 0;
    this.current++;
  }

  /** Notes `key`; true when it was new since the reset. */
  set(key: number, value: number): boolean {
    if (key >= this.stamp.length) {
      this.stamp = grow(this.stamp, key + 1);
      this.value = grow(this.value, key + 1);
    }
    this.value[key] = value;
    if (this.stamp[key] === this.current) return false;
    this.stamp[key] = this.current;
    this.keys.push(key);
    return true;
  }

  get(key: number): number {
    return this.value[key]!;
  }
}
