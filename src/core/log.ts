import { mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
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

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/**
 * For the console platform at a terminal: the whole log goes to `file`, and warnings and errors
 * also to `brief` as one short line each, so the conversation is not drowned in log blocks.
 */
export function createConsoleLogger(options: { level: string }, file: string, brief: { write(line: string): void } = stderrLines()): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const toFile = pino.destination({ dest: file, sync: true, append: true });
  const oneLine = {
    write(json: string) {
      const entry = JSON.parse(json) as { level: number; msg?: string; err?: { message?: string } };
      const detail = entry.err?.message ? `: ${entry.err.message}` : '';
      brief.write(`paperboy ${LEVEL_NAMES[entry.level] ?? 'log'}: ${`${entry.msg ?? ''}${detail}`.replace(/\s+/g, ' ').trim()} (more in ${file})\n`);
    },
  };
  return pino({ level: options.level, redact }, pino.multistream([{ level: options.level as pino.Level, stream: toFile }, { level: 'warn', stream: oneLine }]));
}

/** A logger that drops everything, for tests and the CLI. */
export const silentLogger: Logger = pino({ level: 'silent' });
