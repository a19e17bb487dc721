import type { Logger } from '../core/log.js';

export interface LastResortOptions {
  /** Stops the app gracefully: claimed digest runs stay claimed and resume on the next start. */
  stop(reason: string): void;
  /** More contained errors than this within a minute means something is broken for good. */
  maxPerMinute?: number;
  now?: () => number;
}

/**
 * The process-level last line of defence. Every inbound request and event is contained where it
 * arrives; whatever still escapes (an uncaught exception, an unhandled rejection) is logged and
 * the process keeps serving. The store is not touched here: a digest run mid-send stays claimed
 * and recorded runs stay recorded, so the scheduler's state is what it was. A storm of such
 * errors (a broken dependency) stops the app the graceful way instead of looping on it.
 */
export function installLastResort(proc: NodeJS.EventEmitter, log: Logger, options: LastResortOptions): () => void {
  const max = options.maxPerMinute ?? 20;
  const now = options.now ?? Date.now;
  const recent: number[] = [];
  let stopping = false;

  const contain = (kind: string) => (err: unknown) => {
    log.error({ err, kind }, `${kind} contained by the last line of defence; still serving`);
    const at = now();
    recent.push(at);
    while (recent.length > 0 && at - recent[0]! > 60_000) recent.shift();
    if (recent.length > max && !stopping) {
      stopping = true;
      log.fatal({ errors: recent.length }, `more than ${max} uncontained errors in a minute; stopping`);
      options.stop(`${kind} storm`);
    }
  };
  const onException = contain('uncaught exception');
  const onRejection = contain('unhandled rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
