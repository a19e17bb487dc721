import type { ArxivPaper, SkippedEntry } from './atom.js';
import type { ArxivClient } from './client.js';
import { fetchCategory } from './paging.js';

const DAY_MS = 86_400_000;

/** What the arXiv source remembers between polls (stored as JSON by the source machinery). */
export interface ArxivCursor {
  /** Per category: the newest submission date (ISO) seen by the last successful poll. */
  newestSubmitted: Record<string, string>;
}

export interface PollOptions {
  categories: string[];
  /** Look this far behind the newest submission already seen (late announcements, cross-lists). */
  marginDays: number;
  /** Never look further back than this, however long ago the last success was. */
  maxCatchUpDays: number;
  /** How far back a category never polled before starts. */
  firstPollDays: number;
  pageSize: number;
  maxPagesPerCategory: number;
}

export interface CategoryReport {
  category: string;
  since: string;
  fetched: number;
  pages: number;
  truncated: boolean;
  skipped: SkippedEntry[];
  error?: Error;
}

export interface PollResult {
  /** Each paper once, however many of the polled categories list it. */
  papers: ArxivPaper[];
  /** The cursor to keep: categories that failed keep their old entry, so the next poll retries them. */
  cursor: ArxivCursor;
  reports: CategoryReport[];
}

/** Where one category's window starts: behind the newest seen, bounded by the catch-up limit. */
export function windowStart(previousNewest: string | undefined, now: number, options: Pick<PollOptions, 'marginDays' | 'maxCatchUpDays' | 'firstPollDays'>): Date {
  const floor = now - options.maxCatchUpDays * DAY_MS;
  const newest = previousNewest === undefined ? Number.NaN : Date.parse(previousNewest);
  const start = Number.isNaN(newest) ? now - options.firstPollDays * DAY_MS : Math.min(newest, now) - options.marginDays * DAY_MS;
  return new Date(Math.max(start, floor));
}

/**
 * Polls every category in turn (their requests share the client's limiter). One category
 * failing does not lose what the others fetched; its error is in its report.
 */
export async function pollArxiv(client: ArxivClient, cursor: ArxivCursor | undefined, now: number, options: PollOptions, signal?: AbortSignal): Promise<PollResult> {
  const byId = new Map<string, ArxivPaper>();
  const next: ArxivCursor = { newestSubmitted: { ...cursor?.newestSubmitted } };
  const reports: CategoryReport[] = [];
  for (const category of options.categories) {
    const since = windowStart(cursor?.newestSubmitted[category], now, options);
    const report: CategoryReport = { category, since: since.toISOString(), fetched: 0, pages: 0, truncated: false, skipped: [] };
    reports.push(report);
    try {
      const result = await fetchCategory(client, { category, since, pageSize: options.pageSize, maxPages: options.maxPagesPerCategory }, signal);
      Object.assign(report, { fetched: result.papers.length, pages: result.pages, truncated: result.truncated, skipped: result.skipped });
      for (const paper of result.papers) {
        const known = byId.get(paper.arxivId);
        if (!known || (paper.version ?? 0) > (known.version ?? 0)) byId.set(paper.arxivId, paper);
      }
      const newest = newestOf(result.papers);
      const before = next.newestSubmitted[category];
      if (newest && (!before || Date.parse(newest) > Date.parse(before))) next.newestSubmitted[category] = newest;
    } catch (err) {
      if (signal?.aborted) throw err;
      report.error = err as Error;
    }
  }
  return { papers: [...byId.values()], cursor: next, reports };
}

function newestOf(papers: ArxivPaper[]): string | undefined {
  let best: string | undefined;
  for (const p of papers) if (!best || Date.parse(p.published) > Date.parse(best)) best = p.published;
  return best;
}
