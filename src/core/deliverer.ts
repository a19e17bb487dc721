import { createHash } from 'node:crypto';
import type { Reply } from './reply.js';
import type { Platform, Target } from './types.js';

export interface SendOptions {
  /**
   * The same for every attempt at one digest run (at most 25 characters, [0-9a-z]). Platforms
   * that can dedupe a repeated post use it: Discord as `nonce` with `enforce_nonce: true`, Slack
   * as message metadata it looks up before re-posting. A run sent as several messages gives each
   * part its own key with partKey().
   */
  idempotencyKey?: string;
  /** Aborted when the send passed its deadline or the app is stopping: stop waiting on the platform. */
  signal?: AbortSignal;
  /**
   * Set when an earlier attempt at this run may have reached the platform at or after this time
   * (a process died mid-send). A deliverer that can look its posts up (checksBeforeSend) then
   * checks each part before posting it, and posts only the parts it does not find.
   */
  unsureSince?: Date;
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
   * (e.g. in recent history or message metadata), posted at or after `since` when given. Used
   * after a restart to avoid re-sending a digest the platform accepted just before the process
   * died. Throws when it cannot tell.
   */
  wasSent?(target: Target, idempotencyKey: string, options?: { since?: Date }): Promise<{ messageId: string } | undefined>;
  /** True when send() honours SendOptions.unsureSince: it checks each part before posting it. */
  readonly checksBeforeSend?: boolean;
}

/** The key of one part of a run sent as several messages: part 0 keeps the run's key. */
export function partKey(runKey: string, part: number): string {
  if (!Number.isInteger(part) || part < 0) throw new Error(`paperboy: a message part index must be a whole number >= 0, got ${part}`);
  return part === 0 ? runKey : 'pb' + createHash('sha256').update(`${runKey}#part-${part}`).digest('hex').slice(0, 23);
}
