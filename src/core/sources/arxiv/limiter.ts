import { systemClock, type Clock } from './clock.js';

/** arXiv's terms of use: no more than one request every three seconds, one connection at a time. */
export const ARXIV_MIN_INTERVAL_MS = 3_000;

/**
 * Runs requests one at a time, in the order asked, starting each at least `intervalMs` after the
 * previous one finished. Measuring from the end (not the start) keeps a slow answer from being
 * followed at once by the next request.
 */
export class RequestLimiter {
  private tail: Promise<unknown> = Promise.resolve();
  private lastEnd = Number.NEGATIVE_INFINITY;
  private running = 0;
  /** How many requests ran at once at most: 1 unless something bypassed the queue. */
  maxConcurrent = 0;
  requests = 0;

  constructor(
    readonly intervalMs: number = ARXIV_MIN_INTERVAL_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Queues `request`; a caller whose signal aborts while waiting leaves the queue without a request. */
  run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const turn = this.tail.then(async () => {
      signal?.throwIfAborted();
      const wait = this.lastEnd + this.intervalMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, signal);
      this.running += 1;
      this.requests += 1;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
      try {
        return await request();
      } finally {
        this.running -= 1;
        this.lastEnd = this.clock.now();
      }
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}

let processLimiter: RequestLimiter | undefined;

/** The one limiter every arXiv request of this process goes through. */
export function processArxivLimiter(): RequestLimiter {
  processLimiter ??= new RequestLimiter();
  return processLimiter;
}
