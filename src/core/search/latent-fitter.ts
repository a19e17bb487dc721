import type { Worker } from 'node:worker_threads';
import type { FitInput, FittedSpace } from './semantic.js';
import { siblingModule, startTsWorker } from './worker-thread.js';

/** Fits latent spaces somewhere other than the caller's event loop. */
export interface LatentFitter {
  fit(input: FitInput): Promise<FittedSpace>;
  /** Gets ready for a fit to come (starts the worker), so its start-up overlaps the caller's work. */
  prepare?(): void;
  /** Ends the worker; fits in flight reject. Safe to call twice. */
  close(): Promise<void>;
}

/** A LatentFitter on one worker thread (started on first use), one fit at a time in order. */
export function createWorkerFitter(): LatentFitter {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve(fit: FittedSpace): void; reject(err: Error): void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    const w = startTsWorker(siblingModule('latent-fit-worker', import.meta.url));
    w.on('message', (msg: { id: number; fit?: FittedSpace; error?: string }) => {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.fit) p?.resolve(msg.fit);
      else p?.reject(new Error(`latent fit failed: ${msg.error}`));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => failAll(new Error(`latent fit worker exited (${code})`)));
    return w;
  };
  return {
    prepare() {
      worker ??= start();
    },
    fit(input) {
      worker ??= start();
      const id = nextId++;
      const transfer = [input.df.buffer, input.offsets.buffer, input.docs.buffer, input.counts.buffer] as ArrayBuffer[];
      return new Promise<FittedSpace>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, input }, transfer);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
