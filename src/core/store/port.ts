import type { ChannelKey, Target, UserKey } from '../types.js';

export interface Follow {
  id: number;
  platform: UserKey['platform'];
  workspace: string;
  user: string;
  topic: string;
  created: Date;
}

export interface ChannelDigest {
  id: number;
  platform: ChannelKey['platform'];
  workspace: string;
  channel: string;
  topic: string;
  /** As the user typed it, normalized: "daily 09:00", "weekdays 08:30", "weekly mon 09:00" or a cron expression. */
  schedule: string;
  timeZone: string;
  /** Papers per digest. */
  size: number;
  createdBy: string;
  created: Date;
  paused: boolean;
  /** Why it was paused, when the bot paused it (e.g. "channel_not_found"). */
  pausedReason?: string;
}

export interface UserPrefs {
  /** "HH:MM" in timeZone: when the user's DM digest goes out. */
  time: string;
  timeZone: string;
  paused: boolean;
  pausedReason?: string;
}

export type RunState = 'claimed' | 'sent' | 'failed' | 'empty';

export interface DigestRun {
  target: string;
  /** The scheduled instant this run is for, ISO 8601 UTC: (target, slot) is the idempotency key. */
  slot: string;
  state: RunState;
  attempts: number;
  updated: Date;
  error?: string;
}

export interface Delivery {
  target: string;
  paperId: string;
  at: Date;
  messageId: string;
}

/**
 * Everything Paperboy must not lose across restarts. Synchronous on purpose: the SQLite
 * implementation (better-sqlite3) is synchronous and each method is one transaction.
 */
export interface Store {
  // Follows. addFollow returns the existing follow when the user already follows that topic.
  listFollows(user: UserKey): Follow[];
  addFollow(user: UserKey, topic: string, now: Date): { follow: Follow; created: boolean };
  removeFollow(user: UserKey, id: number): boolean;
  /** Every user who follows at least one topic, with their follows. */
  allFollowers(): { user: UserKey; follows: Follow[] }[];

  // Channel digests.
  listDigests(channel: ChannelKey): ChannelDigest[];
  addDigest(digest: Omit<ChannelDigest, 'id' | 'paused' | 'pausedReason'>): ChannelDigest;
  removeDigest(channel: ChannelKey, id: number): boolean;
  setDigestPaused(id: number, paused: boolean, reason?: string): void;
  allDigests(): ChannelDigest[];

  // Per-user delivery preferences; undefined means the configured defaults.
  getPrefs(user: UserKey): UserPrefs | undefined;
  setPrefs(user: UserKey, prefs: UserPrefs): void;

  // When each paper was first seen by this install (for "new since").
  recordFirstSeen(paperIds: string[], at: Date): void;
  firstSeen(paperId: string): Date | undefined;

  // Deliveries and runs: claim (target, slot) first, send, then record.
  /** True if this call claimed the slot; false if another run already has it. */
  claimRun(target: Target, slot: string, now: Date): boolean;
  getRun(target: Target, slot: string): DigestRun | undefined;
  /** Marks the run finished and records its deliveries in one transaction. */
  finishRun(target: Target, slot: string, state: RunState, deliveries: Omit<Delivery, 'target'>[], now: Date, error?: string): void;
  /** The subset of paperIds already delivered to this target. */
  deliveredPapers(target: Target, paperIds: string[]): Set<string>;

  close(): void;
}
