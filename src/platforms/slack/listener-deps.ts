import type { AdapterDeps } from '../platform.js';

/** What the Slack listeners need: the app's adapter deps plus Slack-only settings. */
export interface SlackListenerDeps extends AdapterDeps {
  /** User ids allowed to manage any channel's digests, besides workspace admins and owners. */
  digestAdmins: readonly string[];
  /** Resolves when this command's work may run: after ack, one command per event-loop turn. */
  turn(): Promise<void>;
}

/** The slash command, as declared in slack/manifest.yml. */
export const SLASH_COMMAND = '/papers';
