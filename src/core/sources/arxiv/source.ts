import type { Logger } from '../../log.js';
import { SourceError, type FetchBatch, type FetchedPaper, type PaperSource } from '../source.js';
import type { ArxivPaper } from './atom.js';
import type { ArxivClient } from './client.js';
import { ArxivError } from './errors.js';
import { categoryPages } from './paging.js';
import { windowStart, type ArxivCursor, type PollOptions } from './window.js';

/** Where the source keeps its cursor between polls and restarts (the store's source_cursor row). */
export interface CursorStore {
  load(): string | undefined;
  save(value: string): void;
}

export interface ArxivSourceOptions extends PollOptions {
  client: ArxivClient;
  cursor: CursorStore;
  log: Logger;
  /** When to poll: after arXiv's daily announcement. */
  schedule: { cron: string; timeZone: string };
}

/** A fetched arXiv record in the shape every source hands to ingestion. */
export function toFetchedPaper(p: ArxivPaper): FetchedPaper {
  return {
    arxivId: p.arxivId.toLowerCase(),
    title: p.title,
    abstract: p.abstract,
    published: p.published.slice(0, 10),
    ...(p.authors.length ? { authors: p.authors } : {}),
    ...(p.categories.length ? { categories: p.categories } : {}),
  };
}

export function readCursor(text: string | undefined): ArxivCursor {
  try {
    const value = JSON.parse(text ?? '{}') as { newestSubmitted?: unknown };
    const entries = Object.entries(typeof value.newestSubmitted === 'object' && value.newestSubmitted !== null ? value.newestSubmitted : {});
    return { newestSubmitted: Object.fromEntries(entries.filter(([, v]) => typeof v === 'string' && !Number.isNaN(Date.parse(v)))) as Record<string, string> };
  } catch {
    return { newestSubmitted: {} };
  }
}

/**
 * arXiv categories as a live source. Each category is paged by the rule in `categoryPages`, one
 * batch per page (stored before the next request); its cursor moves only once all its pages are
 * stored. A category that fails leaves its cursor where it was and the others go on; the fetch
 * then fails naming it, so the runner retries with backoff.
 */
export function createArxivSource(options: ArxivSourceOptions): PaperSource {
  return {
    name: 'arxiv',
    schedule: options.schedule,
    async *fetch(window, signal): AsyncIterable<FetchBatch> {
      if (options.categories.length === 0) return;
      const cursor = readCursor(options.cursor.load());
      const failures: ArxivError[] = [];
      const failed: string[] = [];
      for (const category of options.categories) {
        const since = windowStart(cursor.newestSubmitted[category], window.until.getTime(), options);
        let newest = Number.NEGATIVE_INFINITY;
        try {
          for await (const page of categoryPages(options.client, { category, since, pageSize: options.pageSize, maxPages: options.maxPagesPerCategory }, signal)) {
            for (const p of page.papers) newest = Math.max(newest, Date.parse(p.published));
            if (page.more) options.log.warn({ source: 'arxiv', category, pages: options.maxPagesPerCategory }, `arxiv: ${category} has more papers since ${since.toISOString().slice(0, 10)} than ${options.maxPagesPerCategory} pages hold; the rest are skipped this time`);
            yield { label: `${category} from ${page.start}`, papers: page.papers.map(toFetchedPaper), skipped: page.skipped.map((s) => `${s.id}: ${s.reason}`) };
          }
        } catch (err) {
          if (signal.aborted || !(err instanceof ArxivError)) throw err;
          failures.push(err);
          failed.push(`${category}: ${err.message.replace(/^arXiv: /, '')}`);
          continue;
        }
        const before = Date.parse(cursor.newestSubmitted[category] ?? '');
        if (newest > Number.NEGATIVE_INFINITY && !(before >= newest)) {
          cursor.newestSubmitted[category] = new Date(newest).toISOString();
          options.cursor.save(JSON.stringify(cursor));
        }
      }
      if (failures.length) {
        const retryAfter = Math.max(0, ...failures.map((f) => f.retryAfterSeconds ?? 0));
        throw new SourceError(failed.join('; '), failures.every((f) => f.retryable), retryAfter || undefined);
      }
    },
  };
}
