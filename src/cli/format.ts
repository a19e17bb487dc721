import { truncate } from '../core/reply.js';
import type { SearchHit } from '../core/search-port.js';
import type { Paper } from '../core/types.js';

/** Widths for terminal output. */
export const TITLE_WIDTH = 100;
export const SNIPPET_WIDTH = 220;

export function formatHits(hits: SearchHit[], offset = 0): string {
  if (hits.length === 0) return '  (no papers found)';
  return hits
    .map((h, i) => `${String(offset + i + 1).padStart(3)}. ${truncate(h.paper.title, TITLE_WIDTH)}\n     ${h.paper.id}  score ${h.score.toFixed(3)}`)
    .join('\n');
}

export function formatPaper(p: Paper): string {
  const lines = [p.title, `id:  ${p.id}`, `url: ${p.url}`];
  if (p.published) lines.push(`published: ${p.published}`);
  if (p.authors?.length) lines.push(`authors: ${p.authors.join(', ')}`);
  lines.push('', wrap(p.abstract, 90));
  return lines.join('\n');
}

export function snippet(p: Paper): string {
  return truncate(p.abstract, SNIPPET_WIDTH);
}

export const hitJson = (h: SearchHit) => ({ id: h.paper.id, title: h.paper.title, score: Number(h.score.toFixed(6)) });
export const idTitleJson = (h: SearchHit) => ({ id: h.paper.id, title: h.paper.title });

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}
