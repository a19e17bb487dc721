import type { Paper } from '../types.js';

/** Hashes already known for paper objects (read back from the parsed-corpus cache beside their text). */
const known = new WeakMap<object, number>();

/**
 * A 32-bit hash (FNV-1a) of the text a paper is indexed by: a paper whose text changed is not the
 * one indexed. Papers are never modified once made, so a hash remembered for the object is its hash.
 */
export function textHash(paper: Pick<Paper, 'title' | 'abstract'>): number {
  const remembered = known.get(paper);
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
  known.set(paper, hash);
}
