import type { Postings, PostingsState } from './postings.js';
import type { FormsState, StemForms } from './stem-forms.js';
import type { FittedSpace } from './semantic.js';
import type { DocumentSequences } from './sequences.js';

export type { FieldState } from './postings.js';

/**
 * Everything a PaperIndex holds besides the papers themselves, as flat arrays: what a snapshot
 * stores and a restore feeds back without analysing any text. Terms are numbered as the index
 * numbers them (postings.ts), so each term string is stored once, in `terms`. Each structure
 * exports and loads its own part (Postings, DocumentSequences, StemForms); the section names are
 * these fields' paths ("title.pool", "forms.docs.df").
 */
export interface IndexState extends PostingsState {
  /** Hash per short document id of the text it was indexed by (textHash). */
  textHashes: Uint32Array;
  /** Per-paper term sequences (sequences.ts): the pool of term ids and three offsets per paper. */
  sequencePool: Int32Array;
  sequenceOffsets: Int32Array;
  /** Typo correction: each word papers use, with the term id it stands for. */
  wordTokens: string[];
  wordTerms: Int32Array;
  forms: FormsState;
  latent?: FittedSpace;
}

/** The parts of a PaperIndex a state is made of. */
export interface IndexParts {
  postings: Postings;
  sequences: DocumentSequences;
  /** The typo words: each word papers use, with the term id it stands for (taken when the step comes). */
  words: () => { tokens: string[]; terms: Int32Array };
  forms: StemForms;
}

export { textHash } from '../corpus/text-hash.js';

/** The state, taken at once (see exportSteps). */
export function exportState(parts: IndexParts, textHashes: Uint32Array, latent: () => FittedSpace | undefined): IndexState {
  const steps = exportSteps(parts, textHashes, latent);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * The state in steps of at most tens of milliseconds at 100k papers (the vocabulary tree walked a
 * slice of nodes at a time): a snapshot writer yields to the event loop between them and takes the
 * state again if the index changed meanwhile.
 */
export function* exportSteps(parts: IndexParts, textHashes: Uint32Array, latent: () => FittedSpace | undefined): Generator<void, IndexState> {
  const postings = yield* parts.postings.exportSteps();
  const sequences = parts.sequences.export();
  yield;
  const forms = yield* parts.forms.exportSteps();
  yield;
  const words = parts.words();
  yield;
  return {
    ...postings,
    textHashes: textHashes.slice(0, postings.ids.length),
    ...sequences,
    wordTokens: words.tokens,
    wordTerms: words.terms,
    forms,
    latent: latent(),
  };
}

/** Fills freshly constructed parts (nothing added yet) from a state; the typo words (wordTokens, wordTerms) are the caller's. */
export function importState(state: IndexState, parts: Omit<IndexParts, 'words'>): void {
  parts.postings.load(state);
  parts.sequences.load(state);
  parts.forms.load(state.forms);
}
