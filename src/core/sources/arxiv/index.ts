export { parseArxivFeed, type ArxivPage, type ArxivPaper, type SkippedEntry } from './atom.js';
export { ArxivClient, type ArxivClientOptions, type PageQuery } from './client.js';
export { systemClock, type Clock } from './clock.js';
export { ArxivError, type ArxivFailure } from './errors.js';
export { arxivAbsUrl, isArxivCategory, parseArxivId, type ArxivIdentifier } from './ids.js';
export { arxivUserAgent } from './user-agent.js';
export { ARXIV_MIN_INTERVAL_MS, RequestLimiter, processArxivLimiter } from './limiter.js';
export { fetchCategory, type CategoryResult, type CategoryWindow } from './paging.js';
export { pollArxiv, windowStart, type ArxivCursor, type CategoryReport, type PollOptions, type PollResult } from './poll.js';
