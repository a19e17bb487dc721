import type { ChannelKey, Paper, Platform, Target, UserKey } from '../types.js';
import type { Feedback, Rating } from '../learning/feedback.js';
import type { MergeReport } from './person-merge.js';

export interface Follow {
  id: number;
  platform: UserKey['platform'];
  workspace: string;
  user: string;
  topic: string;
  created: Date;
  /**
   * A follow by example: the papers (ids) that define it, the first naming it; its topic is then
   * the canonical "like <id> <id>..." (see follows/by-example.ts). Absent for a follow of words.
   */
  examples?: string[];
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
  /** When it was created or last resumed: slots before this are never caught up. Set by the store. */
  activeSince?: Date;
}

export interface UserPrefs {
  /** "HH:MM" in timeZone: when the user's DM digest goes out. */
  time: string;
  timeZone: string;
  paused: boolean;
  pausedReason?: string;
  /** When these prefs last changed: slots before this are never caught up. Set by the store. */
  since?: Date;
}

/**
 * claimed: the slot is taken and its message planned, not yet known to be sent.
 * sent / failed / empty: finished (empty: nothing new, nothing posted).
 */
export type RunState = 'claimed' | 'sent' | 'failed' | 'empty';

/** What a run will send, stored with its claim so a restart re-sends exactly the same message. */
export interface RunPlan {
  paperIds: string[];
  /** The serialized Reply. */
  payload: string;
}

export interface DigestRun {
  /** targetKey(target). */
  target: string;
  targetRef: Target;
  /** The scheduled instant this run is for, ISO 8601 UTC: (target, slot) is the idempotency key. */
  slot: string;
  state: RunState;
  attempts: number;
  claimed: Date;
  updated: Date;
  /** The planned message; absent for empty runs. */
  plan?: RunPlan;
  messageId?: string;
  error?: string;
}

/** How a claimed run ended. A 'sent' run records each of paperIds as delivered with messageId. */
export interface RunOutcome {
  state: Exclude<RunState, 'claimed'>;
  messageId?: string;
  paperIds?: string[];
  error?: string;
}

export interface Delivery {
  target: string;
  paperId: string;
  at: Date;
  messageId: string;
}

/** What followRatingsByUser() reads. */
export interface RatingsByUser {
  of(user: UserKey): ReadonlyMap<string, Feedback>;
  current(): boolean;
}

/** What offersByTarget() reads. */
export interface OffersByTarget {
  targets: Map<string, { offered: OfferedPaper[]; expired: Set<string> }>;
  aliased: Set<string>;
}

/** A paper a digest offered a target without showing it ("N more: Show them"). */
export interface OfferedPaper {
  paperId: string;
  /** The follow's topic it was picked for. */
  topic: string;
  /** How well it matches that topic, 0-1 (its score over the topic's best): the order it is shown in. */
  relevance: number;
  /** When it was first offered: it ages out digests.carryDays later. */
  since: Date;
}

/** A paper a live source fetched, as kept in the store. */
export interface StoredPaper extends Paper {
  /** The source that last wrote it, e.g. "huggingface". */
  source: string;
}

/** What saving one fetched paper did: new to the store, changed (some field differs), or the same. */
export type SaveOutcome = 'new' | 'changed' | 'same';

/** A live source's record: when it last worked, its last error, and how much it brought. */
export interface SourceState {
  source: string;
  lastSuccess?: Date;
  lastError?: string;
  lastErrorAt?: Date;
  /** Set at the first failure after a success; cleared by the next success. */
  failingSince?: Date;
  /** Papers saved from this source (new or changed), over its lifetime. */
  fetched: number;
  failures: number;
}

/**
 * Everything Paperboy must not lose across restarts. Synchronous on purpose: the SQLite
 * implementation (better-sqlite3) is synchronous and each method is one transaction.
 */
