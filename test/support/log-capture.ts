import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/core/log.js';

/** A JSON logger at info whose lines land, parsed, in `lines`: for asserting what the admin is told. */
export function capturedLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'info', format: 'json' }, sink), lines };
}
