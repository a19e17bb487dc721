import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { BUSY_TEXT, type InflightGate } from '../../core/flow/inflight-gate.js';
import type { SeenKeys } from '../../core/flow/seen-keys.js';
import type { Logger } from '../../core/log.js';

/**
 * The one key that identifies a delivery of an inbound request, whichever the transport:
 * Socket Mode's envelope_id, or the HTTP request's signature (unique per timestamp and body).
 * Both receivers put it in the listener context under this name.
 */
export const INBOUND_KEY = 'paperboyInboundKey';
/** When the HTTP request was signed (Unix seconds); absent in Socket Mode. */
export const INBOUND_SIGNED_AT = 'paperboySignedAt';
/**
 * Slack gives up on an ack after 3 s. A request that waited longer than that before we could read
 * it (the process was overloaded) is answered "busy" instead of run: running it would only add
 * to the backlog that made it late.
 */
export const LATE_SEC = 3;

/**
 * First middleware for every inbound Slack request: drops a redelivered envelope or a replayed
 * signed request (acked, run once), and past the platform's bound of commands in flight answers
 * "busy" in the ack itself instead of queueing the work.
 */
export function inboundGuards(seen: SeenKeys, gate: InflightGate, log: Logger, now: () => number = Date.now): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next, body } = args;
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    const key = context[INBOUND_KEY] as string | undefined;
    if (key && !seen.firstTime(key)) {
      log.info({ key: key.slice(0, 24) }, 'slack request delivered again; ran it once');
      await ack?.();
      return;
    }
    const signedAt = context[INBOUND_SIGNED_AT] as number | undefined;
    const late = signedAt !== undefined && now() / 1000 - signedAt > LATE_SEC + 1;
    const release = late ? undefined : gate.tryEnter();
    if (!release) {
      const isCommand = typeof (body as { command?: unknown }).command === 'string';
      log.warn({ inFlight: gate.inFlight, late }, late ? 'slack request read too late to ack in time: answered busy without running' : 'slack busy: answered without running');
      await ack?.(isCommand ? { response_type: 'ephemeral', text: BUSY_TEXT } : undefined);
      return;
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}
