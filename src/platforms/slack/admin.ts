import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/log.js';

/**
 * May this user manage the channel's digests? Listed in config, or a workspace admin or owner
 * according to users.info. A failed lookup counts as "no": the user is told politely.
 */
export async function isSlackAdmin(client: webApi.WebClient, userId: string, digestAdmins: readonly string[], log: Logger): Promise<boolean> {
  if (digestAdmins.includes(userId)) return true;
  try {
    const { user } = await client.users.info({ user: userId });
    return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
  } catch (err) {
    log.warn({ err: errorSummary(err), user: userId }, 'users.info failed; treating the user as not an admin');
    return false;
  }
}

/** Code and message only: Slack client errors carry the request, which may hold a token. */
export function errorSummary(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; data?: { error?: unknown } };
  const code = typeof e?.data?.error === 'string' ? e.data.error : typeof e?.code === 'string' ? e.code : undefined;
  return { ...(code ? { code } : {}), message: typeof e?.message === 'string' ? e.message : String(err) };
}
