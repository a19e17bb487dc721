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

/** Where one category's window starts: behind the newest seen, bounded by the catch-up limit. */
export function windowStart(previousNewest: string | undefined, now: number, options: Pick<PollOptions, 'marginDays' | 'maxCatchUpDays' | 'firstPollDays'>): Date {
  const floor = now - options.maxCatchUpDays * DAY_MS;
  const newest = previousNewest === undefined ? Number.NaN : Date.parse(previousNewest);
  const start = Number.isNaN(newest) ? now - options.firstPollDays * DAY_MS : Math.min(newest, now) - options.marginDays * DAY_MS;
  return new Date(Math.max(start, floor));
}
