import type { Paper } from '../types.js';
import { compoundParts, indexWord, tokenize } from './analyze.js';
import { stem } from './stem.js';

/** What a topic's concept looks for: its own words (index terms) and its multi-word alternatives. */
export interface ConceptWords {
  ownWords: Set<string>;
  alternatives: string[][];
}

/** At most this many words or phrases are kept as a hit's evidence. */
export const MAX_EVIDENCE = 4;

interface Word {
  surface: string;
  term: string;
}

/** The paper's words in reading order (compounds split, stop words out), each with its index term. */
function wordsOf(text: string): { words: Word[]; compounds: Word[] } {
  const words: Word[] = [];
  const compounds: Word[] = [];
  for (const token of tokenize(text)) {
    const parts = compoundParts(token);
    for (const part of parts) {
      const term = indexWord(part);
      if (term !== null) words.push({ surface: part, term });
    }
    if (parts.length > 1) compounds.push({ surface: token, term: stem(parts.join('')) });
  }
  return { words, compounds };
}

/**
 * The words and phrases of a topic as the paper writes them (lower case, title first), one per
 * concept the paper has, in the topic's order: the evidence "why this paper" shows. Only the
 * concepts' own words count, never latent related terms.
 */
export function ownWordEvidence(paper: Paper, concepts: ConceptWords[]): string[] {
  const { words, compounds } = wordsOf(`${paper.title}\n${paper.abstract}`);
  const out: string[] = [];
  for (const c of concepts) {
    let found: string | undefined;
    for (const phrase of c.alternatives) {
      if (phrase.length < 2 || found) continue;
      for (let i = 0; i + phrase.length <= words.length && !found; i++) {
        if (phrase.every((t, j) => words[i + j]!.term === t)) found = words.slice(i, i + phrase.length).map((w) => w.surface).join(' ');
      }
    }
    found ??= words.find((w) => c.ownWords.has(w.term))?.surface ?? compounds.find((w) => c.ownWords.has(w.term))?.surface;
    if (found && !out.includes(found)) out.push(found);
    if (out.length >= MAX_EVIDENCE) break;
  }
  return out;
}
