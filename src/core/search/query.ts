import { UserError } from '../errors.js';
import { ACRONYMS } from './acronyms.js';
import { compoundParts, indexWord, tokenize } from './analyze.js';
import { stem } from './stem.js';
import { QUERY_STOP_WORDS, STOP_WORDS } from './stopwords.js';

/**
 * One thing the searcher asked for. It is satisfied by any of its alternatives; an alternative
 * is a list of index terms that must all appear ("moe" or "mixture"+"expert").
 */
export interface Concept {
  label: string;
  alternatives: string[][];
}

export interface ParsedQuery {
  concepts: Concept[];
  /** Stemmed term sequences that must appear adjacent, in order. */
  phrases: string[][];
  /** Terms and phrases whose presence removes a paper. */
  exclusions: string[][];
}

const stemmed = (words: string[]): string[] => words.map(indexWord).filter((t): t is string => t !== null);

/** Expansion word sequences (stop words kept, as typed) -> the acronym. */
const EXPANSIONS = new Map<string, string>();
const singularKey = (words: string[]): string => words.map((w) => (w.endsWith('s') && w.length > 3 ? w.slice(0, -1) : w)).join(' ');
for (const [acronym, expansions] of Object.entries(ACRONYMS)) {
  for (const e of expansions) EXPANSIONS.set(singularKey(e.split(' ')), acronym);
}
const LONGEST_EXPANSION = Math.max(...[...EXPANSIONS.keys()].map((e) => e.split(' ').length));

export const QUERY_SYNTAX_HINT = 'Try: search "graph neural networks" -survey (quotes for a phrase, a minus to exclude a word)';

/** Parses `"exact phrase"`, `-exclusion` and free words into concepts to score. */
export function parseQuery(query: string): ParsedQuery {
  const phrases: string[][] = [];
  const exclusions: string[][] = [];
  const concepts: Concept[] = [];
  const rest = query.replace(/(^|\s)(-?)"([^"]*)"?/g, (_m, _lead: string, minus: string, inner: string) => {
    const terms = stemmed(tokenize(inner).flatMap(compoundParts));
    if (terms.length === 0) return ' ';
    if (minus) exclusions.push(terms);
    else {
      phrases.push(terms);
      concepts.push({ label: inner.trim(), alternatives: [terms] });
    }
    return ' ';
  });
  const words: string[] = [];
  for (const chunk of rest.split(/\s+/)) {
    if (chunk.length > 1 && chunk.startsWith('-')) {
      const terms = stemmed(tokenize(chunk.slice(1)).flatMap(compoundParts));
      if (terms.length) exclusions.push(terms);
    } else words.push(...tokenize(chunk));
  }
  concepts.push(...wordConcepts(words));
  if (concepts.length === 0) {
    if (exclusions.length > 0) throw new UserError('A search needs at least one word to look for, not only exclusions.', QUERY_SYNTAX_HINT);
    throw new UserError('Type what to search for, e.g. a topic, a method name or a paper title (very common words alone are ignored).', QUERY_SYNTAX_HINT);
  }
  return { concepts, phrases, exclusions };
}

function wordConcepts(words: string[]): Concept[] {
  const concepts: Concept[] = [];
  for (let i = 0; i < words.length; i++) {
    const expansion = findExpansion(words, i);
    if (expansion) {
      const [acronym, length] = expansion;
      const label = words.slice(i, i + length).join(' ');
      concepts.push({ label, alternatives: [stemmed(words.slice(i, i + length)), [acronym]] });
      i += length - 1;
      continue;
    }
    const word = words[i]!;
    if (STOP_WORDS.has(word) || QUERY_STOP_WORDS.has(word)) continue;
    concepts.push(...conceptsOfWord(word));
  }
  return concepts;
}

function conceptsOfWord(word: string): Concept[] {
  const parts = compoundParts(word);
  const singular = word.endsWith('s') ? word.slice(0, -1) : word;
  const acronym = ACRONYMS[word] ? word : ACRONYMS[singular] ? singular : undefined;
  if (acronym) {
    return [{ label: word, alternatives: [[acronym], ...ACRONYMS[acronym]!.map((e) => stemmed(e.split(' ')))] }];
  }
  const spelledOut = parts.length > 1 ? EXPANSIONS.get(singularKey(parts)) : undefined;
  if (spelledOut) return [{ label: word, alternatives: [[stem(parts.join(''))], stemmed(parts), [spelledOut]] }];
  if (parts.length > 1) {
    // Each part is its own concept ("neuro-symbolic" finds "neural-symbolic" partly); the joined
    // spelling ("neurosymbolic") satisfies every part.
    const joined = stem(parts.join(''));
    const concepts = stemmed(parts).map((term) => ({ label: word, alternatives: [[term], [joined]] }));
    return concepts.length ? concepts : [{ label: word, alternatives: [[joined]] }];
  }
  const term = indexWord(word);
  return term ? [{ label: word, alternatives: [[term]] }] : [];
}

/** An acronym expansion typed out in full at position i: [acronym, number of words]. */
function findExpansion(words: string[], i: number): [string, number] | undefined {
  for (let length = Math.min(LONGEST_EXPANSION, words.length - i); length >= 2; length--) {
    const acronym = EXPANSIONS.get(singularKey(words.slice(i, i + length)));
    if (acronym) return [acronym, length];
  }
  return undefined;
}
