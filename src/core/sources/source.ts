import type { RawPaper } from '../corpus/validate.js';

/** One paper as a source reports it, before validation and identity. */
export interface FetchedPaper extends RawPaper {
  /** The arXiv id, version dropped, lower case. */
  arxivId: string;
  upvotes?: number;
}

/** A part of a fetch that can be stored on its own (a day, a page). */
export interface FetchBatch {
  /** What it covers, for the log: "2026-11-20 page 0". */
  label: string;
  papers: FetchedPaper[];
  /** Items the source could not read as papers, each with why. */
  skipped: string[];
}

/** The time span a fetch covers: from the last success (or a fresh start) until now. */
export interface FetchWindow {
  since: Date;
  until: Date;
}

/**
 * A live producer of papers. `fetch` yields batches as they arrive, so each is stored before the
 * next request; it throws a SourceError when the source fails (papers of earlier batches stay).
 */
export interface PaperSource {
  readonly name: string;
  fetch(window: FetchWindow, signal: AbortSignal): AsyncIterable<FetchBatch>;
}

/** A fetch that failed, with a message fit for the log and /papers sources. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    message: string,
    /** Worth retrying soon (network, 5xx, 429) rather than a payload we cannot read. */
    readonly transient: boolean,
    /** Seconds the server asked us to wait (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
