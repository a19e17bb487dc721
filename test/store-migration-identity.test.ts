import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deliverer } from '../src/core/deliverer.js';
import { createLogger } from '../src/core/log.js';
import type { Reply } from '../src/core/reply.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { migrations } from '../src/core/store/migrations.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import { targetKey, type Target } from '../src/core/types.js';
import { seedPaperIndex, testConfig } from './support/context.js';
import { loadCorpus } from '../src/core/corpus/index.js';

// A store as the previous version wrote it (migrations 1-2, one list per server), migrated by migration 3.
const dir = mkdtempSync(join(tmpdir(), 'paperboy-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const dmKey = (workspace: string, user: string) => targetKey({ platform: 'discord', workspace, kind: 'user', id: user });
let paperIds: string[];

beforeAll(async () => {
  paperIds = (await loadCorpus('seeds')).papers.map((p) => p.id);
});

/** Writes rows the way the old code did: follows, prefs, runs and deliveries keyed by server (or '@me' for the DM). */
function writeVersion2(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)');
  for (const m of migrations.filter((x) => x.version <= 2)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, applied) VALUES (?, 0)').run(m.version);
  }
  const follow = db.prepare('INSERT INTO follows (platform, workspace, user, topic, topic_key, created) VALUES (?, ?, ?, ?, ?, ?)');
  const prefs = db.prepare('INSERT INTO prefs (platform, workspace, user, time, time_zone, paused, paused_reason, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const run = db.prepare(`INSERT INTO runs (target, slot, platform, workspace, kind, target_id, state, attempts, claimed, updated, paper_ids, payload, message_id)
    VALUES (?, ?, ?, ?, 'user', ?, ?, 0, 0, 0, ?, ?, ?)`);
  const delivery = db.prepare('INSERT INTO deliveries (target, paper_id, at, message_id) VALUES (?, ?, 0, ?)');

  // Ada: in servers G1 and G2 and in the bot's DM; "diffusion models" followed twice.
  follow.run('discord', 'G1', 'ADA', 'diffusion models', 'diffusion models', T0 + 1 * DAY);
  follow.run('discord', 'G1', 'ADA', 'graph neural networks', 'graph neural networks', T0 + 3 * DAY);
  follow.run('discord', 'G2', 'ADA', 'Diffusion Models', 'diffusion models', T0 + 2 * DAY);
  follow.run('discord', 'G2', 'ADA', 'state space models', 'state space models', T0 + 4 * DAY);
  follow.run('discord', '@me', 'ADA', 'reinforcement learning', 'reinforcement learning', T0 + 5 * DAY);
  prefs.run('discord', 'G1', 'ADA', '06:00', 'UTC', 0, null, T0 + 1 * DAY);
  prefs.run('discord', 'G2', 'ADA', '09:15', 'Europe/Paris', 0, null, T0 + 6 * DAY); // the latest change
  prefs.run('discord', '@me', 'ADA', '07:00', 'UTC', 1, null, T0 + 2 * DAY);
  // Every corpus paper already went to one of Ada's three DMs; one slot ran in both servers.
  const thirds = [paperIds.filter((_, i) => i % 3 === 0), paperIds.filter((_, i) => i % 3 === 1), paperIds.filter((_, i) => i % 3 === 2)];
  const places = ['G1', 'G2', '@me'];
  places.forEach((place, i) => {
    for (const id of thirds[i]!) delivery.run(dmKey(place, 'ADA'), id, `m-${place}`);
  });
  run.run(dmKey('G1', 'ADA'), '2026-11-10T06:00:00.000Z', 'discord', 'G1', 'ADA', 'sent', JSON.stringify(thirds[0]!.slice(0, 2)), '{}', 'm-G1');
  run.run(dmKey('G2', 'ADA'), '2026-11-10T06:00:00.000Z', 'discord', 'G2', 'ADA', 'sent', JSON.stringify(thirds[1]!.slice(0, 2)), '{}', 'm-G2');
  // An interrupted run in G2 (claimed, maybe sent) and one in G1 at another slot.
  run.run(dmKey('G2', 'ADA'), '2026-11-11T08:15:00.000Z', 'discord', 'G2', 'ADA', 'claimed', JSON.stringify([thirds[1]![2]]), '{"visibility":"channel","text":"x"}', null);

  // Bo: 30 distinct topics over two servers, more than the cap of 25.
  for (let i = 0; i < 15; i++) follow.run('discord', 'G1', 'BO', `g1 topic ${i}`, `g1 topic ${i}`, T0 + i * 60_000);
  for (let i = 0; i < 15; i++) follow.run('discord', 'G2', 'BO', `g2 topic ${i}`, `g2 topic ${i}`, T0 + DAY + i * 60_000);

  // Slack rows keep their workspace; a Discord channel digest keeps its server.
  follow.run('slack', 'T1', 'W1', 'robots', 'robots', T0);
  delivery.run('slack:T1:user:W1', paperIds[0]!, 'm-slack');
  db.prepare(`INSERT INTO digests (platform, workspace, channel, topic, schedule, time_zone, size, created_by, created, active_since)
    VALUES ('discord', 'G1', 'C1', 'robots', 'daily 09:00', 'UTC', 3, 'ADA', ?, ?)`).run(T0, T0);
  delivery.run(targetKey({ platform: 'discord', workspace: 'G1', kind: 'channel', id: 'C1' }), paperIds[1]!, 'm-channel');
  db.close();
}

describe('migration 3: one person per Discord user', () => {
  const path = join(dir, 'paperboy.db');
  const lines: string[] = [];
  let store: ReturnType<typeof openSqliteStore>;
  const ada = { platform: 'discord' as const, workspace: '@me', user: 'ADA' };
  const bo = { platform: 'discord' as const, workspace: '@me', user: 'BO' };

  beforeAll(() => {
    writeVersion2(path);
    store = openSqliteStore(path, { maxFollows: 25, log: createLogger({ level: 'info', format: 'json' }, { write: (l: string) => void lines.push(l) } as unknown as NodeJS.WritableStream) });
  });
  afterAll(() => store.close());

  it('backs the file up next to itself first and says so in the log', () => {
    const backup = readdirSync(dir).find((f) => f.startsWith('paperboy.db.before-v3'));
    expect(backup).toBe('paperboy.db.before-v3.bak');
    const copy = new Database(join(dir, backup!), { readonly: true });
    expect(copy.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(2);
    expect(copy.prepare("SELECT COUNT(*) FROM follows WHERE platform = 'discord'").pluck().get()).toBe(35);
    copy.close();
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; backup?: string });
    expect(logged.find((l) => l.msg.includes('backed up'))?.backup).toBe(`${path}.before-v3.bak`);
  });

  it('merges the lists: duplicates collapse to the oldest follow, oldest first', () => {
    expect(store.listFollows(ada).map((f) => f.topic)).toEqual(['diffusion models', 'graph neural networks', 'state space models', 'reinforcement learning']);
    expect(store.allFollowers().filter((f) => f.user.platform === 'discord').map((f) => f.user)).toEqual([ada, bo]);
  });

  it('keeps the most recently changed prefs', () => {
    expect(store.getPrefs(ada)).toMatchObject({ time: '09:15', timeZone: 'Europe/Paris', paused: false });
  });

  it('keeps the 25 oldest past the cap and tells the user once which were dropped', () => {
    const list = store.listFollows(bo).map((f) => f.topic);
    expect(list).toHaveLength(25);
    expect(list.slice(-1)).toEqual(['g2 topic 9']);
    expect(store.takeDroppedFollows(bo)).toEqual(['g2 topic 10', 'g2 topic 11', 'g2 topic 12', 'g2 topic 13', 'g2 topic 14']);
    expect(store.takeDroppedFollows(bo)).toEqual([]);
  });

  it('moves every delivery and run to the person: nothing lost, and nothing already delivered is new', () => {
    const person: Target = { platform: 'discord', workspace: '@me', kind: 'user', id: 'ADA' };
    expect(store.deliveredPapers(person, paperIds)).toEqual(new Set(paperIds));
    expect(store.pendingRuns()).toEqual([expect.objectContaining({ target: targetKey(person), slot: '2026-11-11T08:15:00.000Z', targetRef: person })]);
    expect(store.getRun(person, '2026-11-10T06:00:00.000Z')).toMatchObject({ state: 'sent' });
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM deliveries WHERE target LIKE 'discord:G%:user:%'").pluck().get()).toBe(0);
    db.close();
  });

  it('leaves Slack persons and channel digests where they were', () => {
    expect(store.listFollows({ platform: 'slack', workspace: 'T1', user: 'W1' }).map((f) => f.topic)).toEqual(['robots']);
    expect(store.deliveredPapers({ platform: 'slack', workspace: 'T1', kind: 'user', id: 'W1' }, [paperIds[0]!]).size).toBe(1);
    expect(store.listDigests({ platform: 'discord', workspace: 'G1', channel: 'C1' })).toHaveLength(1);
    expect(store.deliveredPapers({ platform: 'discord', workspace: 'G1', kind: 'channel', id: 'C1' }, [paperIds[1]!]).size).toBe(1);
  });

  it('sends the merged person one digest at most, with no paper sent before', async () => {
    const sent: { target: Target; reply: Reply }[] = [];
    const deliverer: Deliverer = { platform: 'discord', send: async (target, reply) => (sent.push({ target, reply }), { messageId: `m${sent.length}` }) };
    const scheduler = createScheduler({
      store, index: await seedPaperIndex(), config: testConfig(), log: createLogger({ level: 'silent', format: 'json' }),
      cron: { schedule: () => ({ stop() {}, destroy() {} }) } as CronLike, deliverers: new Map([['discord', deliverer]]), sleep: async () => {},
    });
    // Ada's next slot: 09:15 Paris, after the prefs change; every paper was already delivered somewhere.
    const summary = await scheduler.runDue(new Date('2026-11-12T08:15:20Z'), (t) => t.target.id === 'ADA');
    expect(summary).toMatchObject({ sent: 0, empty: 1 });
    expect(sent).toEqual([]);
    expect(store.getRun({ platform: 'discord', workspace: '@me', kind: 'user', id: 'ADA' }, '2026-11-12T08:15:00.000Z')).toMatchObject({ state: 'empty' });
  });

  it('applies once: reopening changes nothing', () => {
    const again = openSqliteStore(path);
    expect(again.listFollows(ada)).toHaveLength(4);
    again.close();
    expect(readdirSync(dir).filter((f) => f.includes('.bak'))).toHaveLength(1);
    expect(existsSync(`${path}.before-v3-2.bak`)).toBe(false);
  });
});
