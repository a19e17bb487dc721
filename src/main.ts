import { startApp } from './app/boot.js';
import { DataDirInUseError } from './app/data-lock.js';
import { installLastResort } from './app/last-resort.js';
import { ConfigError, loadConfig } from './config/index.js';
import { StartupError } from './core/errors.js';
import { createLogger } from './core/log.js';

/** `npm start`: the bot. Exits non-zero with a plain message when the configuration is wrong. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.log);
  // Handlers go in before the app starts: a signal during start-up must not kill it mid-send either.
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
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
  app = await startApp(config, log, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true });
  if (signals > 0) void app.stop();
  // Whoever read our output has gone (e.g. `npm start | head`): nobody is left to answer.
  process.stdout.on('error', () => void app.stop());
  await app.stopped;
  process.exit(0);
}

main().catch((err: unknown) => {
  if (err instanceof DataDirInUseError || err instanceof StartupError) {
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exit(3);
  }
  process.stderr.write(`paperboy: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
