import type { Platform, UserKey } from './types.js';

/**
 * Whose follows, delivery time, zone, pause state and DM digest a request touches: the person,
 * not the place they typed in. A UserKey's `workspace` is then the person's scope:
 * - Discord: user ids are global, so every Discord person lives in one scope, PERSON_SCOPE.discord
 *   ('@me', the key the bot's DMs always used, so a DM-made list already sits where it belongs).
 * - Slack: the org (enterprise_id) when the request carries one, else the workspace (team id):
 *   Enterprise Grid user ids are org-wide, plain workspace ids are not.
 * - Console: its one workspace.
 * Channel digests stay keyed by the channel's own workspace.
 */
export const PERSON_SCOPE = { discord: '@me' } as const satisfies Partial<Record<Platform, string>>;

/** The person a Discord user id stands for, whichever server or DM they typed in. */
export function discordPerson(userId: string): UserKey {
  return { platform: 'discord', workspace: PERSON_SCOPE.discord, user: userId };
}

/** The person behind a Slack user id: org-wide when the payload names an org (an empty id counts as none). */
export function slackPerson(user: string, team: string, enterprise?: string | null): UserKey {
  return { platform: 'slack', workspace: enterprise || team, user };
}

/** The person of a request: what the adapter said, else the user in the request's own workspace. */
export function personOf(who: { platform: Platform; workspace: string; user: string; person?: UserKey }): UserKey {
  const p = who.person ?? who;
  return { platform: p.platform, workspace: p.workspace, user: p.user };
}
