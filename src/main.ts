import { startApp, type RunningApp } from './app/boot.js';
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
  let running: RunningApp | undefined;
  installLastResort(process, log, { stop: () => (running ? void running.stop() : process.exit(1)) });
  const app = (running = await startApp(config, log, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true }));

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ signal }, 'signal received');
    void app.stop();
  };
  // Whoever read our output has gone (e.g. `npm start | head`): nobody is left to answer.
  process.stdout.on('error', () => void app.stop());
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await app.stopped;
  process.exit(0);
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) {
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exit(3);
  }
  process.stderr.write(`paperboy: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
