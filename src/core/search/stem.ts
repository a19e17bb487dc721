import porter2 from 'wink-porter2-stemmer';
import { ACRONYMS } from './acronyms.js';

/**
 * Snowball English (Porter2) stems, from a maintained package, so "transformers", "transforming"
 * and "transformer" meet in the index. Porter2 keeps apart words the 1980 Porter stemmer merged
 * (generalization/generation, communication/community). British -ise spellings are folded to
 * -ize first ("optimisers" finds "optimizers"). Stems that still merge words a corpus uses
 * differently ("organ", "organization") are told apart at query time (see PaperIndex.expand).
 */

const cache = new Map<string, string>();
/** Memoized stems: corpora repeat words, so this saves most of the work at index time. */
export const STEM_CACHE_LIMIT = 200_000;

export function stem(word: string): string {
  let out = cache.get(word);
  if (out === undefined) {
    out = /^[a-z]{3,}$/.test(word) ? porter2(britishToAmerican(acronymSingular(word))) : word;
    if (cache.size < STEM_CACHE_LIMIT) cache.set(word, out);
  }
  return out;
}

/**
 * Porter2 keeps the s of a plural with no vowel before it ("llms", "gnns") or a vowel right before
 * it ("pdes", "gpus"): right for English words ("gas", "focus"), wrong for acronyms.
 */
function acronymSingular(w: string): string {
  if (!w.endsWith('s')) return w;
  const singular = w.slice(0, -1);
  return !/[aeiouy]/.test(singular) || ACRONYMS[singular] ? singular : w;
}

function britishToAmerican(w: string): string {
  if (w.length < 6) return w;
  return w.replace(/is(e|es|ed|er|ers|ing|ation|ations)$/, 'iz$1');
}

/**
 * A word with only its inflection undone (plural, British spelling): "transformers" ->
 * "transformer", "organs" -> "organ", "organisations" -> "organization". Words of one stem class
 * that keep different forms here may mean different things ("organ", "organization").
 */
export function wordForm(word: string): string {
  if (!/^[a-z]{3,}$/.test(word)) return word;
  const w = britishToAmerican(acronymSingular(word));
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}
