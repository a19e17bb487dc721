import type Database from 'better-sqlite3';
import { targetKey, type Platform } from '../types.js';
import { emptyMergeReport, mergedSlot, mergeFollowLists, newerPrefs, type MergeReport } from './person-merge.js';
import { topicKey, type Follow, type UserPrefs } from './port.js';

type Row = Record<string, unknown>;

const userTarget = (platform: Platform, workspace: string, id: string) => targetKey({ platform, workspace, kind: 'user', id });

/** Every user id with anything stored under (platform, scope): follows, prefs, DM runs, DM deliveries, dropped notices, ratings. */
function usersIn(db: Database.Database, platform: Platform, scope: string): string[] {
  const prefix = userTarget(platform, scope, '');
  const ratings = hasRatings(db) ? 'UNION SELECT user FROM ratings WHERE platform = @platform AND workspace = @scope' : '';
  return db.prepare(`
    SELECT user FROM follows WHERE platform = @platform AND workspace = @scope
    UNION SELECT user FROM prefs WHERE platform = @platform AND workspace = @scope
    UNION SELECT user FROM dropped_follows WHERE platform = @platform AND workspace = @scope
    ${ratings}
    UNION SELECT target_id FROM runs WHERE platform = @platform AND workspace = @scope AND kind = 'user'
    UNION SELECT substr(target, length(@prefix) + 1) FROM deliveries WHERE target >= @prefix AND target < @prefix || char(1114111)`)
    .pluck().all({ platform, scope, prefix }) as string[];
}

const toFollow = (r: Row): Follow => ({
  id: r.id as number, platform: r.platform as Platform, workspace: r.workspace as string, user: r.user as string,
  topic: r.topic as string, created: new Date(r.created as number),
});

const toPrefs = (r: Row | undefined): UserPrefs | undefined =>
  r && { time: r.time as string, timeZone: r.time_zone as string, paused: r.paused === 1, ...(r.paused_reason != null ? { pausedReason: r.paused_reason as string } : {}), since: new Date(r.since as number) };

