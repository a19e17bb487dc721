import type { AdapterDeps } from '../platform.js';

/** What the Slack listeners need: the app's adapter deps plus Slack-only settings. */
export interface SlackListenerDeps extends AdapterDeps {
  /** User ids allowed to manage any channel's digests, besides workspace admins and owners. */
  digestAdmins: readonly string[];
}

/** The slash command, as declared in slack/manifest.yml. */
export const SLASH_COMMAND = '/papers';
