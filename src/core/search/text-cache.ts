import type { Paper } from '../types.js';
import { analyze } from './analyze.js';

/** How many papers' analyzed text re-ranking keeps at hand. */
export const TEXT_CACHE_LIMIT = 4096;

/** Index terms of recently re-ranked papers, so repeated queries do not re-analyze the same text. */
export class TextCache {
  private readonly entries = new Map<string, { title: string[]; abstract: string[] }>();

  get(paper: Paper): { title: string[]; abstract: string[] } {
    let entry = this.entries.get(paper.id);
    if (!entry) {
      entry = { title: analyze(paper.title), abstract: analyze(paper.abstract) };
      if (this.entries.size >= TEXT_CACHE_LIMIT) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(paper.id, entry);
    }
    return entry;
  }
}