export interface Store {
  /** The user's follows, oldest first by created, then id (the order "/papers follows" numbers them in). */
  listFollows(user: UserKey): Follow[];
  /**
   * Adds a follow; topics are unique per user ignoring case, so a repeat returns the existing one
   * (original spelling kept). With `examples`, a follow by example (its topic is their canonical key).
   */
  addFollow(user: UserKey, topic: string, now: Date, examples?: string[]): { follow: Follow; created: boolean };
  /** Removes one of the user's follows by id; false if it was not theirs or is gone. */
  removeFollow(user: UserKey, id: number): boolean;
  /** Every user who follows at least one topic, with their follows. */
  allFollowers(): { user: UserKey; follows: Follow[] }[];
  /**
   * allFollowers a page at a time: at most `limit` users, those after `after` in the store's own
   * order of users (from the first when undefined). Pages read one after another list each user
   * once; a user whose follows change between two reads is listed as the later read finds them.
   */
  followersPage(after: UserKey | undefined, limit: number): { user: UserKey; follows: Follow[] }[];
  /** How many users allFollowers lists, without reading their follows. */
  followerCount(): number;

  /**
   * Rates a paper for one of the user's follows (by topic, compared by topicKey): 1 👍, -1 👎, 0 clears.
   * A later rating of the same paper replaces the earlier one. Removing the follow removes its ratings.
   */
  rate(user: UserKey, topic: string, paperId: string, rating: Rating | 0, now: Date): void;
  /** The user's ratings by follow (topicKey), each paper's latest; follows without ratings are absent. */
  followRatings(user: UserKey): ReadonlyMap<string, Feedback>;
  /**
   * Every user's followRatings in one read, for a planning pass: `of(user)` answers as
   * followRatings(user) would have at the read, and `current()` is true while no rating has been
   * written since through this store by any path (rate, clearRatings, removeFollow, a merge); a
   * second process's writes count from its next read. Optional: a store without it is asked per user.
   */
  followRatingsByUser?(): RatingsByUser;
  /** Forgets every rating of one of the user's follows (its learning starts over); returns how many. */
  clearRatings(user: UserKey, topic: string): number;

  /** The channel's digests, oldest first. */
  listDigests(channel: ChannelKey): ChannelDigest[];
  /** Adds a channel digest, active and unpaused. */
  addDigest(digest: Omit<ChannelDigest, 'id' | 'paused' | 'pausedReason' | 'activeSince'>): ChannelDigest;
  /** Removes one of the channel's digests by id; false if not found there. */
  removeDigest(channel: ChannelKey, id: number): boolean;
  /** Pauses (with an optional reason) or resumes a digest; resuming restarts its activeSince. */
  setDigestPaused(id: number, paused: boolean, reason?: string, now?: Date): void;
  /** Every channel digest, paused ones included. */
  allDigests(): ChannelDigest[];

  /** Per-user delivery preferences; undefined means the configured defaults. */
  getPrefs(user: UserKey): UserPrefs | undefined;
  /** getPrefs of every user allFollowers lists (and maybe others), in one read, by targetKey of the user's DM target. */
  followerPrefs(): Map<string, UserPrefs>;
  /** Replaces the user's preferences; `since` defaults to now. */
  setPrefs(user: UserKey, prefs: UserPrefs): void;

  /** Records when papers were first seen by this install; earlier records are kept. */
  recordFirstSeen(paperIds: string[], at: Date): void;
  /** When this install first saw the paper, if recorded. */
  firstSeen(paperId: string): Date | undefined;