/** mergePersonScope for SQLite; the caller wraps it in a transaction. */
export function mergeScopeSqlite(db: Database.Database, platform: Platform, from: string, to: string, options: { maxFollows: number; now: Date }): MergeReport {
  const report = emptyMergeReport();
  if (from === to) return report;
  const q = {
    follows: db.prepare('SELECT * FROM follows WHERE platform = ? AND workspace = ? AND user = ? ORDER BY id'),
    deleteFollow: db.prepare('DELETE FROM follows WHERE id = ?'),
    moveFollow: db.prepare('UPDATE follows SET workspace = ? WHERE id = ?'),
    moveDropped: db.prepare(`INSERT OR IGNORE INTO dropped_follows (platform, workspace, user, topic, topic_key, dropped)
      SELECT platform, ?, user, topic, topic_key, dropped FROM dropped_follows WHERE platform = ? AND workspace = ? AND user = ?`),
    deleteDropped: db.prepare('DELETE FROM dropped_follows WHERE platform = ? AND workspace = ? AND user = ?'),
    addDropped: db.prepare('INSERT OR IGNORE INTO dropped_follows (platform, workspace, user, topic, topic_key, dropped) VALUES (?, ?, ?, ?, ?, ?)'),
    undrop: db.prepare('DELETE FROM dropped_follows WHERE platform = ? AND workspace = ? AND user = ? AND topic_key = ?'),
    prefs: db.prepare('SELECT * FROM prefs WHERE platform = ? AND workspace = ? AND user = ?'),
    setPrefs: db.prepare('INSERT OR REPLACE INTO prefs (platform, workspace, user, time, time_zone, paused, paused_reason, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    deletePrefs: db.prepare('DELETE FROM prefs WHERE platform = ? AND workspace = ? AND user = ?'),
    runs: db.prepare('SELECT slot, state FROM runs WHERE target = ?'),
    hasRun: db.prepare('SELECT 1 FROM runs WHERE target = ? AND slot = ?').pluck(),
    deleteRun: db.prepare('DELETE FROM runs WHERE target = ? AND slot = ?'),
    moveRun: db.prepare('UPDATE runs SET target = ?, workspace = ?, slot = ? WHERE target = ? AND slot = ?'),
    copyDeliveries: db.prepare('INSERT OR IGNORE INTO deliveries (target, paper_id, at, message_id) SELECT ?, paper_id, at, message_id FROM deliveries WHERE target = ?'),
    deleteDeliveries: db.prepare('DELETE FROM deliveries WHERE target = ?'),
    alias: db.prepare('INSERT OR REPLACE INTO target_aliases (old, workspace, target) VALUES (?, ?, ?)'),
    realias: db.prepare('UPDATE target_aliases SET workspace = ?, target = ? WHERE target = ?'),
  };
  const ratings = hasRatings(db) ? ratingQueries(db) : undefined;

  for (const user of usersIn(db, platform, from)) {
    report.persons++;
    // Follows: one list under `to`, duplicates collapsed, the cap applied.
    const into = (q.follows.all(platform, to, user) as Row[]).map(toFollow);
    const moving = (q.follows.all(platform, from, user) as Row[]).map(toFollow);
    const { keep, duplicates, dropped } = mergeFollowLists(into, moving, options.maxFollows);
    for (const f of [...duplicates, ...dropped]) q.deleteFollow.run(f.id);
    for (const f of keep) if (f.workspace === from) q.moveFollow.run(to, f.id);
    q.moveDropped.run(to, platform, from, user);
    q.deleteDropped.run(platform, from, user);
    for (const f of dropped) q.addDropped.run(platform, to, user, f.topic, topicKey(f.topic), options.now.getTime());
    for (const f of keep) q.undrop.run(platform, to, user, topicKey(f.topic));
    if (ratings) {
      ratings.move.run({ platform, from, to, user });
      ratings.remove.run(platform, from, user);
      ratings.orphans.run({ platform, to, user });
    }
    report.followsKept += keep.length;
    report.duplicatesCollapsed += duplicates.length;
    report.followsDropped += dropped.length;

    // Prefs: the most recently changed wins.
    const fromPrefs = toPrefs(q.prefs.get(platform, from, user) as Row | undefined);
    const winner = newerPrefs(toPrefs(q.prefs.get(platform, to, user) as Row | undefined), fromPrefs);
    if (winner && winner === fromPrefs) {
      q.setPrefs.run(platform, to, user, winner.time, winner.timeZone, winner.paused ? 1 : 0, winner.pausedReason ?? null, winner.since!.getTime());
    }
    q.deletePrefs.run(platform, from, user);

    // Runs and deliveries move to the merged DM target; the old key resolves to it from now on.
    const oldKey = userTarget(platform, from, user);
    const newKey = userTarget(platform, to, user);
    for (const run of q.runs.all(oldKey) as { slot: string; state: string }[]) {
      let slot = run.slot;
      if (q.hasRun.get(newKey, slot)) {
        if (run.state !== 'claimed') {
          q.deleteRun.run(oldKey, slot);
          continue;
        }
        slot = mergedSlot(slot, from);
      }
      q.moveRun.run(newKey, to, slot, oldKey, run.slot);
      report.runsMoved++;
    }
    report.deliveriesMoved += q.copyDeliveries.run(newKey, oldKey).changes;
    q.deleteDeliveries.run(oldKey);
    q.alias.run(oldKey, to, newKey);
    q.realias.run(to, newKey, oldKey);
  }
  return report;
}

/** Whether migration 7 (ratings) ran: migration 3 merges persons before the table exists. */
function hasRatings(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ratings'").get() !== undefined;
}

/** Ratings in a merge: one person's, by (follow, paper) the later rating wins; a follow not kept takes its ratings along. */
function ratingQueries(db: Database.Database) {
  return {
    move: db.prepare(`INSERT INTO ratings (platform, workspace, user, topic_key, paper_id, rating, at)
      SELECT platform, @to, user, topic_key, paper_id, rating, at FROM ratings WHERE platform = @platform AND workspace = @from AND user = @user
      ON CONFLICT (platform, workspace, user, topic_key, paper_id) DO UPDATE SET rating = excluded.rating, at = excluded.at WHERE excluded.at > ratings.at`),
    remove: db.prepare('DELETE FROM ratings WHERE platform = ? AND workspace = ? AND user = ?'),
    orphans: db.prepare(`DELETE FROM ratings WHERE platform = @platform AND workspace = @to AND user = @user
      AND topic_key NOT IN (SELECT topic_key FROM follows WHERE platform = @platform AND workspace = @to AND user = @user)`),
  };
}

/** Every Discord scope other than the person scope that still holds a person (from before identity keys). */
export function legacyDiscordScopes(db: Database.Database, personScope: string): string[] {
  return db.prepare(`
    SELECT workspace FROM follows WHERE platform = 'discord'
    UNION SELECT workspace FROM prefs WHERE platform = 'discord'
    UNION SELECT workspace FROM runs WHERE platform = 'discord' AND kind = 'user'
    UNION SELECT substr(rest, 1, instr(rest, ':') - 1) FROM (SELECT substr(target, 9) AS rest FROM deliveries WHERE target >= 'discord:' AND target < 'discord;')
      WHERE rest LIKE '%:user:%'`)
    .pluck().all().filter((scope) => scope !== personScope) as string[];
}
