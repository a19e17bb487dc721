import { startApp } from './app/boot.js';
import { ConfigError, loadConfig } from './config/index.js';
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
  const app = await startApp(config, log, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true });

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
  process.stderr.write(`paperboy: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
