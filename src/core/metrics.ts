import type { Platform } from './types.js';

/** What the core reports about itself; the app backs it with prom-client. */
export interface Metrics {
  /** One command or button handled, with how it ended and how long it took. */
  commandHandled(platform: Platform, command: string, outcome: 'ok' | 'user_error' | 'error', seconds: number): void;
  /** One search run (any platform or digest), with its latency. */
  searchRan(seconds: number): void;
  /** One digest message sent or given up on. */
  digestSent(platform: Platform, kind: 'channel' | 'user', papers: number): void;
  digestFailed(platform: Platform, kind: 'channel' | 'user', failure: string): void;
}

export const noMetrics: Metrics = {
  commandHandled() {},
  searchRan() {},
  digestSent() {},
  digestFailed() {},
};
