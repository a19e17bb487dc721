import type { Paper } from '../types.js';

/**
 * The hash read back from the parsed-corpus cache beside a paper's text, kept on the paper object
 * itself: a non-enumerable symbol, so keys, spreads, JSON and equality do not see it (a spread
 * copy, which could change the text, does not carry it). A WeakMap cost about 0.2-0.3 s more at
 * 100k papers (its inserts, and its entries in every garbage collection).
 */
const KNOWN = Symbol('textHash');

/**
 * A 32-bit hash (FNV-1a) of the text a paper is indexed by: a paper whose text changed is not the
 * one indexed. Papers are never modified once made, so a hash remembered for the object is its hash.
 */
export function textHash(paper: Pick<Paper, 'title' | 'abstract'>): number {
  const remembered = (paper as { [KNOWN]?: number })[KNOWN];
  if (remembered !== undefined) return remembered;
  let h = 0x811c9dc5;
  const { title, abstract } = paper;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 10, 0x01000193);
  for (let i = 0; i < abstract.length; i++) h = Math.imul(h ^ abstract.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Records `hash` as textHash(paper), which it must be (the cache stores textHash's own output). */
export function rememberTextHash(paper: Paper, hash: number): void {
  Object.defineProperty(paper, KNOWN, { value: hash });
}
