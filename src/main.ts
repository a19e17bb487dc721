import { join, resolve } from 'node:path';
import type { startApp as StartApp } from './app/boot.js';
import { consoleLogFile } from './app/console-logs.js';
import { portTaken } from './app/http.js';
import { DataDirInUseError } from './app/data-lock.js';
import { installLastResort } from './app/last-resort.js';
import { prefetchSnapshot } from './app/snapshot-prefetch.js';
import { ConfigError, loadConfig } from './config/index.js';
import { StartupError } from './core/errors.js';
import { createConsoleLogger, createLogger } from './core/log.js';

/** Exit code of a start with nothing to serve, like a bad configuration. */
const NOTHING_TO_SERVE = 2;

const NO_PLATFORM = [
  'paperboy: no platform to serve: no Slack or Discord credentials are set, and the console got no input (stdin is empty or /dev/null).',
  '  Slack:   set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).',
  '  Discord: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.',
  '  Console: run npm start in a terminal (docker run -it), or pipe commands into it.',
].join('\n');

/** `npm start`: the bot. Exits non-zero with a plain message when the configuration is wrong. */
async function main(): Promise<void> {
  // Milliseconds from the process's start: what a restart spends before startApp (node and the loader, config, modules).
  const launchMs: Record<string, number> = { main: Math.round(performance.now()) };
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exit(2);
  }
  launchMs.config = Math.round(performance.now());
  const logFile = consoleLogFile(config, process.stderr.isTTY === true);
  const log = logFile ? createConsoleLogger(config.log, logFile) : createLogger(config.log);
  const interactive = process.stdin.isTTY === true;
  // Handlers go in before the app starts: a signal during start-up must not kill it mid-send either.
  let app: Awaited<ReturnType<typeof StartApp>> | undefined;
  installLastResort(process, log, { stop: () => (app ? void app.stop() : process.exit(1)) });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // Exiting now could cut a post off between Slack accepting it and the bot recording it.
    if (signals > 1) {
      log.warn({ signal }, 'already shutting down: letting the digest sends in flight finish and record, so none goes out twice (SIGKILL stops at once; the next start checks what it cut off)');
      return;
    }
    log.info({ signal }, 'signal received');
    void app?.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // The index snapshot is read on a worker thread from here, while the rest of the bot's modules load (about 1 s).
  const snapshotPrefetch = prefetchSnapshot(config);
  const { startApp } = await import('./app/boot.js');
  launchMs.modules = Math.round(performance.now());
  app = await startApp(config, log, {
    snapshotPrefetch,
    launchMs,
    input: process.stdin,
    output: process.stdout,
    interactive,
    historyFile: interactive ? join(resolve(config.store.dataDir), 'console-history') : undefined,
    logsAt: logFile,
  });
  if (signals > 0) void app.stop();
  // Whoever read our output has gone (e.g. `npm start | head`): nobody is left to answer.
  process.stdout.on('error', () => void app.stop());
  await app.stopped;
  const end = app.consoleEnd;
  if (!interactive && end?.inputEnded && end.lines === 0) {
    // In a container without credentials this is the one line that says why it stopped.
    process.stderr.write(`${NO_PLATFORM}\n`);
    process.exit(NOTHING_TO_SERVE);
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  if (err instanceof DataDirInUseError || err instanceof StartupError) {
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exit(3);
  }
  const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && !/choose another PORT/.test((err as Error).message);
  const message = taken ? portTaken((err as { port?: number }).port ?? 'PORT').message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`paperboy: could not start: ${message.replace(/^paperboy: /, '')}\n`);
  process.exit(1);
});
