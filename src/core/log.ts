import { writeSync } from 'node:fs';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log line: no token ever reaches a log. */
const redact = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
  'signingSecret', '*.signingSecret', 'secrets', '*.secrets', 'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization',
];

export function createLogger(options: { level: string; format: 'json' | 'pretty' | 'auto' }, destination?: NodeJS.WritableStream): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  if (pretty && !destination) {
    return pino({ level: options.level, redact, transport: { target: 'pino-pretty', options: { destination: 2 } } });
  }
  return pino({ level: options.level, redact }, destination ?? stderrLines());
}

/**
 * Synchronous writes to stderr that give up once stderr is gone (its reader quit). pino's own
 * destination retries a failed write forever when it flushes at exit, which wedges the process.
 */
function stderrLines(): { write(line: string): void } {
  let broken = false;
  return {
    write(line) {
      if (broken) return;
      try {
        writeSync(2, line);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') broken = true;
      }
    },
  };
}

/** A logger that drops everything, for tests and the CLI. */
export const silentLogger: Logger = pino({ level: 'silent' });