  /**
   * Claims (target, slot). With a plan the run starts 'claimed'; with null it is recorded
   * 'empty' at once. True if this call claimed it; false if the slot was already claimed.
   */
  claimRun(target: Target, slot: string, plan: RunPlan | null, now: Date): boolean;
  /** The run for (target, slot), if any. */
  getRun(target: Target, slot: string): DigestRun | undefined;
  /** The targets (targetKey) with a run for the slot, in one read. */
  runTargets(slot: string): Set<string>;
  /** Runs still 'claimed': interrupted (or in flight), to resolve on start. */
  pendingRuns(): DigestRun[];
  /** Counts one more failed send attempt of a claimed run. */
  recordAttempt(target: Target, slot: string, error: string, now: Date): void;
  /** Finishes a claimed run and records its deliveries in one transaction; a finished run is never changed again. */
  finishRun(target: Target, slot: string, outcome: RunOutcome, now: Date): void;
  /** The subset of paperIds delivered to this target, or planned by one of its claimed runs. */
  deliveredPapers(target: Target, paperIds: string[]): Set<string>;
  /**
   * deliveredPapers for every target at once: for each of these papers that some target has,
   * delivered or planned by one of its claimed runs, `each(paperId, targetKeys)` (a paper may come
   * more than once). One consistent snapshot, so a planning pass reads once instead of once per target.
   */
  eachDelivered(paperIds: string[], each: (paperId: string, targets: readonly string[]) => void): void;
  /** Deletes finished runs whose slot is before `before` (deliveries are kept); returns how many. */
  pruneRuns(before: Date): number;

  /** Saves fetched papers in one transaction (insert or update by id); one outcome per paper, in order. */
  savePapers(papers: StoredPaper[], now: Date): SaveOutcome[];
  /** Every stored paper, in the order first stored. */
  storedPapers(): StoredPaper[];
  /** The id of the stored paper with this arXiv id (no version), if any. */
  paperIdByArxiv(arxivId: string): string | undefined;
  /** Every source that has run at least once. */
  sourceStates(): SourceState[];
  /** A source finished a fetch: last success now, error cleared, `saved` more papers counted. */
  recordSourceSuccess(source: string, at: Date, saved: number): void;
  /** A source's fetch failed; papers it saved before failing are counted in `saved`. */
  recordSourceFailure(source: string, at: Date, error: string, saved: number): void;
  /** Where a source's next fetch starts, as the source wrote it (its own JSON), if it ever did. */
  sourceCursor(source: string): string | undefined;
  saveSourceCursor(source: string, value: string, at: Date): void;
  /**
   * Offers papers to a target without showing them. A paper already offered keeps its first
   * `since`; one delivered or aged out is left alone.
   */
  offerPapers(target: Target, papers: Omit<OfferedPaper, 'since'>[], now: Date): void;
  /** What the target was offered and has been neither shown (delivered) nor seen age out; most relevant first. */
  offeredPapers(target: Target): OfferedPaper[];
  /** Marks offered papers aged out: never offered again, and not recorded as delivered either. */
  expireOffered(target: Target, paperIds: string[], now: Date): void;
  /** The papers that aged out for the target: digests no longer pick them. */
  expiredPapers(target: Target): Set<string>;
  /**
   * offeredPapers and expiredPapers of every target at once, by targetKey (targets with neither
   * are left out), in one read: a planning pass asks once, not twice per target. `aliased` are
   * old DM keys merged into a person, which answer under the person's key: ask those per target.
   */
  offersByTarget(): OffersByTarget;
  /** Records papers shown to the target outside a digest run ("Show them") as delivered. */
  recordShown(target: Target, paperIds: string[], messageId: string, now: Date): void;
  /** The topics (topicKey) the target was already told cannot be planned. */
  topicNotices(target: Target): Set<string>;
  /** Notes that the target was told about these topics (topicKey), so it is told once. */
  addTopicNotices(target: Target, topicKeys: string[], now: Date): void;

  /**
   * Moves every person of (platform, from) into (platform, to), merging each with the person of
   * the same user id already there by the rules in person-merge.ts, in one transaction. Targets
   * that moved keep answering under their old key (an in-flight run finishes on the merged person).
   * A no-op when `from` holds no one.
   */
  mergePersonScope(platform: Platform, from: string, to: string, options: { maxFollows: number; now: Date }): MergeReport;
  /** Topics dropped from the user's list by the follow cap when their lists were merged; each is returned once. */
  takeDroppedFollows(user: UserKey): string[];

  /** Throws unless the store can take a write right now (for /healthz). */
  ping(): void;
  close(): void;
}

/** The key two topics are compared by: trimmed, spaces collapsed, case folded. */
export function topicKey(topic: string): string {
  return topic.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
