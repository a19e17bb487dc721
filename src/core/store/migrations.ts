import type Database from 'better-sqlite3';
import { PERSON_SCOPE } from '../identity.js';
import type { Logger } from '../log.js';
import { legacyDiscordScopes, mergeScopeSqlite } from './sqlite-merge.js';

/** What a migration's code step may use besides the database. */
export interface MigrationContext {
  maxFollows: number;
  now: Date;
  log?: Logger;
}

export interface Migration {
  version: number;
  sql: string;
  /** Runs after `sql`, in the same transaction: for changes SQL alone cannot express. */
  run?: (db: Database.Database, ctx: MigrationContext) => void;
  /** Copy the database file next to itself before applying this one (it rewrites user data). */
  backup?: boolean;
}

/** Schema versions, applied in order once each; never edit a shipped one, add the next. */
export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE follows (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, workspace TEXT NOT NULL, user TEXT NOT NULL,
        topic TEXT NOT NULL, topic_key TEXT NOT NULL, created INTEGER NOT NULL,
        UNIQUE (platform, workspace, user, topic_key)
      );
      CREATE TABLE digests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, workspace TEXT NOT NULL, channel TEXT NOT NULL,
        topic TEXT NOT NULL, schedule TEXT NOT NULL, time_zone TEXT NOT NULL, size INTEGER NOT NULL,
        created_by TEXT NOT NULL, created INTEGER NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0, paused_reason TEXT, active_since INTEGER NOT NULL
      );
      CREATE INDEX digests_by_channel ON digests (platform, workspace, channel);
      CREATE TABLE prefs (
        platform TEXT NOT NULL, workspace TEXT NOT NULL, user TEXT NOT NULL,
        time TEXT NOT NULL, time_zone TEXT NOT NULL, paused INTEGER NOT NULL, paused_reason TEXT,
        since INTEGER NOT NULL,
        PRIMARY KEY (platform, workspace, user)
      ) WITHOUT ROWID;
      CREATE TABLE first_seen (paper_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE runs (
        target TEXT NOT NULL, slot TEXT NOT NULL,
        platform TEXT NOT NULL, workspace TEXT NOT NULL, kind TEXT NOT NULL, target_id TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        claimed INTEGER NOT NULL, updated INTEGER NOT NULL,
        paper_ids TEXT, payload TEXT, message_id TEXT, error TEXT,
        PRIMARY KEY (target, slot)
      ) WITHOUT ROWID;
      CREATE INDEX runs_claimed ON runs (state) WHERE state = 'claimed';
      CREATE TABLE deliveries (
        target TEXT NOT NULL, paper_id TEXT NOT NULL, at INTEGER NOT NULL, message_id TEXT NOT NULL,
        PRIMARY KEY (target, paper_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    // eachDelivered(): who has each candidate paper, read per paper in one pass instead of per target.
    sql: 'CREATE INDEX deliveries_by_paper ON deliveries (paper_id);',
  },
  {
    version: 3,
    // One person, one list: Discord persons move from each server's key to their global one (see identity.ts).
    // Slack rows keep their workspace: old rows cannot tell which workspaces share an org; the first
    // request that names an org moves its workspace's persons (dispatch.ts, adoptPlace).
    sql: `
      CREATE TABLE dropped_follows (
        platform TEXT NOT NULL, workspace TEXT NOT NULL, user TEXT NOT NULL,
        topic TEXT NOT NULL, topic_key TEXT NOT NULL, dropped INTEGER NOT NULL,
        PRIMARY KEY (platform, workspace, user, topic_key)
      ) WITHOUT ROWID;
      CREATE TABLE target_aliases (old TEXT PRIMARY KEY, workspace TEXT NOT NULL, target TEXT NOT NULL) WITHOUT ROWID;
    `,
    backup: true,
    run(db, ctx) {
      for (const scope of legacyDiscordScopes(db, PERSON_SCOPE.discord)) {
        const report = mergeScopeSqlite(db, 'discord', scope, PERSON_SCOPE.discord, ctx);
        ctx.log?.info({ migration: 3, platform: 'discord', from: scope, ...report }, 'store: merged Discord users of one server into their one list');
      }
    },
  },
  {
    version: 4,
    // Papers a digest offered but did not show (carried until shown or aged out), and which
    // unplannable topics a target was told about once.
    sql: `
      CREATE TABLE IF NOT EXISTS offered (
        target TEXT NOT NULL, paper_id TEXT NOT NULL, topic TEXT NOT NULL, relevance REAL NOT NULL,
        since INTEGER NOT NULL, expired INTEGER,
        PRIMARY KEY (target, paper_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS topic_notices (
        target TEXT NOT NULL, topic_key TEXT NOT NULL, at INTEGER NOT NULL,
        PRIMARY KEY (target, topic_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    // papers: what live sources fetched, so a restart with the source down still has them.
    // source_state: each source's last success and error (catch-up, /healthz, /papers sources).
    // store_probe: /healthz writes one row here to prove the file still takes durable writes.
    sql: `
      CREATE TABLE IF NOT EXISTS papers (
        id TEXT PRIMARY KEY, arxiv_id TEXT UNIQUE, title TEXT NOT NULL, abstract TEXT NOT NULL, url TEXT NOT NULL,
        published TEXT, authors TEXT, upvotes INTEGER, source TEXT NOT NULL,
        stored INTEGER NOT NULL, updated INTEGER NOT NULL, seq INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS source_state (
        source TEXT PRIMARY KEY, last_success INTEGER, last_error TEXT, last_error_at INTEGER, failing_since INTEGER,
        fetched INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
    `,
  },
  {
    version: 6,
    // papers.categories: the arXiv categories a paper is listed in (JSON array), shown beside it.
    // source_cursor: where a source's next fetch starts (arXiv: per category, the newest submission seen).
    sql: `
      ALTER TABLE papers ADD COLUMN categories TEXT;
      CREATE TABLE IF NOT EXISTS source_cursor (source TEXT PRIMARY KEY, value TEXT NOT NULL, updated INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    // 👍/👎 per person and follow (by the follow's topic key): what a follow learns from (src/core/learning).
    sql: `
      CREATE TABLE IF NOT EXISTS ratings (
        platform TEXT NOT NULL, workspace TEXT NOT NULL, user TEXT NOT NULL, topic_key TEXT NOT NULL,
        paper_id TEXT NOT NULL, rating INTEGER NOT NULL CHECK (rating IN (1, -1)), at INTEGER NOT NULL,
        PRIMARY KEY (platform, workspace, user, topic_key, paper_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    // follows.examples: a follow by example's paper ids (JSON array; NULL for a follow of words).
    // A column of follows, so a person merge (sqlite-merge.ts), which moves follow rows, carries it.
    // Needs nothing from migration 7 (ratings), which may land before or after it.
    sql: 'ALTER TABLE follows ADD COLUMN examples TEXT;',
  },
  {
    version: 9,
    // The scheduler reads which targets have a run for a slot in one query (runTargets).
    sql: 'CREATE INDEX runs_by_slot ON runs (slot);',
  },
];
