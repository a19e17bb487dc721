import type { Clock } from '../../src/core/sources/arxiv/index.js';

/** A clock whose sleeps return at once and move its time on: the 3-second spacing without waiting. */
export interface VirtualClock extends Clock {
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function virtualClock(start = Date.parse('2024-01-24T02:00:00Z')): VirtualClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}
