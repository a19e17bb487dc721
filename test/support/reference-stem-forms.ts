import { FieldPostings, grow, owned, type FieldState } from '../../src/core/search/postings.js';

const grown = (a: Int32Array<ArrayBuffer>, need: number, fill: number) => grow(a, need, fill);

/** Stem forms as a snapshot keeps them: per form id its text, term and next form of the term; per term its first and last form and count; the forms' papers. */
interface FormsState {
  names: string[];
  termOf: Int32Array;
  nextOf: Int32Array;
  first: Int32Array;
  last: Int32Array;
  counts: Int32Array;
  docs: FieldState;
}

/**
 * Per index term, the word forms papers use for it ("organ", "organization" for the term
 * "organ"), each with the papers using it, in first-use order: a stem class told apart by use.
 * Kept in typed arrays (a form's papers in a posting pool, a term's forms as a chain of form ids):
 * at 100k papers a Map of arrays per term took about 200 MB, these a few tens.
 */
/** Test reference: StemForms as it was before a first form's papers were derived from the postings (every form's papers kept). */
export class ReferenceStemForms {
  private names: string[] = [];
  private termOf = new Int32Array(1024);
  private nextOf = new Int32Array(1024).fill(-1);
  private first = new Int32Array(1024).fill(-1);
  private last = new Int32Array(1024).fill(-1);
  private counts = new Int32Array(1024);
  private readonly docs = new FieldPostings();

  /** Notes that paper `doc` uses `form` for the term with id `term`; papers come in ascending order. */
  add(term: number, form: string, doc: number): void {
    this.addDoc(this.idFor(term, form), doc);
  }

  /** The id of the term's form, created (next id) when the term had no such form yet: stable, so callers may keep it. */
  idFor(term: number, form: string): number {
    // A term has a few forms (at most 10 at 100k papers): its chain is searched, so no map by text
    // is kept, and none is rebuilt at restore (two maps of 270k strings at 100k papers).
    if (term < this.first.length) for (let id = this.first[term]!; id >= 0; id = this.nextOf[id]!) if (this.names[id] === form) return id;
    return this.create(term, form);
  }

  /** add() by form id (from idFor). */
  addDoc(id: number, doc: number): void {
    this.docs.append(id, doc, 1);
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
      this.docs.forEach(id, (doc) => docs.push(doc));
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
    };
  }

  /** Takes over an exported state (nothing added yet). */
  load(state: FormsState): void {
    this.names = state.names;
    this.termOf = owned(state.termOf);
    this.nextOf = owned(state.nextOf);
    this.first = owned(state.first);
    this.last = owned(state.last);
    this.counts = owned(state.counts);
    this.docs.load(state.docs);
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

