import SearchableMap from 'minisearch/SearchableMap';
import type { Postings } from './postings.js';
import type { StemForms } from './stem-forms.js';
import type { FittedSpace } from './semantic.js';
import type { DocumentSequences } from './sequences.js';

/**
 * Everything a PaperIndex holds besides the papers themselves, as flat arrays: what a snapshot
 * stores and a restore feeds back without analysing any text. Terms are numbered as the index
 * numbers them (postings.ts), so each term string is stored once, in `terms`.
 */
export interface IndexState {
  /** Paper id per short document id, and the hash of the text it was indexed by (textHash). */
  ids: string[];
  textHashes: Uint32Array;
  /** The vocabulary by term id, and per term the papers using it. */
  terms: string[];
  df: Int32Array;
  /** The vocabulary's radix tree (prefix and fuzzy lookup) node by node, so it is rebuilt as it was, not re-inserted term by term. */
  treeKeys: string[];
  treeInts: Int32Array;
  /** BM25 field lengths per short id, and their running means (title, abstract). */
  titleLengths: Int32Array;
  abstractLengths: Int32Array;
  averages: Float64Array;
  title: FieldState;
  abstract: FieldState;
  /** Per-paper term sequences (sequences.ts): the pool of term ids and three offsets per paper. */
  sequencePool: Int32Array;
  sequenceOffsets: Int32Array;
  /** Typo correction: each word papers use, with the term id it stands for. */
  wordTokens: string[];
  wordTerms: Int32Array;
  /** Stem forms (stem-forms.ts): per form id its text, term and next form of the term; per term its first and last form and count; the forms' papers. */
  forms: {
    names: string[];
    termOf: Int32Array;
    nextOf: Int32Array;
    first: Int32Array;
    last: Int32Array;
    counts: Int32Array;
    docs: FieldState;
  };
  latent?: FittedSpace;
}

/** One field's postings: its block pool (used part), chain heads and tails, df, and counts past 254. */
export interface FieldState {
  pool: Int32Array;
  head: Int32Array;
  tail: Int32Array;
  df: Int32Array;
  overflowKeys: Float64Array;
  overflowCounts: Int32Array;
}

/** The parts of a PaperIndex a state is made of. */
export interface IndexParts {
  postings: Postings;
  sequences: DocumentSequences;
  words: Map<string, string>;
  forms: StemForms;
}

// The typed-array structures' fields (private in their classes), read and written here only.
interface FieldInternals {
  pool: Int32Array;
  used: number;
  head: Int32Array;
  tail: Int32Array;
  df: Int32Array;
  overflow: Map<number, number>;
}
interface PostingsInternals {
  ids: Map<string, number>;
  names: string[];
  tree: SearchableMap<number>;
  treed: number;
  title: FieldInternals;
  abstract: FieldInternals;
  df: Int32Array;
  externalIds: string[];
  titleLengths: Int32Array;
  abstractLengths: Int32Array;
  avgTitle: number;
  avgAbstract: number;
}
interface FormsInternals {
  ids: Map<string, number>;
  shared: Map<string, number>;
  names: string[];
  termOf: Int32Array;
  nextOf: Int32Array;
  first: Int32Array;
  last: Int32Array;
  counts: Int32Array;
  docs: FieldInternals;
}
interface SequencesInternals {
  pool: Int32Array;
  used: number;
  offsets: Int32Array;
  count: number;
}

/** A 32-bit hash (FNV-1a) of the text a paper is indexed by: a paper whose text changed is not the one indexed. */
export function textHash(paper: { title: string; abstract: string }): number {
  let h = 0x811c9dc5;
  const { title, abstract } = paper;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 10, 0x01000193);
  for (let i = 0; i < abstract.length; i++) h = Math.imul(h ^ abstract.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

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
  const p = parts.postings as unknown as PostingsInternals;
  const s = parts.sequences as unknown as SequencesInternals;
  const n = p.externalIds.length;
  const v = p.names.length;
  const termId = (term: string): number => {
    const id = p.ids.get(term);
    if (id === undefined) throw new Error(`PaperIndex: "${term}" is used but not in the vocabulary`);
    return id;
  };
  const f = parts.forms as unknown as FormsInternals;
  const forms = f.names.length;
  const tree = yield* exportTree(parts.postings.vocabularyTree());
  const title = exportField(p.title);
  yield;
  const abstract = exportField(p.abstract);
  yield;
  const sequencePool = s.pool.slice(0, s.used);
  yield;
  const formDocs = exportField(f.docs);
  yield;
  const wordTerms = Int32Array.from(parts.words.values(), termId);
  yield;
  const fit = latent();
  return {
    ids: [...p.externalIds],
    textHashes: textHashes.slice(0, n),
    terms: [...p.names],
    ...tree,
    df: p.df.slice(0, v),
    titleLengths: p.titleLengths.slice(0, n),
    abstractLengths: p.abstractLengths.slice(0, n),
    averages: Float64Array.of(p.avgTitle, p.avgAbstract),
    title,
    abstract,
    sequencePool,
    sequenceOffsets: s.offsets.slice(0, 3 * s.count),
    wordTokens: [...parts.words.keys()],
    wordTerms,
    forms: {
      names: [...f.names],
      termOf: f.termOf.slice(0, forms),
      nextOf: f.nextOf.slice(0, forms),
      first: f.first.slice(),
      last: f.last.slice(),
      counts: f.counts.slice(),
      docs: formDocs,
    },
    latent: fit,
  };
}

