import { DeliveryError } from '../../core/errors.js';

/**
 * Slack error codes that no retry will fix: the channel or user is gone, the bot may not post
 * there, or its token no longer works. The scheduler pauses the digest and tells its creator.
 */
const UNREACHABLE = new Set([
  'not_in_channel', 'channel_not_found', 'is_archived', 'account_inactive', 'user_not_found',
  'cannot_dm_bot', 'user_disabled', 'user_not_visible', 'users_not_found', 'restricted_action',
  'restricted_action_read_only_channel', 'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel', 'team_access_not_granted', 'ekm_access_denied',
  'missing_scope', 'not_allowed_token_type', 'invalid_auth', 'not_authed', 'token_revoked',
  'token_expired', 'team_not_found', 'no_permission', 'method_deprecated',
]);

/** Turns whatever the WebClient threw into a DeliveryError the scheduler can act on. */
export function toDeliveryError(err: unknown, step: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; message?: unknown };
  if (e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') {
    const code = e.data.error;
    const failure = UNREACHABLE.has(code) ? 'unreachable' : 'transient';
    return new DeliveryError(`Slack ${step} failed: ${code}`, failure, code);
  }
  if (e?.code === 'slack_webapi_http_error') {
    return new DeliveryError(`Slack ${step} failed: HTTP ${String(e.statusCode)}`, 'transient', `http_${String(e.statusCode)}`);
  }
  const retryAfter = (err as { retryAfter?: unknown })?.retryAfter;
  if (e?.code === 'slack_webapi_rate_limited_error' && typeof retryAfter === 'number') {
    return new DeliveryError(`Slack ${step} rate limited for this channel: retry after ${retryAfter} s`, 'transient', 'ratelimited', retryAfter * 1000);
  }
  if (e?.code === 'slack_webapi_rate_limited_error' || /rate limit/i.test(String(e?.message ?? ''))) {
    return new DeliveryError(`Slack ${step} failed: still rate limited after retries`, 'transient', 'ratelimited');
  }
  if (e?.code === 'slack_webapi_request_error') {
    return new DeliveryError(`Slack ${step} failed: request error (network or timeout)`, 'transient', 'request_error');
  }
  return new DeliveryError(`Slack ${step} failed: ${typeof e?.message === 'string' ? e.message : String(err)}`, 'transient');
}
