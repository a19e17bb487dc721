import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/port.js';

/** How often the store is checked between /healthz requests. */
export const STORE_CHECK_MS = 15_000;
/** While the store stays broken, the alarm is repeated this often. */
export const STORE_ALARM_REPEAT_MS = 5 * 60_000;

export interface StoreHealth {
  /** 'ok', or 'failing: <why>'. Checks now. */
  check(): string;
  stop(): void;
}

/**
 * Watches the store: a periodic check plus every /healthz. When it stops taking durable writes
 * (file deleted, replaced, unwritable, disk errors) the log says so at error level at once and
 * again every few minutes until it recovers, so nobody finds out from lost follows.
 */
export function watchStoreHealth(store: Store, log: Logger, options: { intervalMs?: number; now?: () => number } = {}): StoreHealth {
  const now = options.now ?? Date.now;
  let failing: string | undefined;
  let lastAlarm = 0;
  const check = (): string => {
    try {
      store.ping();
    } catch (err) {
      const why = (err as Error).message;
      if (why !== failing || now() - lastAlarm >= STORE_ALARM_REPEAT_MS) {
        log.error({ store: 'failing', reason: why }, `STORE FAILING: ${why}. Follows, digests and deliveries changed from now on may be lost: fix the file and restart Paperboy.`);
        lastAlarm = now();
      }
      failing = why;
      return `failing: ${why}`;
    }
    if (failing !== undefined) log.warn({ store: 'ok' }, 'store writable again');
    failing = undefined;
    return 'ok';
  };
  const timer = setInterval(check, options.intervalMs ?? STORE_CHECK_MS);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
