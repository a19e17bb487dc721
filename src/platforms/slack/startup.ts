import { StartupError } from '../../core/errors.js';

/** Slack's answers that mean the token itself is wrong: no wait will fix them. */
const REFUSED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'missing_scope']);

/** A StartupError naming the variable when Slack refused its token; undefined for anything else (retry). */
export function refusedSlackToken(err: unknown, variable: string): StartupError | undefined {
  const code = (err as { data?: { error?: unknown } })?.data?.error;
  if (typeof code !== 'string' || !REFUSED.has(code)) return undefined;
  return new StartupError(`Slack refused ${variable} (${code}): check the token in ${variable}, then start again.`);
}
