import { FieldPostings, grow, owned, type FieldState } from './postings.js';

const grown = (a: Int32Array<ArrayBuffer>, need: number, fill: number) => grow(a, need, fill);

/**
 * Stem forms as a snapshot keeps them: per form id its text, term and next form of the term; per
 * term its first and last form and count; the papers of each form but a term's first, and per
 * term the papers having it without its first form.
 */
export interface FormsState {
  names: string[];
  termOf: Int32Array;
  nextOf: Int32Array;
  first: Int32Array;
  last: Int32Array;
  counts: Int32Array;
  docs: FieldState;
  missing: FieldState;
}

/** One field of a paper as StemForms.endDoc reads it: its distinct term ids (the first `size`). */
interface DocTerms {
  terms: ArrayLike<number>;
  size: number;
}

/**
 * Per index term, the word forms papers use for it ("organ", "organization" for the term
 * "organ"), each with the papers using it, in first-use order: a stem class told apart by use.
 * Kept in typed arrays (a form's papers in a posting pool, a term's forms as a chain of form ids):
 * at 100k papers a Map of arrays per term took about 200 MB, these a few tens.
 *
 * Most terms have one form, used by nearly every paper having the term: a term's first form's
 * papers are not kept, but the term's papers (`termDocs`, from the postings) less those noted as
 * missing it (endDoc), which at 100k papers takes some 50 MB less.
 */
export class StemForms {
  /** Form texts by id; after a restore, taken from the state when first needed (see load). */
  private namesList: string[] = [];
  private namesFrom?: FormsState;
  private termOf = new Int32Array(1024);
  private nextOf = new Int32Array(1024).fill(-1);
  private first = new Int32Array(1024).fill(-1);
  private last = new Int32Array(1024).fill(-1);
  private counts = new Int32Array(1024);
  /** Papers per form, but for a term's first form. */
  private readonly docs = new FieldPostings();
  /** Per term with a form: the papers having the term without its first form. */
  private readonly missing = new FieldPostings();
  /** Per term: the last paper whose use of the term's first form, or lack of it, was noted. */
  private noted = new Int32Array(1024).fill(-1);

  /** `termDocs(term)`: the papers having the term, ascending, and `termCount(term)` how many (the postings). */
  constructor(
    private readonly termDocs: (term: number) => ArrayLike<number>,
    private readonly termCount: (term: number) => number = (term) => termDocs(term).length,
  ) {}

  /**
   * Notes that paper `doc` uses `form` for the term with id `term`; papers come in ascending
   * order, and each paper's terms are in termDocs before; endDoc follows each paper's forms.
   */
  add(term: number, form: string, doc: number): void {
    this.addDoc(this.idFor(term, form, doc), doc);
  }

  /**
   * The id of the term's form, created (next id) when the term had no such form yet: stable, so
   * callers may keep it. `doc`: the paper being added, which uses the form.
   */
  idFor(term: number, form: string, doc: number): number {
    // A term has a few forms (at most 10 at 100k papers): its chain is searched, so no map by text
    // is kept, and none is rebuilt at restore (two maps of 270k strings at 100k papers).
    const names = this.names;
    if (term < this.first.length) for (let id = this.first[term]!; id >= 0; id = this.nextOf[id]!) if (names[id] === form) return id;
    // Most terms get their first form with their first paper: no paper before it to note.
    if ((term >= this.first.length || this.first[term]! < 0) && this.termCount(term) > 1) {
      // The term's first form: the papers that had the term before it lacked it.
      const docs = this.termDocs(term);
      for (let i = 0; i < docs.length && docs[i]! < doc; i++) this.missing.append(term, docs[i]!, 1);
    }
    return this.create(term, form);
  }

  /** add() by form id (from idFor). */
  addDoc(id: number, doc: number): void {
    const term = this.termOf[id]!;
    if (this.first[term] === id) this.note(term, doc);
    else this.docs.append(id, doc, 1);
  }

