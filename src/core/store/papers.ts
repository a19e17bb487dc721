import type { StoredPaper } from './port.js';

/** True when saving `next` over `known` would change nothing a reader can see. */
export function samePaper(known: StoredPaper, next: StoredPaper): boolean {
  return (
    known.title === next.title &&
    known.abstract === next.abstract &&
    known.url === next.url &&
    known.source === next.source &&
    (known.arxivId ?? null) === (next.arxivId ?? null) &&
    (known.published ?? null) === (next.published ?? null) &&
    (known.upvotes ?? null) === (next.upvotes ?? null) &&
    JSON.stringify(known.authors ?? null) === JSON.stringify(next.authors ?? null)
  );
}
