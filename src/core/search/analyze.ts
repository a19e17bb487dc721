import { stem } from './stem.js';
import { STOP_WORDS } from './stopwords.js';

/** Words, numbers and hyphenated compounds ("neuro-symbolic", "GPT-4"); apostrophes dropped. */
export const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Raw lower-case tokens of a text, compounds kept whole. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Splits a compound token into its word parts ("chain-of-thought" -> chain, of, thought). */
export function compoundParts(token: string): string[] {
  return token.replace(/['’](s|t|d|ll|re|ve|m)\b/g, '').split(/['’-]/).filter(Boolean);
}

/** A word as the index holds it: stemmed, or null for a stop word. */
export function indexWord(word: string): string | null {
  return STOP_WORDS.has(word) ? null : stem(word);
}

/**
 * The index terms of one token: its stemmed parts and, for a compound, the parts joined too, so
 * "neurosymbolic" and "neuro-symbolic" meet.
 */
export function termsOfToken(token: string): string[] {
  if (!isCompound(token)) {
    const term = indexWord(token);
    return term === null ? [] : [term];
  }
  const parts = compoundParts(token);
  const terms = parts.map(indexWord).filter((t): t is string => t !== null);
  if (parts.length > 1) terms.push(stem(parts.join('')));
  return terms;
}

/** The index terms of a text, in order (compound joins right after their parts). */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (isCompound(token)) out.push(...termsOfToken(token));
    else if (!STOP_WORDS.has(token)) out.push(stem(token));
  }
  return out;
}

const isCompound = (token: string): boolean => token.includes('-') || token.includes("'") || token.includes('’');

/** The words of a text as index terms in reading order, compounds split: for phrase checks. */
export function analyzeWords(text: string): string[] {
  return tokenize(text)
    .flatMap(compoundParts)
    .map(indexWord)
    .filter((t): t is string => t !== null);
}
