/**
 * A mistake by the person using the bot: shown to them (ephemeral), logged at info, never a
 * crash. Anything else thrown is a bug: logged once as an error, and the user gets a generic
 * apology.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Optional usage line and example to show under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Why a send to a platform failed, so the scheduler knows whether to retry or pause. */
export type DeliveryFailure =
  /** The channel or user is gone, or the bot may not post there: pause the digest, tell its creator. */
  | 'unreachable'
  /** A network error, a 5xx, a rate limit the client gave up on: retry with backoff. */
  | 'transient';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    /** The platform's own error code, e.g. "not_in_channel" or 50001. */
    readonly code?: string | number,
    /** The platform asked us to wait this long before posting to this destination again (a 429). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * The app cannot start as configured (e.g. a platform refused a token). main prints the message
 * as one line and exits non-zero; it names the variable to fix and never includes the secret.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
