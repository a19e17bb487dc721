/** Why a request to the arXiv export API failed. */
export type ArxivFailure =
  /** No answer: connection refused or reset, DNS, or our own timeout. */
  | 'network'
  /** arXiv answered 429 or 5xx (often an HTML "service unavailable" page). */
  | 'unavailable'
  /** An answer that is not a whole Atom feed: truncated, HTML, or an empty page mid-listing. */
  | 'malformed'
  /** arXiv's own error feed (one entry titled "Error"), e.g. a malformed query. */
  | 'api'
  /** Any other HTTP status, e.g. 400 or 404 without an error feed. */
  | 'http';

export class ArxivError extends Error {
  constructor(
    message: string,
    readonly failure: ArxivFailure,
    /** HTTP status when there was one. */
    readonly status?: number,
    /** Seconds arXiv asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`arXiv: ${message}`);
    this.name = 'ArxivError';
  }

  /** Worth asking again later: the same request may well succeed. */
  get retryable(): boolean {
    return this.failure === 'network' || this.failure === 'unavailable' || this.failure === 'malformed';
  }
}
