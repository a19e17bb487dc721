import type { Reply } from './reply.js';
import type { Platform, Target } from './types.js';

export interface SendOptions {
  /**
   * The same for every attempt at one digest run (at most 25 characters, [0-9a-z]). Platforms
   * that can dedupe a repeated post use it: Discord as `nonce` with `enforce_nonce: true`.
   */
  idempotencyKey?: string;
  /** Aborted when the send passed its deadline or the app is stopping: stop waiting on the platform. */
  signal?: AbortSignal;
}

/** The port through which the scheduler sends digests; each platform adapter implements it. */
export interface Deliverer {
  readonly platform: Platform;
  /**
   * Sends one message to a channel or to a user's DMs and returns the platform's message id.
   * Throws DeliveryError: 'unreachable' (pause and tell the creator) or 'transient' (retry).
   */
  send(target: Target, reply: Reply, options?: SendOptions): Promise<{ messageId: string }>;
  /**
   * Optional: finds a message this bot already posted to the target with that idempotency key
   * (e.g. in recent history or message metadata). Used after a restart to avoid re-sending a
   * digest the platform accepted just before the process died.
   */
  wasSent?(target: Target, idempotencyKey: string): Promise<{ messageId: string } | undefined>;
}
