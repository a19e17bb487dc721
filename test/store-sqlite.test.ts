import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/core/store/migrations.js';
import { defaultStorePath, openSqliteStore } from '../src/core/store/sqlite.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite', () => openSqliteStore(join(dir, `contract-${n++}.db`)));

describe('sqlite store on disk', () => {
  it('keeps everything across close and reopen, in a data dir it creates', () => {
    const path = defaultStorePath(join(dir, 'nested', 'data'));
    const at = new Date('2026-03-01T08:00:00Z');
    const user = { platform: 'discord' as const, workspace: 'G', user: 'U' };
    const target = { platform: 'discord' as const, workspace: 'G', kind: 'user' as const, id: 'U' };
    const first = openSqliteStore(path);
    first.addFollow(user, 'Diffusion', at);
    first.addDigest({ platform: 'discord', workspace: 'G', channel: 'C', topic: 'robots', schedule: 'weekly mon 09:00', timeZone: 'UTC', size: 3, createdBy: 'U', created: at });
    first.setPrefs(user, { time: '06:45', timeZone: 'Asia/Tokyo', paused: false });
    first.claimRun(target, 'slot-a', { paperIds: ['p1'], payload: '{}' }, at);
    first.finishRun(target, 'slot-a', { state: 'sent', messageId: 'm1', paperIds: ['p1'] }, at);
    first.claimRun(target, 'slot-b', { paperIds: ['p2'], payload: '{"x":1}' }, at);
    first.close();

    const again = openSqliteStore(path);
    expect(again.listFollows(user).map((f) => f.topic)).toEqual(['Diffusion']);
    expect(again.addFollow(user, 'diffusion', at).created).toBe(false);
    expect(again.allDigests()[0]).toMatchObject({ topic: 'robots', schedule: 'weekly mon 09:00', size: 3 });
    expect(again.getPrefs(user)).toMatchObject({ time: '06:45', timeZone: 'Asia/Tokyo' });
    expect(again.deliveredPapers(target, ['p1', 'p2', 'p3'])).toEqual(new Set(['p1', 'p2']));
    expect(again.pendingRuns()).toEqual([expect.objectContaining({ slot: 'slot-b', plan: { paperIds: ['p2'], payload: '{"x":1}' } })]);
    again.close();
  });

  it('uses WAL, synchronous FULL and records its migrations once', () => {
    const path = join(dir, 'pragmas.db');
    openSqliteStore(path).close();
    openSqliteStore(path).close();
    // A new database has nothing to back up before a migration that rewrites user data.
    expect(readdirSync(dir).filter((f) => f.startsWith('pragmas.db.before'))).toEqual([]);
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'").pluck().all()).toContain('deliveries_by_paper');
    db.close();
  });

  it('upgrades a version 1 database in place, keeping its deliveries', () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)');
    old.exec(migrations[0]!.sql);
    old.prepare('INSERT INTO schema_migrations (version, applied) VALUES (1, 0)').run();
    old.prepare("INSERT INTO deliveries (target, paper_id, at, message_id) VALUES ('slack:T:user:U', 'p1', 0, 'm')").run();
    old.close();
    const store = openSqliteStore(path);
    const holders: string[] = [];
    store.eachDelivered(['p1'], (id, targets) => holders.push(...targets.map((t) => `${id}@${t}`)));
    expect(holders).toEqual(['p1@slack:T:user:U']);
    store.close();
  });

  it('applies migration 8 (follows by example) to a version 6 database, with or without a migration 7 before it', () => {
    for (const seven of [false, true]) {
      const path = join(dir, `v6-${seven}.db`);
      const old = new Database(path);
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)');
      for (const m of migrations.filter((m) => m.version <= 6)) {
        old.exec(m.sql);
        old.prepare('INSERT INTO schema_migrations (version, applied) VALUES (?, 0)').run(m.version);
      }
      // Migration 7 (ratings) already ran, or not yet: 8 must not depend on it either way.
      if (seven) {
        old.exec(migrations.find((m) => m.version === 7)!.sql);
        old.prepare('INSERT INTO schema_migrations (version, applied) VALUES (7, 0)').run();
      }
      old.prepare("INSERT INTO follows (platform, workspace, user, topic, topic_key, created) VALUES ('slack', 'T', 'U', 'Diffusion', 'diffusion', 0)").run();
      old.close();
      const store = openSqliteStore(path);
      const user = { platform: 'slack' as const, workspace: 'T', user: 'U' };
      expect(store.listFollows(user)).toEqual([expect.not.objectContaining({ examples: expect.anything() })]);
      store.addFollow(user, 'like p-aaaaaaaaaa', new Date(1), ['p-aaaaaaaaaa']);
      store.close();
      const again = openSqliteStore(path);
      expect(again.listFollows(user).map((f) => [f.topic, f.examples])).toEqual([['Diffusion', undefined], ['like p-aaaaaaaaaa', ['p-aaaaaaaaaa']]]);
      again.close();
      const db = new Database(path, { readonly: true });
      expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 8').pluck().get()).toBe(8);
      db.close();
    }
  });

  it('answers a ping while open and refuses one once closed', () => {
    const store = openSqliteStore(join(dir, 'ping.db'));
    expect(() => store.ping()).not.toThrow();
    store.close();
    expect(() => store.ping()).toThrow();
  });
});

