import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/index.js';

/**
 * At a terminal, console-mode logs go to a file under the data folder (warnings and errors also
 * show, one line each) so they do not interleave with the conversation. Elsewhere (Docker, tests,
 * `2>file`) stderr already is somewhere else, and logs stay there.
 */
export function consoleLogFile(config: AppConfig, stderrIsTerminal: boolean): string | undefined {
  const consoleOnly = config.platforms.length === 1 && config.platforms[0] === 'console';
  return consoleOnly && stderrIsTerminal ? join(resolve(config.store.dataDir), 'paperboy.log') : undefined;
}
