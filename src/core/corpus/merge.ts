import type { Paper } from '../types.js';
import { arxivSearchUrl, normalizeTitle } from './normalize.js';

/**
 * Merges papers that share an id (the same normalized title). The result does not depend on the
 * order of the input: the longer abstract wins, and a real URL beats the arXiv search fallback.
 */
export function mergeDuplicates(papers: Paper[]): { papers: Paper[]; merged: number; collisions: string[] } {
  const byId = new Map<string, Paper>();
  const collisions: string[] = [];
  let merged = 0;
  for (const paper of papers) {
    const known = byId.get(paper.id);
    if (!known) {
      // Kept as is (papers are never modified): a copy would cost 100k objects at start and lose what is remembered of it (text-hash.ts).
      byId.set(paper.id, paper);
      continue;
    }
    if (normalizeTitle(known.title) !== normalizeTitle(paper.title)) {
      collisions.push(`id ${paper.id} is shared by "${known.title}" and "${paper.title}": kept the first`);
      continue;
    }
    merged++;
    byId.set(paper.id, combine(known, paper));
  }
  return { papers: [...byId.values()], merged, collisions };
}

function combine(a: Paper, b: Paper): Paper {
  const [main, other] = prefer(a, b) ? [a, b] : [b, a];
  const out: Paper = { ...main };
  if (isFallbackUrl(out) && !isFallbackUrl(other)) out.url = other.url;
  out.published ??= other.published;
  out.authors ??= other.authors;
  if (out.published === undefined) delete out.published;
  if (out.authors === undefined) delete out.authors;
  return out;
}

function prefer(a: Paper, b: Paper): boolean {
  if (a.abstract.length !== b.abstract.length) return a.abstract.length > b.abstract.length;
  return a.title <= b.title;
}

function isFallbackUrl(p: Paper): boolean {
  return p.url === arxivSearchUrl(p.title);
}
