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
  return pino({ level: options.level, redact }, destination ?? pino.destination(2));
}

/** A logger that drops everything, for tests and the CLI. */
export const silentLogger: Logger = pino({ level: 'silent' });