function exportField(f: FieldInternals): FieldState {
  return {
    pool: f.pool.slice(0, f.used),
    head: f.head.slice(),
    tail: f.tail.slice(),
    df: f.df.slice(),
    overflowKeys: Float64Array.from(f.overflow.keys()),
    overflowCounts: Int32Array.from(f.overflow.values()),
  };
}

/** Fills freshly constructed parts (nothing added yet) from a state. */
export function importState(state: IndexState, parts: IndexParts): void {
  const p = parts.postings as unknown as PostingsInternals;
  const s = parts.sequences as unknown as SequencesInternals;
  const { terms } = state;
  terms.forEach((term, id) => {
    p.ids.set(term, id);
    p.names.push(term);
  });
  p.tree = importTree(state.treeKeys, state.treeInts);
  p.treed = terms.length;
  p.df = state.df;
  p.externalIds.push(...state.ids);
  p.titleLengths = state.titleLengths;
  p.abstractLengths = state.abstractLengths;
  p.avgTitle = state.averages[0]!;
  p.avgAbstract = state.averages[1]!;
  importField(p.title, state.title);
  importField(p.abstract, state.abstract);
  s.pool = state.sequencePool;
  s.used = state.sequencePool.length;
  s.offsets = state.sequenceOffsets;
  s.count = state.sequenceOffsets.length / 3;
  state.wordTokens.forEach((token, i) => parts.words.set(token, terms[state.wordTerms[i]!]!));
  const f = parts.forms as unknown as FormsInternals;
  const forms = state.forms;
  // Form ids by text as StemForms.create assigns them: the first term to use a text owns it, later ones are "term text" in shared.
  forms.names.forEach((form, id) => {
    f.names.push(form);
    if (f.ids.has(form)) f.shared.set(`${forms.termOf[id]} ${form}`, id);
    else f.ids.set(form, id);
  });
  f.termOf = forms.termOf;
  f.nextOf = forms.nextOf;
  f.first = forms.first;
  f.last = forms.last;
  f.counts = forms.counts;
  importField(f.docs, forms.docs);
}

function importField(f: FieldInternals, state: FieldState): void {
  f.pool = state.pool;
  f.used = state.pool.length;
  f.head = state.head;
  f.tail = state.tail;
  f.df = state.df;
  state.overflowKeys.forEach((key, i) => f.overflow.set(key, state.overflowCounts[i]!));
}

/** minisearch's radix tree: a Map per node, edge label -> child node, and '' -> the value. */
type TreeNode = Map<string, TreeNode | number>;
const LEAF = '';

/** Nodes of the vocabulary tree walked between two yields of exportSteps. */
const TREE_NODES_PER_STEP = 20_000;

/** Pre-order: per node its entry count, then per entry its label and either the value ('' entries) or the child. */
function* exportTree(map: SearchableMap<number>): Generator<void, { treeKeys: string[]; treeInts: Int32Array }> {
  const keys: string[] = [];
  const ints: number[] = [];
  const root = (map as unknown as { _tree: TreeNode })._tree;
  // An explicit stack (not recursion), so the walk can pause between nodes.
  const stack: Iterator<[string, TreeNode | number]>[] = [];
  const enter = (node: TreeNode) => {
    ints.push(node.size);
    stack.push(node.entries());
  };
  enter(root);
  let nodes = 0;
  while (stack.length) {
    const next = stack[stack.length - 1]!.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const [key, child] = next.value;
    keys.push(key);
    if (key === LEAF) ints.push(child as number);
    else {
      enter(child as TreeNode);
      if (++nodes % TREE_NODES_PER_STEP === 0) yield;
    }
  }
  return { treeKeys: keys, treeInts: Int32Array.from(ints) };
}

function importTree(keys: string[], ints: Int32Array): SearchableMap<number> {
  let k = 0;
  let i = 0;
  const read = (): TreeNode => {
    const node: TreeNode = new Map();
    for (let n = ints[i++]!; n > 0; n--) {
      const key = keys[k++]!;
      node.set(key, key === LEAF ? ints[i++]! : read());
    }
    return node;
  };
  return new SearchableMap<number>(read() as never);
}
