import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Papers indexed between two turns of the event loop when many arrive at once. */
export const PAPERS_PER_SLICE = 200;

/** Calls `take` on consecutive slices of `items`, letting the event loop run between slices. */
export async function inSlices<T, R>(items: T[], take: (slice: T[]) => R[], size = PAPERS_PER_SLICE): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...take(items.slice(i, i + size)));
    if (i + size < items.length) await yieldToLoop();
  }
  return out;
}
