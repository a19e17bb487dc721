import type { Reply } from './reply.js';
import type { Platform, Target } from './types.js';

/** The port through which the scheduler sends digests; each platform adapter implements it. */
export interface Deliverer {
  readonly platform: Platform;
  /**
   * Sends one message to a channel or to a user's DMs and returns the platform's message id.
   * Throws DeliveryError: 'unreachable' (pause and tell the creator) or 'transient' (retry).
   */
  send(target: Target, reply: Reply): Promise<{ messageId: string }>;
}
