import type { Paper } from '../types.js';
import { compoundParts, TOKEN } from './analyze.js';
import { STOP_WORDS } from './stopwords.js';

/** What a topic's concept looks for, as term ids: its own words and its multi-word alternatives. */
export interface ConceptIds {
  ownIds: Set<number>;
  phraseIds: Int32Array[];
}

/** tokenize()'s pattern, for reading tokens one at a time (its own copy: exec keeps state in lastIndex). */
const pattern = new RegExp(TOKEN.source, TOKEN.flags);

/** At most this many words or phrases are kept as a hit's evidence. */
export const MAX_EVIDENCE = 4;

/** Where a concept's evidence sits: `length` words from word `at`, or (length 0) the compound numbered `at`. */
interface Span {
  at: number;
  length: number;
}

/**
 * The words and phrases of a topic as the paper writes them (lower case, title first), one per
 * concept the paper has, in the topic's order: the evidence "why this paper" shows. Only the
 * concepts' own words count, never latent related terms. For each concept: the first place one of
 * its phrases stands, else its first own word, else its first hyphenated compound ("neuro-symbolic").
 *
 * `entries` is the paper's title then abstract as DocumentSequences stores them (a word's term id,
 * or -1 - t for a compound's joined term): the places are found on term ids, and only the text up
 * to the last place is tokenized again (no stemming) to read the words as written.
 */
export function ownWordEvidence(paper: Paper, entries: Int32Array, concepts: ConceptIds[]): string[] {
  let wordCount = 0;
  for (let i = 0; i < entries.length; i++) if (entries[i]! >= 0) wordCount++;
  const words = new Int32Array(wordCount);
  let compoundCount = 0;
  for (let i = 0, w = 0; i < entries.length; i++) {
    if (entries[i]! >= 0) words[w++] = entries[i]!;
    else compoundCount++;
  }
  const compounds = new Int32Array(compoundCount);
  for (let i = 0, k = 0; i < entries.length; i++) if (entries[i]! < 0) compounds[k++] = -1 - entries[i]!;
  const spans = concepts.map((c) => placeOf(c, words, compounds));
  const surfaces = readSurfaces(paper, spans);
  const out: string[] = [];
  for (const span of spans) {
    const found = span && surfaces.get(span);
    if (found && !out.includes(found)) out.push(found);
    if (out.length >= MAX_EVIDENCE) break;
  }
  return out;
}

function placeOf(c: ConceptIds, words: Int32Array, compounds: Int32Array): Span | undefined {
  for (const phrase of c.phraseIds) {
    for (let i = 0; i + phrase.length <= words.length; i++) {
      let k = 0;
      while (k < phrase.length && words[i + k] === phrase[k]) k++;
      if (k === phrase.length) return { at: i, length: phrase.length };
    }
  }
  for (let i = 0; i < words.length; i++) if (c.ownIds.has(words[i]!)) return { at: i, length: 1 };
  for (let i = 0; i < compounds.length; i++) if (c.ownIds.has(compounds[i]!)) return { at: i, length: 0 };
  return undefined;
}

/** The spans' text as written: the paper's tokens walked as the index split them (compounds into words, stop words out). */
function readSurfaces(paper: Paper, spans: (Span | undefined)[]): Map<Span, string> {
  let lastWord = -1;
  let lastCompound = -1;
  for (const s of spans) {
    if (!s) continue;
    if (s.length > 0) lastWord = Math.max(lastWord, s.at + s.length - 1);
    else lastCompound = Math.max(lastCompound, s.at);
  }
  const out = new Map<Span, string>();
  if (lastWord < 0 && lastCompound < 0) return out;
  const wordText: string[] = [];
  const compoundText: string[] = [];
  // tokenize()'s tokens, read one at a time up to the last place (title first: most evidence is there).
  for (const text of [paper.title, paper.abstract]) {
    const lower = text.toLowerCase();
    pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = pattern.exec(lower)) !== null && (wordText.length <= lastWord || compoundText.length <= lastCompound)) {
      const token = m[0];
      const parts = /['’-]/.test(token) ? compoundParts(token) : [token];
      for (const part of parts) if (!STOP_WORDS.has(part)) wordText.push(part);
      if (parts.length > 1) compoundText.push(token);
    }
    if (wordText.length > lastWord && compoundText.length > lastCompound) break;
  }
  for (const s of spans) {
    if (!s) continue;
    out.set(s, s.length > 0 ? wordText.slice(s.at, s.at + s.length).join(' ') : compoundText[s.at]!);
  }
  return out;
}
