import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { dmTarget, targetKey, type Platform, type Target, type UserKey } from '../types.js';
import type { Rating } from '../learning/feedback.js';
import { migrations } from './migrations.js';
import { mergeScopeSqlite } from './sqlite-merge.js';
import { samePaper } from './papers.js';
import { topicKey, type ChannelDigest, type DigestRun, type Follow, type OffersByTarget, type RunState, type SaveOutcome, type SourceState, type Store, type StoredPaper, type UserPrefs } from './port.js';

type Row = Record<string, unknown>;

/** The default database file under the configured data directory. */
export function defaultStorePath(dataDir: string): string {
  return join(dataDir, 'paperboy.db');
}

export interface SqliteStoreOptions {
  /** The follow cap a merge of one person's lists keeps to (follows.maxPerUser). */
  maxFollows?: number;
  log?: Logger;
}

const currentVersion = (db: Database.Database) =>
  (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;

/**
 * Applies every migration newer than the database's version, each in its own IMMEDIATE
 * transaction (re-reading the version inside it, so two processes never apply one twice). Before
 * one that rewrites user data, a non-empty database is first copied next to itself.
 */
function migrate(db: Database.Database, path: string, options: SqliteStoreOptions): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)');
  // A database created by this very call holds nothing worth a backup.
  const existed = currentVersion(db) > 0;
  // By set, not by maximum: migrations written in parallel branches may land after a higher one ran.
  const applied = () => new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  for (const m of migrations) {
    if (applied().has(m.version)) continue;
    if (m.backup && existed && path !== ':memory:') backUp(db, path, m.version, options.log);
    db.transaction(() => {
      if (applied().has(m.version)) return;
      db.exec(m.sql);
      m.run?.(db, { maxFollows: options.maxFollows ?? DEFAULT_MAX_FOLLOWS, now: new Date(), ...(options.log ? { log: options.log } : {}) });
      db.prepare('INSERT INTO schema_migrations (version, applied) VALUES (?, ?)').run(m.version, Date.now());
    }).immediate();
  }
}

const DEFAULT_MAX_FOLLOWS = 25;
/** The ratings of a user who rated nothing (followRatingsByUser). */
const NO_RATINGS: ReadonlyMap<string, ReadonlyMap<string, Rating>> = new Map();

/** A consistent copy of the live database (VACUUM INTO reads one snapshot), next to it: <file>.before-v<N>[-<n>].bak. */
function backUp(db: Database.Database, path: string, version: number, log: Logger | undefined): void {
  let copy = `${path}.before-v${version}.bak`;
  for (let n = 2; existsSync(copy); n++) copy = `${path}.before-v${version}-${n}.bak`;
  db.prepare('VACUUM INTO ?').run(copy);
  log?.info({ migration: version, backup: copy }, 'store: backed up the database before migrating it');
}

const toFollow = (r: Row): Follow => ({
  id: r.id as number, platform: r.platform as Platform, workspace: r.workspace as string, user: r.user as string,
  topic: r.topic as string, created: new Date(r.created as number), ...examplesOf(r.examples),
});

const toPrefs = (r: Row): UserPrefs => {
  const prefs: UserPrefs = { time: r.time as string, timeZone: r.time_zone as string, paused: r.paused === 1, since: new Date(r.since as number) };
  if (r.paused_reason != null) prefs.pausedReason = r.paused_reason as string;
  return prefs;
};

/** The examples column (migration 8): a JSON array of paper ids, or NULL for a follow of words. */
const examplesOf = (raw: unknown): { examples?: string[] } => (typeof raw === 'string' ? { examples: JSON.parse(raw) as string[] } : {});

/** A follow as allFollows and followsPage read it: platform, workspace, user, id, topic, created, examples. */
type FollowRow = [Platform, string, string, number, string, number, string | null];

