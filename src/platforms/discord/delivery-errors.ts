import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError } from '../../core/errors.js';

/** Discord JSON error codes that mean "this target cannot be reached": retrying will not help. */
export const UNREACHABLE_CODES: Record<number, string> = {
  10003: 'unknown channel',
  10013: 'unknown user',
  50001: 'missing access',
  50007: 'cannot send messages to this user (DMs closed)',
  50013: 'missing permissions',
};

/** Maps whatever a REST call threw to a DeliveryError the scheduler understands. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : Number(err.code);
    const known = UNREACHABLE_CODES[code];
    if (known) return new DeliveryError(`Discord: ${known}`, 'unreachable', code);
    if (err.status === 403 || err.status === 404) return new DeliveryError(`Discord: ${err.message}`, 'unreachable', code || err.status);
    return new DeliveryError(`Discord: ${err.message}`, 'transient', code || err.status);
  }
  if (err instanceof HTTPError) return new DeliveryError(`Discord: HTTP ${err.status}`, 'transient', err.status);
  if (err instanceof RateLimitError) return new DeliveryError('Discord: rate limited', 'transient', 429);
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(`Discord: ${name === 'AbortError' || name === 'TimeoutError' ? 'request timed out' : message}`, 'transient');
}
