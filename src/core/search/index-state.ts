import type MiniSearch from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import type { FittedSpace } from './semantic.js';

/**
 * Everything a PaperIndex holds besides the papers themselves, as flat arrays: what a snapshot
 * stores and a restore feeds back without analysing any text. Terms are numbered by their place
 * in `terms` (document-frequency order, which later fits read in), so each is stored once.
 */
export interface IndexState {
  /** Paper id per short document id. */
  ids: string[];
  terms: string[];
  df: Int32Array;
  /** minisearch's per-document field lengths (title, abstract) and their running averages. */
  fieldLength: Int32Array;
  avgFieldLength: Float64Array;
  documentCount: number;
  /** Postings in the term tree's order: term ids, then per term a title and an abstract range of docs and counts. */
  postingTerms: Int32Array;
  postingOffsets: Int32Array;
  postingDocs: Int32Array;
  postingCounts: Int32Array;
  /** Typo correction: each word papers use, with the term it stands for. */
  wordTokens: string[];
  wordTerms: Int32Array;
  /** Per term, the word forms papers use for it, each with its papers (docs[offsets[i]..offsets[i+1])). */
  formTerms: Int32Array;
  formNames: string[];
  formOffsets: Int32Array;
  formDocs: Int32Array;
  latent?: FittedSpace;
}

/** minisearch 7.x's fields read and written here (protected in its typings; checked by Postings too). */
interface MiniInternals {
  _index: SearchableMap<Map<number, Map<number, number>>>;
  _documentCount: number;
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _nextId: number;
}

const FIELDS = ['title', 'abstract'] as const;

/** The inverted index of a minisearch instance as arrays (terms numbered by `termId`). */
export function exportMini(mini: MiniSearch<any>, termId: (term: string) => number) {
  const m = mini as unknown as MiniInternals;
  const fieldIds = FIELDS.map((f) => m._fieldIds[f]!);
  const ids: string[] = [];
  const fieldLength = new Int32Array(m._nextId * 2);
  for (let doc = 0; doc < m._nextId; doc++) {
    ids.push(m._documentIds.get(doc)!);
    const lengths = m._fieldLength.get(doc);
    fieldIds.forEach((f, i) => (fieldLength[doc * 2 + i] = lengths?.[f] ?? 0));
  }
  const postingTerms: number[] = [];
  const offsets: number[] = [0];
  const docs: number[] = [];
  const counts: number[] = [];
  for (const [term, data] of m._index) {
    postingTerms.push(termId(term));
    for (const f of fieldIds) {
      const postings = data.get(f);
      if (postings) for (const [doc, count] of postings) {
        docs.push(doc);
        counts.push(count);
      }
      offsets.push(docs.length);
    }
  }
  return {
    ids, fieldLength, avgFieldLength: Float64Array.from(fieldIds.map((f) => m._avgFieldLength[f] ?? 0)), documentCount: m._documentCount,
    postingTerms: Int32Array.from(postingTerms), postingOffsets: Int32Array.from(offsets), postingDocs: Int32Array.from(docs), postingCounts: Int32Array.from(counts),
  };
}

/** Fills a fresh minisearch instance (same options, nothing added) from a state. */
export function importMini(mini: MiniSearch<any>, state: IndexState): void {
  const m = mini as unknown as MiniInternals;
  const fieldIds = FIELDS.map((f) => m._fieldIds[f]!);
  const n = state.ids.length;
  m._nextId = n;
  m._documentCount = state.documentCount;
  m._avgFieldLength = [];
  fieldIds.forEach((f, i) => (m._avgFieldLength[f] = state.avgFieldLength[i]!));
  for (let doc = 0; doc < n; doc++) {
    const id = state.ids[doc]!;
    m._documentIds.set(doc, id);
    m._idToShortId.set(id, doc);
    const lengths: number[] = [];
    fieldIds.forEach((f, i) => (lengths[f] = state.fieldLength[doc * 2 + i]!));
    m._fieldLength.set(doc, lengths);
  }
  const { postingTerms, postingOffsets: offsets, postingDocs: docs, postingCounts: counts } = state;
  for (let i = 0; i < postingTerms.length; i++) {
    const data = new Map<number, Map<number, number>>();
    fieldIds.forEach((f, k) => {
      const from = offsets[i * 2 + k]!;
      const to = offsets[i * 2 + k + 1]!;
      if (from === to) return;
      const postings = new Map<number, number>();
      for (let e = from; e < to; e++) postings.set(docs[e]!, counts[e]!);
      data.set(f, postings);
    });
    m._index.set(state.terms[postingTerms[i]!]!, data);
  }
}