describe('sqlite store: every user’s ratings in one read', () => {
  const t = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 8, minutes));
  const alice = { platform: 'slack' as const, workspace: 'T1', user: 'U1' };
  const bob = { platform: 'slack' as const, workspace: 'T1', user: 'U2' };
  const aliceOnDiscord = { platform: 'discord' as const, workspace: 'G1', user: 'U1' };
  const asObject = (m: ReadonlyMap<string, ReadonlyMap<string, number>>) => [...m].map(([k, r]) => [k, [...r]]);

  it('answers for each user as followRatings does, in the same order', () => {
    const s = openSqliteStore(join(dir, `ratings-${n++}.db`));
    for (const [u, topic] of [[alice, 'diffusion'], [alice, 'robots'], [bob, 'diffusion'], [aliceOnDiscord, 'graphs']] as const) s.addFollow(u, topic, t(0));
    s.rate(alice, 'robots', 'p3', 1, t(1));
    s.rate(alice, 'diffusion', 'p2', -1, t(2));
    s.rate(alice, 'diffusion', 'p1', 1, t(2));
    s.rate(alice, 'diffusion', 'p0', 1, t(3));
    s.rate(bob, 'diffusion', 'p9', -1, t(1));
    s.rate(aliceOnDiscord, 'graphs', 'p5', 1, t(1));
    const all = s.followRatingsByUser!();
    for (const u of [alice, bob, aliceOnDiscord, { ...bob, user: 'U3' }]) expect(asObject(all.of(u))).toEqual(asObject(s.followRatings(u)));
    expect(asObject(all.of(alice))).toEqual([['diffusion', [['p1', 1], ['p2', -1], ['p0', 1]]], ['robots', [['p3', 1]]]]);
    s.close();
  });

  it('is current until any rating is written: rated, cleared, unfollowed or merged', () => {
    const s = openSqliteStore(join(dir, `ratings-${n++}.db`));
    const { follow } = s.addFollow(alice, 'diffusion', t(0));
    s.addFollow(aliceOnDiscord, 'graphs', t(0));
    s.rate(aliceOnDiscord, 'graphs', 'p5', 1, t(1));
    const writes: [string, () => unknown][] = [
      ['rate', () => s.rate(alice, 'diffusion', 'p1', 1, t(1))],
      ['unrate', () => s.rate(alice, 'diffusion', 'p1', 0, t(2))],
      ['rate again', () => s.rate(alice, 'diffusion', 'p2', -1, t(3))],
      ['clear', () => s.clearRatings(alice, 'diffusion')],
      ['rate once more', () => s.rate(alice, 'diffusion', 'p3', 1, t(4))],
      ['unfollow', () => s.removeFollow(alice, follow.id)],
      ['merge', () => s.mergePersonScope('discord', 'G1', '@me', { maxFollows: 25, now: t(9) })],
    ];
    for (const [what, write] of writes) {
      const read = s.followRatingsByUser!();
      s.addFollow(bob, `${what} topic`, t(5)); // other writes leave it current
      expect(read.current(), what).toBe(true);
      write();
      expect(read.current(), what).toBe(false);
    }
    s.close();
  });
});
