import type { Store } from '../../core/store/port.js';
import type { UserKey } from '../../core/types.js';

export const DMS_BLOCKED_NOTICE =
  'Your followed-topics digest is paused: Discord would not let me send you a direct message. Allow direct messages from this server’s members (the server’s Privacy Settings) then type /papers settings resume.';

const REMEMBERED_MAX = 10_000;

/** Did the scheduler pause this user's digest because their DMs are closed (Discord error 50007)? */
export function pausedForBlockedDms(reason: string | undefined): boolean {
  return reason !== undefined && /\b50007\b/.test(reason);
}

/**
 * Tells a user once (per pause) that their digest is paused because their DMs are closed:
 * returns the notice for the first reply after the pause, undefined afterwards.
 */
export function createPausedNotices(store: Store): (user: UserKey) => string | undefined {
  const told = new Set<string>();
  return (user) => {
    const prefs = store.getPrefs(user);
    if (!prefs?.paused || !pausedForBlockedDms(prefs.pausedReason)) return undefined;
    const key = `${user.workspace}:${user.user}:${prefs.since?.getTime() ?? ''}`;
    if (told.has(key)) return undefined;
    if (told.size >= REMEMBERED_MAX) told.delete(told.values().next().value!);
    told.add(key);
    return DMS_BLOCKED_NOTICE;
  };
}