/** Rows ordered by user, grouped into each user's follows. */
function followersOf(rows: FollowRow[]): { user: UserKey; follows: Follow[] }[] {
  const out: { user: UserKey; follows: Follow[] }[] = [];
  let last: (typeof out)[number] | undefined;
  // Followers share a few hundred topics: one string per topic, so a planning pass's look-ups by
  // topic (100k users x 5 follows) compare pointers, not the characters of a string per follow.
  const topics = new Map<string, string>();
  for (const [platform, workspace, user, id, text, created, examples] of rows) {
    let topic = topics.get(text);
    if (topic === undefined) topics.set(text, (topic = text));
    if (last?.user.user !== user || last.user.workspace !== workspace || last.user.platform !== platform) out.push((last = { user: { platform, workspace, user }, follows: [] }));
    const follow: Follow = { id, platform, workspace, user, topic, created: new Date(created) };
    if (examples !== null) follow.examples = JSON.parse(examples) as string[];
    last.follows.push(follow);
  }
  return out;
}

const toDigest = (r: Row): ChannelDigest => ({
  id: r.id as number, platform: r.platform as Platform, workspace: r.workspace as string, channel: r.channel as string,
  topic: r.topic as string, schedule: r.schedule as string, timeZone: r.time_zone as string, size: r.size as number,
  createdBy: r.created_by as string, created: new Date(r.created as number), paused: r.paused === 1,
  ...(r.paused_reason != null ? { pausedReason: r.paused_reason as string } : {}),
  activeSince: new Date(r.active_since as number),
});

const toRun = (r: Row): DigestRun => ({
  target: r.target as string,
  targetRef: { platform: r.platform as Platform, workspace: r.workspace as string, kind: r.kind as Target['kind'], id: r.target_id as string },
  slot: r.slot as string, state: r.state as RunState, attempts: r.attempts as number,
  claimed: new Date(r.claimed as number), updated: new Date(r.updated as number),
  ...(r.payload != null ? { plan: { paperIds: JSON.parse(r.paper_ids as string) as string[], payload: r.payload as string } } : {}),
  ...(r.message_id != null ? { messageId: r.message_id as string } : {}),
  ...(r.error != null ? { error: r.error as string } : {}),
});

/** The file's identity: a deleted or replaced database file gets a different one (or none). */
function fileIdentity(path: string): string {
  const s = statSync(path);
  return `${s.dev}:${s.ino}`;
}

/**
 * Throws, saying what is wrong, when the database file is no longer the one this process has
 * open (deleted or replaced: writes would go to a file nobody will read again) or when it, its
 * WAL, its shared-memory index or its folder cannot be written.
 */
export function checkStoreFile(path: string, identity: string): void {
  let now: string;
  try {
    now = fileIdentity(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`the database file ${path} was deleted while the bot runs: what is written now is lost at exit`);
    throw new Error(`the database file ${path} cannot be checked (${(err as Error).message})`);
  }
  if (now !== identity) throw new Error(`the database file ${path} was replaced by another file while the bot runs: what is written now goes to the old one`);
  for (const file of [path, `${path}-wal`, `${path}-shm`, dirname(path)]) {
    if (file !== path && file !== dirname(path) && !existsSync(file)) continue;
    try {
      accessSync(file, constants.W_OK);
    } catch (err) {
      throw new Error(`${file} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the store cannot save changes`);
    }
  }
}

function openDatabase(path: string, options: SqliteStoreOptions): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      // FULL: a claim or a delivery record survives power loss once the call returns.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrate(db, path, options);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`paperboy store: cannot open the database file ${path}${code ? ` (${code})` : ''}: ${(err as Error).message}`);
  }
}

const toStoredPaper = (r: Row): StoredPaper => ({
  id: r.id as string, title: r.title as string, abstract: r.abstract as string, url: r.url as string, source: r.source as string,
  ...(r.arxiv_id != null ? { arxivId: r.arxiv_id as string } : {}),
  ...(r.published != null ? { published: r.published as string } : {}),
  ...(r.authors != null ? { authors: JSON.parse(r.authors as string) as string[] } : {}),
  ...(r.upvotes != null ? { upvotes: r.upvotes as number } : {}),
  ...(r.categories != null ? { categories: JSON.parse(r.categories as string) as string[] } : {}),
});

const toSourceState = (r: Row): SourceState => ({
  source: r.source as string, fetched: r.fetched as number, failures: r.failures as number,
  ...(r.last_success != null ? { lastSuccess: new Date(r.last_success as number) } : {}),
  ...(r.last_error != null ? { lastError: r.last_error as string } : {}),
  ...(r.last_error_at != null ? { lastErrorAt: new Date(r.last_error_at as number) } : {}),
  ...(r.failing_since != null ? { failingSince: new Date(r.failing_since as number) } : {}),
});

