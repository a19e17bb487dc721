/** Worker-thread side of LatentFitter: computes one fit per message, off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { computeFit, type FitInput } from './semantic.js';

parentPort?.on('message', ({ id, input }: { id: number; input: FitInput }) => {
  try {
    const fit = computeFit(input);
    const buffers = [fit.idf.buffer, fit.termVectors.buffer, fit.termUnits.buffer, fit.docVectors.buffer] as ArrayBuffer[];
    parentPort!.postMessage({ id, fit }, [...new Set(buffers)]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
