import type { ArxivPaper, SkippedEntry } from './atom.js';
import type { ArxivClient } from './client.js';

export interface CategoryWindow {
  category: string;
  /** Papers submitted before this are outside the window. */
  since: Date;
  pageSize: number;
  /** A bound on one category's pages per poll, whatever the listing holds. */
  maxPages: number;
}

export interface CategoryResult {
  category: string;
  /** Every paper submitted since the window's start, once each, newest first. */
  papers: ArxivPaper[];
  skipped: SkippedEntry[];
  pages: number;
  /** True when maxPages ran out before the listing reached the window's start. */
  truncated: boolean;
}

/**
 * Pages through one category, newest submissions first, until a whole page was submitted
 * before `since`. Stopping at the first paper already seen would lose papers: arXiv announces
 * some days after submission (holds, moderation, cross-lists), so they turn up between papers
 * the last poll already had.
 */
export async function fetchCategory(client: ArxivClient, window: CategoryWindow, signal?: AbortSignal): Promise<CategoryResult> {
  const since = window.since.getTime();
  const seen = new Set<string>();
  const result: CategoryResult = { category: window.category, papers: [], skipped: [], pages: 0, truncated: false };
  for (let start = 0; ; start += window.pageSize) {
    if (result.pages >= window.maxPages) {
      result.truncated = true;
      return result;
    }
    const page = await client.page({ category: window.category, start, maxResults: window.pageSize }, signal);
    result.pages += 1;
    result.skipped.push(...page.skipped);
    let inWindow = 0;
    for (const paper of page.papers) {
      if (Date.parse(paper.published) < since) continue;
      inWindow += 1;
      if (seen.has(paper.arxivId)) continue; // the listing can shift by a few between pages
      seen.add(paper.arxivId);
      result.papers.push(paper);
    }
    const listingEnds = page.entryCount < window.pageSize || (page.totalResults !== null && start + page.entryCount >= page.totalResults);
    if (inWindow === 0 || listingEnds) return result;
  }
}
