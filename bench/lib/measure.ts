/** Timing and memory helpers for bench sections. */
import { scanMemoryBytes } from '../../src/core/search/dot-scan.js';

export function time<T>(run: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export async function timeAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.hrtime.bigint();
  const value = await run();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** The p-th percentile (nearest rank); NaN for no values, so an empty measurement never reads as 0 ms. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Heap in use after a full GC, in MB (NaN when node runs without --expose-gc). */
export function heapAfterGcMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Heap in use plus typed arrays' buffers and the latent scan's WebAssembly memory (outside the JS heap) after a full GC, in MB (NaN without --expose-gc). */
export function memoryAfterGcMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  // The latent scan's vectors sit in WebAssembly memory, which arrayBuffers leaves out.
  return (heapUsed + arrayBuffers + scanMemoryBytes()) / 1024 / 1024;
}

export const fmt = (x: number, digits = 1) => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
