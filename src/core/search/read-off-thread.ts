import { Worker } from 'node:worker_threads';

/** A file read whole, with the CRC-32 of all but its last `trailer` bytes. */
export interface ReadFile {
  file: Buffer;
  crc: number;
}

// Plain JavaScript with no loader flags, so the thread starts in milliseconds (no tsx).
const READER = `
  const { workerData, parentPort } = require('node:worker_threads');
  const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
  const { crc32 } = require('node:zlib');
  const { path, trailer } = workerData;
  try {
    const fd = openSync(path, 'r');
    let file;
    try {
      const size = fstatSync(fd).size;
      file = new Uint8Array(new ArrayBuffer(size));
      let at = 0;
      while (at < size) {
        const n = readSync(fd, file, at, size - at, at);
        if (n === 0) break;
        at += n;
      }
      if (at < size) file = file.subarray(0, at);
    } finally {
      closeSync(fd);
    }
    const crc = crc32(file.subarray(0, Math.max(0, file.length - trailer)));
    parentPort.postMessage({ buffer: file.buffer, length: file.length, crc }, [file.buffer]);
  } catch (err) {
    parentPort.postMessage({ error: err.message, code: err.code });
  }`;

/**
 * Reads `path` and checksums it on a worker thread of its own, then hands the memory over
 * without a copy. On this kind of machine most of a large read's cost is the first touch of
 * fresh pages (the kernel's copy, then the checksum's pass): off the main thread, it overlaps
 * the corpus load instead of adding to it. Rejects with the error's `code` (ENOENT) kept.
 */
export function readOffThread(path: string, trailer: number): Promise<ReadFile> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(READER, { eval: true, workerData: { path, trailer }, execArgv: [] });
    worker.once('message', (m: { buffer?: ArrayBuffer; length?: number; crc?: number; error?: string; code?: string }) => {
      void worker.terminate();
      if (m.error !== undefined) reject(Object.assign(new Error(m.error), { code: m.code }));
      else resolve({ file: Buffer.from(m.buffer!, 0, m.length!), crc: m.crc! });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the file reader thread stopped (${code}) before answering`)));
  });
}
