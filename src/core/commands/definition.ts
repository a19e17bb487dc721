import type { AppConfig } from '../../config/index.js';
import type { ScheduleChange } from '../digest-targets.js';
import type { Logger } from '../log.js';
import type { Reply } from '../reply.js';
import type { PaperSearch } from '../search-port.js';
import type { Store } from '../store/port.js';
import type { Platform, UserKey } from '../types.js';

export type ArgValue = string | number;
export type Args = Record<string, ArgValue | undefined>;

export interface OptionDef {
  name: string;
  description: string;
  type: 'string' | 'integer';
  required: boolean;
  /** Longest accepted string (Discord enforces it in the client too). */
  maxLength?: number;
  minValue?: number;
  /** Suggest values as the user types: their own follows. */
  autocomplete?: 'follows';
  /** In typed text, this (last) option takes the rest of the line, spaces and quotes included. */
  rest?: boolean;
  /** Set only by buttons (e.g. a page offset): not typed, not registered on Discord. */
  hidden?: boolean;
}

/** A normalized request: the same whichever platform it came from. */
export interface CommandRequest {
  platform: Platform;
  workspace: string;
  channel: string;
  user: string;
  /**
   * Whose follows and DM digest this is (identity.ts): the user on the platform, whichever server,
   * workspace or DM they typed in. Absent: the user in `workspace`.
   */
  person?: UserKey;
  /** May this user manage the channel's digests (workspace admin, Manage Channels, or listed in config)? */
  isAdmin: boolean;
  args: Args;
}

/** What every handler may use. */
export interface CommandContext {
  index: PaperSearch;
  store: Store;
  config: AppConfig;
  log: Logger;
  now(): Date;
  /** Tell the scheduler that follows, digests or delivery times changed: whose (re-read alone), or everything when omitted. */
  schedulesChanged(change?: ScheduleChange): void;
}

export interface CommandDef {
  /** Words after /papers: ["search"] or ["digest", "add"]. */
  path: [string] | [string, string];
  description: string;
  /** e.g. "/papers follow <topic>" */
  usage: string;
  example: string;
  options: OptionDef[];
  /** channel-admin: only someone who may manage the channel's digests. */
  requires?: 'channel-admin';
  /**
   * Turns the typed text after the path into args. The default gives each option one word
   * (quotes group words), and a `rest` option the rest of the line.
   */
  parseText?(text: string): Args;
  handle(request: CommandRequest, context: CommandContext): Reply | Promise<Reply>;
}

export function commandName(def: CommandDef): string {
  return def.path.join(' ');
}