  /** After a paper's forms: its terms that have a form but whose first form it did not use are noted as missing it. */
  endDoc(doc: number, ...fields: DocTerms[]): void {
    for (const { terms, size } of fields) {
      for (let i = 0; i < size; i++) {
        const term = terms[i]!;
        if (term < this.first.length && this.first[term]! >= 0 && this.noted[term] !== doc) {
          this.missing.append(term, doc, 1);
          this.note(term, doc);
        }
      }
    }
  }

  private note(term: number, doc: number): void {
    if (term >= this.noted.length) this.noted = grown(this.noted, term + 1, -1);
    this.noted[term] = doc;
  }

  /** How many forms papers use for the term. */
  count(term: number): number {
    return term >= 0 && term < this.counts.length ? this.counts[term]! : 0;
  }

  /** The term's forms, each with its papers (ascending), in first-use order. */
  of(term: number): Map<string, number[]> {
    const out = new Map<string, number[]>();
    if (term < 0 || term >= this.first.length) return out;
    for (let id = this.first[term]!; id >= 0; id = this.nextOf[id]!) {
      const docs: number[] = [];
      if (id === this.first[term]) {
        // The term's papers less those missing the form (both ascending).
        const all = this.termDocs(term);
        const missing: number[] = [];
        this.missing.forEach(term, (doc) => missing.push(doc));
        let m = 0;
        for (let i = 0; i < all.length; i++) {
          const doc = all[i]!;
          while (m < missing.length && missing[m]! < doc) m++;
          if (missing[m] !== doc) docs.push(doc);
        }
      } else this.docs.forEach(id, (doc) => docs.push(doc));
      out.set(this.names[id]!, docs);
    }
    return out;
  }

  /** Copies of its arrays, for a snapshot. */
  export(): FormsState {
    const steps = this.exportSteps();
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /** export() in steps (the forms' papers a slice of forms at a time). */
  *exportSteps(): Generator<void, FormsState> {
    const docs = yield* this.docs.exportSteps();
    const missing = yield* this.missing.exportSteps();
    const forms = this.names.length;
    let terms = this.counts.length;
    while (terms > 0 && this.counts[terms - 1] === 0) terms--;
    return {
      names: [...this.names],
      termOf: this.termOf.slice(0, forms),
      nextOf: this.nextOf.slice(0, forms),
      // Per-term arrays end at the last term with a form (they grow by doubling).
      first: this.first.slice(0, terms),
      last: this.last.slice(0, terms),
      counts: this.counts.slice(0, terms),
      docs,
      missing,
    };
  }

  /**
   * Its arrays cut to their contents; `noted` is dropped, as a restored index never had it: it only
   * tells one paper's terms apart while that paper is added, and papers are added once each.
   */
  compact(): void {
    this.load(this.export());
    this.noted = new Int32Array(0);
  }

  /** Takes over an exported state (nothing added yet, or what it was exported from). */
  load(state: FormsState): void {
    // Read when a paper is added or a query needs a term's forms: a snapshot decodes the 270k texts (at 100k papers) then, not at restore.
    this.namesFrom = state;
    this.namesList = [];
    this.termOf = owned(state.termOf);
    this.nextOf = owned(state.nextOf);
    this.first = owned(state.first);
    this.last = owned(state.last);
    this.counts = owned(state.counts);
    this.docs.load(state.docs);
    this.missing.load(state.missing);
  }

  private get names(): string[] {
    if (this.namesFrom) {
      this.namesList = this.namesFrom.names;
      this.namesFrom = undefined;
    }
    return this.namesList;
  }

  private create(term: number, form: string): number {
    const id = this.names.length;
    this.names.push(form);
    this.termOf = grown(this.termOf, id + 1, 0);
    this.nextOf = grown(this.nextOf, id + 1, -1);
    this.termOf[id] = term;
    this.first = grown(this.first, term + 1, -1);
    this.last = grown(this.last, term + 1, -1);
    this.counts = grown(this.counts, term + 1, 0);
    if (this.first[term]! < 0) this.first[term] = id;
    else this.nextOf[this.last[term]!] = id;
    this.last[term] = id;
    this.counts[term]!++;
    return id;
  }
}
