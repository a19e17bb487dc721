/**
 * Prints a hash of every digest planned for 3,000 users (USERS=n) with 5 follows each over three
 * mornings, with new papers each day, offers carried and 👍 / 👎 ratings given, on the memory and
 * the SQLite store: one line per store, a hash per morning. Equal output before and after a change
 * to planning proves it plans the same digests. MODE=cold plans each morning with a fresh match
 * cache (the default reuses one, as the scheduler does).
 *   npx tsx bench/plan-fingerprint.ts > before.txt   (change)   ... > after.txt; cmp before.txt after.txt
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { createDigestPlanner, createMatchCache } from '../src/core/digest.js';
import { recordFollowUp } from '../src/core/digest-cap.js';
import { itemActions, withRatedPapers } from '../src/core/reply.js';
import { PaperIndex } from '../src/core/search/index.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { openSqliteStore } from '../src/core/store/sqlite.js';
import type { Store } from '../src/core/store/port.js';
import { prng, sampleQueries, syntheticCorpus } from './lib/synthetic.js';

const USERS = Number(process.env.USERS ?? 3000);
const MODE = process.env.MODE ?? 'warm';
const config = loadConfig({});
const seedsDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'seeds');
const { papers: seeds } = await loadCorpus(seedsDir);
const topics = [...new Set(sampleQueries(seeds, 600, 5))].slice(0, 300);
const days = [0, 1, 2].map((d) => new Date(Date.UTC(2026, 2, 2 + d, 8)));

function runStore(store: Store): string[] {
  const index = new PaperIndex(seeds);
  store.recordFirstSeen(seeds.map((p) => p.id), new Date('2026-01-01T00:00:00Z'));
  const random = prng(3);
  for (let u = 0; u < USERS; u++) {
    const mine = new Set<string>();
    while (mine.size < 5) mine.add(topics[Math.floor(random() ** 2 * topics.length)]!);
    const user = { platform: 'slack' as const, workspace: 'T', user: `U${u}` };
    let i = 0;
    for (const t of mine) store.addFollow(user, t, new Date(Date.UTC(2026, 1, 1 + (u % 3) + i++)));
  }
  const out: string[] = [];
  let cache = createMatchCache(store, index);
  for (const [d, at] of days.entries()) {
    if (d > 0) {
      const fresh = syntheticCorpus(seeds, 300, 100 + d);
      index.add(fresh);
      store.recordFirstSeen(fresh.map((p) => p.id), new Date(at.getTime() - 3600e3));
    }
    if (MODE === 'cold') cache = createMatchCache(store, index);
    const planner = createDigestPlanner(store, index, config, cache);
    const followers = store.allFollowers();
    planner.prefetch(followers);
    const h = createHash('sha256');
    for (const { user, follows } of followers) {
      const plan = planner.planUser(user, follows, at);
      // Buttons as rendered: a paper's follow to rate for (rateFor) stands for its two rating buttons.
      const rated = plan.reply && withRatedPapers(plan.reply);
      const papers = rated?.papers?.map((p) => {
        if (p.rate === undefined) return p;
        const { rate: _rate, ...rest } = p;
        return { ...rest, actions: itemActions(p) };
      });
      const reply = rated && { ...rated, papers };
      h.update(JSON.stringify([plan.target, plan.paperIds, reply, plan.followUp, plan.skipped]));
      const slot = at.toISOString();
      if (!plan.reply) continue;
      store.claimRun(plan.target, slot, { paperIds: plan.paperIds, payload: '{}' }, at);
      store.finishRun(plan.target, slot, { state: 'sent', messageId: 'm', paperIds: plan.paperIds }, at);
      if (plan.followUp) recordFollowUp(store, plan.target, plan.followUp, at);
      // Some users rate what they got: every 7th likes the first paper, every 11th dislikes the last.
      const n = Number(user.user.slice(1));
      const first = plan.sections[0];
      if (n % 7 === 0 && first) store.rate(user, first.topic, first.papers[0]!.id, 1, at);
      const last = plan.sections.at(-1);
      if (n % 11 === 0 && last) store.rate(user, last.topic, last.papers.at(-1)!.id, -1, at);
    }
    out.push(`day ${d}: ${h.digest('hex').slice(0, 16)}`);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'paperboy-plan-fingerprint-'));
try {
  const mem = runStore(createMemoryStore());
  const sqlite = openSqliteStore(join(dir, 'p.db'));
  const sql = runStore(sqlite);
  sqlite.close();
  console.log(`memory ${mem.join(' ')}\nsqlite ${sql.join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