/** Opens (creating if needed) the SQLite store at `path`: WAL, synchronous FULL, migrated. Errors name the file. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const db = openDatabase(path, options);
  const identity = path === ':memory:' ? undefined : fileIdentity(path);
  const checkFile = () => identity !== undefined && checkStoreFile(path, identity);

  const q = {
    // By created, then id: the same as id order, except in a list merged from several places (identity).
    listFollows: db.prepare('SELECT * FROM follows WHERE platform = ? AND workspace = ? AND user = ? ORDER BY created, id'),
    followByKey: db.prepare('SELECT * FROM follows WHERE platform = ? AND workspace = ? AND user = ? AND topic_key = ?'),
    insertFollow: db.prepare('INSERT INTO follows (platform, workspace, user, topic, topic_key, created, examples) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    followById: db.prepare('SELECT * FROM follows WHERE id = ?'),
    removeFollow: db.prepare('DELETE FROM follows WHERE id = ? AND platform = ? AND workspace = ? AND user = ?'),
    // Raw rows, columns in this order: a planning pass reads every follow, so no row objects.
    followerCount: db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM follows GROUP BY platform, workspace, user)').pluck(),
    allFollows: db.prepare('SELECT platform, workspace, user, id, topic, created, examples FROM follows ORDER BY platform, workspace, user, created, id').raw(),
    // The next `limit` users after a key, found along the (platform, workspace, user, topic_key) unique index.
    followsPage: db.prepare(`SELECT f.platform, f.workspace, f.user, f.id, f.topic, f.created, f.examples
      FROM (SELECT DISTINCT platform, workspace, user FROM follows WHERE (platform, workspace, user) > (?, ?, ?)
            ORDER BY platform, workspace, user LIMIT ?) u
      JOIN follows f ON f.platform = u.platform AND f.workspace = u.workspace AND f.user = u.user
      ORDER BY f.platform, f.workspace, f.user, f.created, f.id`).raw(),
    listDigests: db.prepare('SELECT * FROM digests WHERE platform = ? AND workspace = ? AND channel = ? ORDER BY id'),
    insertDigest: db.prepare(`INSERT INTO digests (platform, workspace, channel, topic, schedule, time_zone, size, created_by, created, active_since)
      VALUES (@platform, @workspace, @channel, @topic, @schedule, @timeZone, @size, @createdBy, @created, @created)`),
    digestById: db.prepare('SELECT * FROM digests WHERE id = ?'),
    removeDigest: db.prepare('DELETE FROM digests WHERE id = ? AND platform = ? AND workspace = ? AND channel = ?'),
    pauseDigest: db.prepare('UPDATE digests SET paused = 1, paused_reason = ? WHERE id = ?'),
    resumeDigest: db.prepare('UPDATE digests SET paused = 0, paused_reason = NULL, active_since = CASE WHEN paused = 1 THEN ? ELSE active_since END WHERE id = ?'),
    allDigests: db.prepare('SELECT * FROM digests ORDER BY id'),
    getPrefs: db.prepare('SELECT * FROM prefs WHERE platform = ? AND workspace = ? AND user = ?'),
    allPrefs: db.prepare('SELECT * FROM prefs'),
    setPrefs: db.prepare(`INSERT OR REPLACE INTO prefs (platform, workspace, user, time, time_zone, paused, paused_reason, since)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    recordFirstSeen: db.prepare('INSERT OR IGNORE INTO first_seen (paper_id, at) VALUES (?, ?)'),
    firstSeen: db.prepare('SELECT at FROM first_seen WHERE paper_id = ?'),
    claimRun: db.prepare(`INSERT OR IGNORE INTO runs (target, slot, platform, workspace, kind, target_id, state, claimed, updated, paper_ids, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    getRun: db.prepare('SELECT * FROM runs WHERE target = ? AND slot = ?'),
    runTargets: db.prepare('SELECT target FROM runs WHERE slot = ?').pluck(),
    pendingRuns: db.prepare("SELECT * FROM runs WHERE state = 'claimed' ORDER BY slot"),
    recordAttempt: db.prepare("UPDATE runs SET attempts = attempts + 1, error = ?, updated = ? WHERE target = ? AND slot = ? AND state = 'claimed'"),
    finishRun: db.prepare("UPDATE runs SET state = ?, message_id = ?, error = ?, updated = ? WHERE target = ? AND slot = ? AND state = 'claimed'"),
    insertDelivery: db.prepare('INSERT OR IGNORE INTO deliveries (target, paper_id, at, message_id) VALUES (?, ?, ?, ?)'),
    // One statement, so one consistent snapshot of delivered and claimed-but-unsent papers.
    delivered: db.prepare(`SELECT paper_id FROM deliveries WHERE target = @target AND paper_id IN (SELECT value FROM json_each(@ids))
      UNION SELECT j.value FROM runs r, json_each(r.paper_ids) j
      WHERE r.target = @target AND r.state = 'claimed' AND j.value IN (SELECT value FROM json_each(@ids))`).pluck(),
    // Read per paper through deliveries_by_paper, so the cost follows the papers asked about, not the history.
    deliveredByPaper: db.prepare(`SELECT paper_id, json_group_array(target) FROM deliveries
      WHERE paper_id IN (SELECT value FROM json_each(?)) GROUP BY paper_id`).raw(),
    claimedByPaper: db.prepare(`SELECT j.value, r.target FROM runs r, json_each(r.paper_ids) j
      WHERE r.state = 'claimed' AND j.value IN (SELECT value FROM json_each(?))`).raw(),
    pruneRuns: db.prepare("DELETE FROM runs WHERE state != 'claimed' AND slot < ?"),
    offer: db.prepare(`INSERT OR IGNORE INTO offered (target, paper_id, topic, relevance, since)
      SELECT @target, @paperId, @topic, @relevance, @now WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE target = @target AND paper_id = @paperId)`),
    offered: db.prepare(`SELECT paper_id, topic, relevance, since FROM offered o WHERE o.target = ? AND o.expired IS NULL
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.target = o.target AND d.paper_id = o.paper_id)
      ORDER BY relevance DESC, since, paper_id`).raw(),
    expire: db.prepare('UPDATE offered SET expired = ? WHERE target = ? AND paper_id = ? AND expired IS NULL'),
    expired: db.prepare('SELECT paper_id FROM offered WHERE target = ? AND expired IS NOT NULL').pluck(),
    allOffered: db.prepare(`SELECT target, paper_id, topic, relevance, since FROM offered o WHERE o.expired IS NULL
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.target = o.target AND d.paper_id = o.paper_id)
      ORDER BY target, relevance DESC, since, paper_id`).raw(),
    allExpired: db.prepare('SELECT target, paper_id FROM offered WHERE expired IS NOT NULL').raw(),
    allAliases: db.prepare('SELECT old FROM target_aliases').pluck(),
    topicNotices: db.prepare('SELECT topic_key FROM topic_notices WHERE target = ?').pluck(),
    addTopicNotice: db.prepare('INSERT OR IGNORE INTO topic_notices (target, topic_key, at) VALUES (?, ?, ?)'),
    alias: db.prepare('SELECT workspace FROM target_aliases WHERE old = ?').pluck(),
    droppedFollows: db.prepare('SELECT topic FROM dropped_follows WHERE platform = ? AND workspace = ? AND user = ? ORDER BY dropped, topic_key').pluck(),
    clearDropped: db.prepare('DELETE FROM dropped_follows WHERE platform = ? AND workspace = ? AND user = ?'),
    probe: db.prepare('INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)'),
    rate: db.prepare(`INSERT INTO ratings (platform, workspace, user, topic_key, paper_id, rating, at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (platform, workspace, user, topic_key, paper_id) DO UPDATE SET rating = excluded.rating, at = excluded.at`),
    unrate: db.prepare('DELETE FROM ratings WHERE platform = ? AND workspace = ? AND user = ? AND topic_key = ? AND paper_id = ?'),
    ratings: db.prepare('SELECT topic_key, paper_id, rating FROM ratings WHERE platform = ? AND workspace = ? AND user = ? ORDER BY topic_key, at, paper_id').raw(),
    allRatings: db.prepare('SELECT platform, workspace, user, topic_key, paper_id, rating FROM ratings ORDER BY platform, workspace, user, topic_key, at, paper_id').raw(),
    clearRatings: db.prepare('DELETE FROM ratings WHERE platform = ? AND workspace = ? AND user = ? AND topic_key = ?'),
    paperById: db.prepare('SELECT * FROM papers WHERE id = ?'),
    insertPaper: db.prepare(`INSERT INTO papers (id, arxiv_id, title, abstract, url, published, authors, upvotes, categories, source, stored, updated, seq)
      VALUES (@id, @arxivId, @title, @abstract, @url, @published, @authors, @upvotes, @categories, @source, @now, @now, (SELECT COALESCE(MAX(seq), 0) + 1 FROM papers))`),
    updatePaper: db.prepare(`UPDATE papers SET arxiv_id = @arxivId, title = @title, abstract = @abstract, url = @url, published = @published,
      authors = @authors, upvotes = @upvotes, categories = @categories, source = @source, updated = @now WHERE id = @id`),
    sourceCursor: db.prepare('SELECT value FROM source_cursor WHERE source = ?').pluck(),
    saveSourceCursor: db.prepare(`INSERT INTO source_cursor (source, value, updated) VALUES (@source, @value, @at)
      ON CONFLICT (source) DO UPDATE SET value = @value, updated = @at`),
    storedPapers: db.prepare('SELECT * FROM papers ORDER BY seq'),
    paperIdByArxiv: db.prepare('SELECT id FROM papers WHERE arxiv_id = ?').pluck(),
    sourceStates: db.prepare('SELECT * FROM source_state ORDER BY source'),
    sourceSuccess: db.prepare(`INSERT INTO source_state (source, last_success, fetched) VALUES (@source, @at, @saved)
      ON CONFLICT (source) DO UPDATE SET last_success = @at, last_error = NULL, last_error_at = NULL, failing_since = NULL, fetched = fetched + @saved`),
    sourceFailure: db.prepare(`INSERT INTO source_state (source, last_error, last_error_at, failing_since, fetched, failures) VALUES (@source, @error, @at, @at, @saved, 1)
      ON CONFLICT (source) DO UPDATE SET last_error = @error, last_error_at = @at, failing_since = COALESCE(failing_since, @at),
      fetched = fetched + @saved, failures = failures + 1`),
  };
  // A DM target merged into its person answers under its old key too (a run planned before the merge).
  const resolve = (t: Target): Target => {
    if (t.kind !== 'user') return t;
    const workspace = q.alias.get(targetKey(t)) as string | undefined;
    return workspace === undefined ? t : { ...t, workspace };
  };

  // A person's old key (a server or workspace merged into their scope) reads and writes the person's prefs.
  const resolveUser = (u: UserKey): UserKey => {
    const workspace = q.alias.get(targetKey(dmTarget(u))) as string | undefined;
    return workspace === undefined ? u : { ...u, workspace };
  };
  const personRow = (u: UserKey): unknown => {
    const person = resolveUser(u);
    return person === u ? undefined : q.getPrefs.get(person.platform, person.workspace, person.user);
  };

  // Every write to ratings, by any statement of this connection (merges included), counts here:
  // a planning pass's bulk read of ratings holds while the count is unchanged.
  let ratingWrites = 0;
  db.function('paperboy_rating_written', { deterministic: false }, () => {
    ratingWrites++;
    return null;
  });
  for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS ratings_${op.toLowerCase()}_counted AFTER ${op} ON main.ratings BEGIN SELECT paperboy_rating_written(); END`);
  }

  const store: Store = {
    listFollows: (u) => (q.listFollows.all(u.platform, u.workspace, u.user) as Row[]).map(toFollow),
    addFollow: db.transaction((u, topic: string, now: Date, examples?: string[]) => {
      const existing = q.followByKey.get(u.platform, u.workspace, u.user, topicKey(topic)) as Row | undefined;
      if (existing) return { follow: toFollow(existing), created: false };
      const { lastInsertRowid } = q.insertFollow.run(u.platform, u.workspace, u.user, topic, topicKey(topic), now.getTime(), examples?.length ? JSON.stringify(examples) : null);
      return { follow: toFollow(q.followById.get(lastInsertRowid) as Row), created: true };
    }),
    removeFollow: db.transaction((u: UserKey, id: number) => {
      const follow = q.followById.get(id) as Row | undefined;
      const removed = q.removeFollow.run(id, u.platform, u.workspace, u.user).changes > 0;
      if (removed && follow) q.clearRatings.run(u.platform, u.workspace, u.user, follow.topic_key);
      return removed;
    }),
    rate(u, topic, paperId, rating, now) {
      if (rating === 0) q.unrate.run(u.platform, u.workspace, u.user, topicKey(topic), paperId);
      else q.rate.run(u.platform, u.workspace, u.user, topicKey(topic), paperId, rating, now.getTime());
    },
    followRatings(u) {
      const out = new Map<string, Map<string, Rating>>();
      for (const [key, paperId, rating] of q.ratings.iterate(u.platform, u.workspace, u.user) as Iterable<[string, string, Rating]>) {
        let map = out.get(key);
        if (!map) out.set(key, (map = new Map()));
        map.set(paperId, rating);
      }
      return out;
    },
    followRatingsByUser() {
      const at = ratingWrites;
      const byUser = new Map<string, Map<string, Map<string, Rating>>>();
      let last = '';
      let user: Map<string, Map<string, Rating>> | undefined;
      for (const [platform, workspace, name, key, paperId, rating] of q.allRatings.all() as [string, string, string, string, string, Rating][]) {
        const id = `${platform}\u0000${workspace}\u0000${name}`;
        if (id !== last || !user) byUser.set((last = id), (user = new Map()));
        let map = user.get(key);
        if (!map) user.set(key, (map = new Map()));
        map.set(paperId, rating);
      }
      return {
        // Most users rate nothing: one shared empty map for them, not a Map each.
        of: (u: UserKey) => (byUser.size === 0 ? NO_RATINGS : (byUser.get(`${u.platform}\u0000${u.workspace}\u0000${u.user}`) ?? NO_RATINGS)),
        current: () => ratingWrites === at,
      };
    },
    clearRatings: (u, topic) => q.clearRatings.run(u.platform, u.workspace, u.user, topicKey(topic)).changes,
    followerCount: () => q.followerCount.get() as number,
    // all() rather than iterate(): one call into SQLite instead of one per row (a pass reads every follow).
    allFollowers: () => followersOf(q.allFollows.all() as FollowRow[]),
    followersPage: (after, limit) => followersOf(q.followsPage.all(after?.platform ?? '', after?.workspace ?? '', after?.user ?? '', limit) as FollowRow[]),

    listDigests: (c) => (q.listDigests.all(c.platform, c.workspace, c.channel) as Row[]).map(toDigest),
    addDigest: db.transaction((d) => {
      const { lastInsertRowid } = q.insertDigest.run({
        platform: d.platform, workspace: d.workspace, channel: d.channel, topic: d.topic, schedule: d.schedule,
        timeZone: d.timeZone, size: d.size, createdBy: d.createdBy, created: d.created.getTime(),
      });
      return toDigest(q.digestById.get(lastInsertRowid) as Row);
    }),
    removeDigest: (c, id) => q.removeDigest.run(id, c.platform, c.workspace, c.channel).changes > 0,
    setDigestPaused(id, paused, reason, now = new Date()) {
      if (paused) q.pauseDigest.run(reason ?? null, id);
      else q.resumeDigest.run(now.getTime(), id);
    },
    allDigests: () => (q.allDigests.all() as Row[]).map(toDigest),

    getPrefs(asked) {
      // Only a user without a row of their own may be an old key (kept out of the per-user hot path).
      const r = (q.getPrefs.get(asked.platform, asked.workspace, asked.user) ?? personRow(asked)) as Row | undefined;
      return r && toPrefs(r);
    },
    // Followers are people (never old keys), so each one's own row is their prefs.
    followerPrefs: () => new Map((q.allPrefs.all() as Row[]).map((r) => [targetKey(dmTarget({ platform: r.platform as Platform, workspace: r.workspace as string, user: r.user as string })), toPrefs(r)])),
    setPrefs(asked, p) {
      const u = resolveUser(asked);
      q.setPrefs.run(u.platform, u.workspace, u.user, p.time, p.timeZone, p.paused ? 1 : 0, p.pausedReason ?? null, (p.since ?? new Date()).getTime());
    },

    recordFirstSeen: db.transaction((ids: string[], at: Date) => {
      for (const id of ids) q.recordFirstSeen.run(id, at.getTime());
    }),
    firstSeen(id) {
      const r = q.firstSeen.get(id) as { at: number } | undefined;
      return r ? new Date(r.at) : undefined;
    },

    claimRun(target, slot, plan, now) {
      const t = resolve(target);
      const state: RunState = plan ? 'claimed' : 'empty';
      return q.claimRun.run(targetKey(t), slot, t.platform, t.workspace, t.kind, t.id, state, now.getTime(), now.getTime(),
        plan ? JSON.stringify(plan.paperIds) : null, plan ? plan.payload : null).changes > 0;
    },
    getRun(t, slot) {
      const r = q.getRun.get(targetKey(resolve(t)), slot) as Row | undefined;
      return r && toRun(r);
    },
    runTargets: (slot) => new Set(q.runTargets.all(slot) as string[]),
    pendingRuns: () => (q.pendingRuns.all() as Row[]).map(toRun),
    recordAttempt(t, slot, error, now) {
      q.recordAttempt.run(error, now.getTime(), targetKey(resolve(t)), slot);
    },
    finishRun: db.transaction((t: Target, slot: string, outcome, now: Date) => {
      const key = targetKey(resolve(t));
      const changed = q.finishRun.run(outcome.state, outcome.messageId ?? null, outcome.error ?? null, now.getTime(), key, slot).changes;
      if (changed === 0) throw new Error(`paperboy store: no claimed run for ${key} at ${slot}`);
      for (const paperId of outcome.paperIds ?? []) q.insertDelivery.run(key, paperId, now.getTime(), outcome.messageId ?? '');
    }),
    deliveredPapers: (t, ids) => new Set(q.delivered.all({ target: targetKey(resolve(t)), ids: JSON.stringify(ids) }) as string[]),
    // One read transaction: a run finishing between the two reads is seen as claimed or as delivered, never as neither.
    eachDelivered: db.transaction((ids: string[], each: (paperId: string, targets: readonly string[]) => void) => {
      const json = JSON.stringify(ids);
      for (const [id, targets] of q.deliveredByPaper.iterate(json) as Iterable<[string, string]>) each(id, JSON.parse(targets) as string[]);
      for (const [id, target] of q.claimedByPaper.iterate(json) as Iterable<[string, string]>) each(id, [target]);
    }),
    pruneRuns: (before) => q.pruneRuns.run(before.toISOString()).changes,
    offerPapers: db.transaction((t: Target, papers: { paperId: string; topic: string; relevance: number }[], now: Date) => {
      const target = targetKey(resolve(t));
      for (const p of papers) q.offer.run({ target, paperId: p.paperId, topic: p.topic, relevance: p.relevance, now: now.getTime() });
    }),
    offeredPapers: (t) => (q.offered.all(targetKey(resolve(t))) as [string, string, number, number][])
      .map(([paperId, topic, relevance, since]) => ({ paperId, topic, relevance, since: new Date(since) })),
    expireOffered: db.transaction((t: Target, ids: string[], now: Date) => {
      for (const id of ids) q.expire.run(now.getTime(), targetKey(resolve(t)), id);
    }),
    expiredPapers: (t) => new Set(q.expired.all(targetKey(resolve(t))) as string[]),
    // One read transaction, like eachDelivered.
    offersByTarget: db.transaction((): OffersByTarget => {
      const targets: OffersByTarget['targets'] = new Map();
      const of = (target: string) => {
        let entry = targets.get(target);
        if (!entry) targets.set(target, (entry = { offered: [], expired: new Set() }));
        return entry;
      };
      for (const [target, paperId, topic, relevance, since] of q.allOffered.iterate() as Iterable<[string, string, string, number, number]>) {
        of(target).offered.push({ paperId, topic, relevance, since: new Date(since) });
      }
      for (const [target, paperId] of q.allExpired.iterate() as Iterable<[string, string]>) of(target).expired.add(paperId);
      return { targets, aliased: new Set(q.allAliases.all() as string[]) };
    }),
    recordShown: db.transaction((t: Target, ids: string[], messageId: string, now: Date) => {
      for (const id of ids) q.insertDelivery.run(targetKey(resolve(t)), id, now.getTime(), messageId);
    }),
    topicNotices: (t) => new Set(q.topicNotices.all(targetKey(resolve(t))) as string[]),
    addTopicNotices: db.transaction((t: Target, keys: string[], now: Date) => {
      for (const k of keys) q.addTopicNotice.run(targetKey(resolve(t)), k, now.getTime());
    }),
    mergePersonScope: (platform, from, to, options) => db.transaction(() => mergeScopeSqlite(db, platform, from, to, options)).immediate(),
    takeDroppedFollows: db.transaction((u) => {
      const topics = q.droppedFollows.all(u.platform, u.workspace, u.user) as string[];
      if (topics.length > 0) q.clearDropped.run(u.platform, u.workspace, u.user);
      return topics;
    }),
    savePapers: db.transaction((papers: StoredPaper[], now: Date) => {
      const out: SaveOutcome[] = [];
      for (const p of papers) {
        const known = q.paperById.get(p.id) as Row | undefined;
        const row = {
          id: p.id, arxivId: p.arxivId ?? null, title: p.title, abstract: p.abstract, url: p.url, published: p.published ?? null,
          authors: p.authors ? JSON.stringify(p.authors) : null, upvotes: p.upvotes ?? null,
          categories: p.categories ? JSON.stringify(p.categories) : null, source: p.source, now: now.getTime(),
        };
        if (!known) {
          q.insertPaper.run(row);
          out.push('new');
        } else if (samePaper(toStoredPaper(known), p)) out.push('same');
        else {
          q.updatePaper.run(row);
          out.push('changed');
        }
      }
      return out;
    }),
    storedPapers: () => (q.storedPapers.all() as Row[]).map(toStoredPaper),
    paperIdByArxiv: (arxivId) => q.paperIdByArxiv.get(arxivId) as string | undefined,
    sourceStates: () => (q.sourceStates.all() as Row[]).map(toSourceState),
    recordSourceSuccess(source, at, saved) {
      q.sourceSuccess.run({ source, at: at.getTime(), saved });
    },
    recordSourceFailure(source, at, error, saved) {
      q.sourceFailure.run({ source, at: at.getTime(), error, saved });
    },
    sourceCursor: (source) => q.sourceCursor.get(source) as string | undefined,
    saveSourceCursor(source, value, at) {
      q.saveSourceCursor.run({ source, value, at: at.getTime() });
    },
    // The file checks first: writing into an unwritable memory-mapped WAL index would end in SIGBUS.
    ping: () => {
      checkFile();
      q.probe.run(Date.now());
    },
    close: () => {
      try {
        checkFile();
      } catch (err) {
        // Closing checkpoints into the files; when they cannot be written that would crash (SIGBUS).
        // Every committed write is already in the WAL, so leaving it to the exit loses nothing.
        if (/not writable/.test((err as Error).message)) return;
      }
      db.close();
    },
  };
  // Every write checks the file first: a write to a deleted file is silently lost, and one into an
  // unwritable memory-mapped WAL index kills the process (SIGBUS). Refused, it becomes an error reply.
  for (const name of WRITES) {
    const write = store[name] as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      checkFile();
      return write(...args);
    };
  }
  return store;
}

const WRITES = [
  'addFollow', 'removeFollow', 'rate', 'clearRatings', 'addDigest', 'removeDigest', 'setDigestPaused', 'setPrefs', 'recordFirstSeen',
  'claimRun', 'recordAttempt', 'finishRun', 'pruneRuns', 'savePapers', 'recordSourceSuccess', 'recordSourceFailure',
  'saveSourceCursor',
  'mergePersonScope', 'takeDroppedFollows',
] as const satisfies readonly (keyof Store)[];

