import { grow } from './postings.js';

/**
 * Every distinct raw token an index has read, with its analysis as the index uses it: its index
 * terms as ids, its word form's id (stem-forms.ts) and whether its last term is a compound's
 * joined parts. A corpus repeats its tokens, so at add() a token costs one Map lookup; stop
 * words, stemming and the word-form rules run once per distinct token. Not in a snapshot: a
 * restored index fills it again from the papers it adds.
 */
export class TokenTable {
  private readonly ids = new Map<string, number>();
  /** Per token id: where its term ids start in `terms`, how many, its form id (-1 for none), 1 when the last term is a compound join. */
  private start = new Int32Array(1024);
  private count = new Int32Array(1024);
  private form = new Int32Array(1024);
  private joined = new Uint8Array(1024);
  private terms = new Int32Array(4096);
  private used = 0;
  /** Word forms by id, and ids by form. */
  readonly formNames: string[] = [];
  private readonly formIds = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** The token's id, or -1 when it has not been added. */
  id(token: string): number {
    return this.ids.get(token) ?? -1;
  }

  /** Adds a token (not yet in the table) with its analysis; returns its id. */
  add(token: string, termIds: number[], form: string | undefined, joinedLast: boolean): number {
    const id = this.ids.size;
    this.ids.set(token, id);
    if (id >= this.start.length) {
      this.start = grow(this.start, id + 1);
      this.count = grow(this.count, id + 1);
      this.form = grow(this.form, id + 1);
      const joined = new Uint8Array(this.start.length);
      joined.set(this.joined);
      this.joined = joined;
    }
    this.terms = grow(this.terms, this.used + termIds.length);
    this.start[id] = this.used;
    this.count[id] = termIds.length;
    this.terms.set(termIds, this.used);
    this.used += termIds.length;
    this.joined[id] = joinedLast ? 1 : 0;
    let formId = -1;
    if (form !== undefined) {
      formId = this.formIds.get(form) ?? -1;
      if (formId < 0) {
        formId = this.formNames.length;
        this.formIds.set(form, formId);
        this.formNames.push(form);
      }
    }
    this.form[id] = formId;
    return id;
  }

  /** Where the token's term ids start in termPool, and how many. */
  termStart(token: number): number {
    return this.start[token]!;
  }

  termCount(token: number): number {
    return this.count[token]!;
  }

  /** All tokens' term ids (read from termStart, termCount of them); replaced as it grows. */
  get termPool(): Int32Array {
    return this.terms;
  }

  /** The token's word form id, -1 when it has none (a compound, a number, a stop word). */
  formOf(token: number): number {
    return this.form[token]!;
  }

  /** True when the token's last term is its compound parts joined ("neurosymbol" of "neuro-symbolic"). */
  joinedLast(token: number): boolean {
    return this.joined[token] === 1;
  }
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
