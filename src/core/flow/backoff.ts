import type { Logger } from '../log.js';

export interface BackoffOptions {
  /** First wait; doubles up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** Waits; tests pass a recording stand-in. */
  sleep?: (ms: number) => Promise<void>;
}

export const START_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `attempt` until it succeeds, waiting longer each time (for an outage at start).
 * `fatal(err)` returns an error to stop with instead (e.g. a refused token): that one is thrown.
 */
export async function retryWithBackoff<T>(what: string, attempt: () => Promise<T>, fatal: (err: unknown) => Error | undefined, log: Logger, options: BackoffOptions = START_BACKOFF): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const stop = fatal(err);
      if (stop) throw stop;
      const delay = Math.min(options.maxMs, options.baseMs * 2 ** (n - 1));
      log.warn({ attempt: n, retryInMs: delay, err: (err as Error)?.message ?? String(err) }, `${what} failed; retrying`);
      await sleep(delay);
    }
  }
}
