import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

let histogram: IntervalHistogram | undefined;
let lastMs = 0;

/**
 * A predicate that is true while this process's event loop runs more than `limitMs` late (the
 * CPU is saturated). Admitting more commands then only lengthens every answer, so the gate
 * answers "busy" instead. One process-wide probe, sampled twice a second.
 */
export function loopLagOver(limitMs: number): () => boolean {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: 20 });
    histogram.enable();
    const timer = setInterval(() => {
      lastMs = histogram!.max / 1e6;
      histogram!.reset();
    }, 500);
    timer.unref();
  }
  return () => lastMs > limitMs;
}
