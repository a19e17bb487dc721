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

/** One page of a category, reduced to the papers inside the window not yet seen on earlier pages. */
export interface CategoryPage {
  start: number;
  papers: ArxivPaper[];
  skipped: SkippedEntry[];
  /** True when the paging rule would read another page (on the last page: maxPages cut it short). */
  more: boolean;
}

/**
 * Pages through one category, newest submissions first, until a whole page was submitted
 * before `since`. Stopping at the first paper already seen would lose papers: arXiv announces
 * some days after submission (holds, moderation, cross-lists), so they turn up between papers
 * the last poll already had.
 */
export async function* categoryPages(client: ArxivClient, window: CategoryWindow, signal?: AbortSignal): AsyncGenerator<CategoryPage> {
  const since = window.since.getTime();
  const seen = new Set<string>();
  for (let n = 0, start = 0; n < window.maxPages; n++, start += window.pageSize) {
    const page = await client.page({ category: window.category, start, maxResults: window.pageSize }, signal);
    const papers: ArxivPaper[] = [];
    let inWindow = 0;
    for (const paper of page.papers) {
      if (Date.parse(paper.published) < since) continue;
      inWindow += 1;
      if (seen.has(paper.arxivId)) continue; // the listing can shift by a few between pages
      seen.add(paper.arxivId);
      papers.push(paper);
    }
    const listingEnds = page.entryCount < window.pageSize || (page.totalResults !== null && start + page.entryCount >= page.totalResults);
    const more = inWindow > 0 && !listingEnds;
    yield { start, papers, skipped: page.skipped, more };
    if (!more) return;
  }
}

/** Every page of `categoryPages` at once. */
export async function fetchCategory(client: ArxivClient, window: CategoryWindow, signal?: AbortSignal): Promise<CategoryResult> {
  const result: CategoryResult = { category: window.category, papers: [], skipped: [], pages: 0, truncated: false };
  for await (const page of categoryPages(client, window, signal)) {
    result.pages += 1;
    result.papers.push(...page.papers);
    result.skipped.push(...page.skipped);
    result.truncated = page.more;
  }
  return result;
}
