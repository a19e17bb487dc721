import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { commands, type CommandContext } from '../src/core/commands/index.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createScheduler, type CronLike, type Scheduler } from '../src/core/scheduler.js';
import { PaperIndex } from '../src/core/search/index.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Paper, Target } from '../src/core/types.js';
import { createSlackAdapter, type SlackAdapter } from '../src/platforms/slack/index.js';
import { SLACK_LIMITS } from '../src/platforms/slack/render.js';
import { buttonBody, FakeSlack, postSigned } from './fakes/slack.js';

/**
 * A user with 25 broad follows gets a DM digest every morning for a week, through the real bolt
 * client against the fake Slack Web API, while new papers arrive each day (injected clock, no
 * timers). Every paper a digest picks is shown exactly once or is still offered, or it aged out
 * and the user was told; nothing is recorded as delivered that no message showed.
 */

const SECRET = 'digest-cap-secret';
const USER = 'UBUSY';
const DM = `D${USER}`;
const TOPICS = [
  'learning', 'neural networks', 'language models', 'reinforcement learning', 'computer vision', 'graph neural networks',
  'diffusion models', 'transformers', 'robotics', 'optimization', 'generative models', 'representation learning', 'speech',
  'attention', 'benchmark', 'training', 'deep learning', 'image', 'text', 'data', 'agents', 'retrieval', 'reasoning',
  'efficient', 'evaluation',
];
const DAY = 24 * 3600_000;
const day0 = Date.parse('2026-11-02T07:00:00Z');
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

type Block = { type: string; text?: { text: string }; elements?: (Button | { text: string })[] };
type Button = { action_id: string; value: string; text: { text: string } };

const clock = { now: new Date(day0) };
const base = loadConfig({});
const config = { ...base, store: { ...base.store, driver: 'memory' as const }, digests: { ...base.digests, size: 5, maxPapers: 10, carryDays: 3, defaultTime: '08:00', defaultTimeZone: 'UTC' } };
const store = createMemoryStore();
const target: Target = { platform: 'slack', workspace: 'T1', kind: 'user', id: USER };
let fake: FakeSlack;
let adapter: SlackAdapter;
let scheduler: Scheduler;
let eventsUrl: string;
let later: Paper[] = [];
let all: Paper[] = [];

beforeAll(async () => {
  const { papers } = await loadCorpus('seeds');
  all = papers;
  // Most of the corpus is there from the start; the rest arrives 20 papers a day.
  const index = new PaperIndex(papers.slice(0, 395));
  later = papers.slice(395);
  const context: CommandContext = { index, store, config, log: silentLogger, now: () => clock.now, schedulesChanged() {} };
  fake = await new FakeSlack().start();
  adapter = createSlackAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [], clientOptions: { retryConfig: { retries: 0 } } },
  );
  await adapter.start();
  eventsUrl = `http://127.0.0.1:${adapter.address()!.port}/slack/events`;
  scheduler = createScheduler({ store, index, config, log: silentLogger, cron: inertCron, deliverers: new Map([['slack', adapter.deliverer]]), clock: () => clock.now, sleep: async () => {} });
  for (const topic of TOPICS) store.addFollow({ platform: 'slack', workspace: 'T1', user: USER }, topic, new Date(day0));
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

const idsIn = (blocks: Block[]): string[] =>
  blocks.filter((b) => b.type === 'context').flatMap((b) => (b.elements ?? []).map((e) => /^id: `(.+)`$/.exec((e as { text: string }).text)?.[1]).filter((id): id is string => id !== undefined));
const textOf = (blocks: Block[]) => JSON.stringify(blocks);
const showThem = (blocks: Block[]): Button | undefined =>
  blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : [])).find((b) => / more: Show them$/.test(b.text.text));

/** Turns of the event loop until `done` holds: the bot records a shown reply just after Slack accepted it. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

async function press(button: Button): Promise<string> {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, buttonBody(button, url, { user: USER, channel: DM }), SECRET);
  expect(res.status).toBe(200);
  await fake.response(id);
  return id;
}

/** Every block the answer to a press posted (a reply too big for one message comes as several); call once it is recorded. */
const answerBlocks = (id: string): Block[] => fake.responses.filter((r) => r.id === id).flatMap((r) => r.body.blocks as Block[]);

describe('a DM digest with 25 broad follows, day after day', () => {
  it('shows at most maxPapers a day, offers the rest, records only what was shown, and ages out what waited too long', { timeout: 120_000 }, async () => {
    const timesShown = new Map<string, number>();
    const show = (ids: string[]) => ids.forEach((id) => timesShown.set(id, (timesShown.get(id) ?? 0) + 1));
    const everOffered = new Set<string>();
    let toldAgedOut = 0;
    let seenPosts = 0;

    for (let day = 1; day <= 7; day++) {
      clock.now = new Date(day0 + day * DAY + 3600_000 + 30_000);
      scheduler.addPapers(later.splice(0, 20));
      const summary = await scheduler.runDue(clock.now);
      expect(summary).toMatchObject({ sent: 1, failed: 0 });
      const posts = fake.callsTo('chat.postMessage').slice(seenPosts);
      seenPosts += posts.length;
      // One message, or two when the papers' text, reasons and buttons pass Slack's size limit.
      expect(posts.length).toBeGreaterThanOrEqual(1);
      expect(posts.length).toBeLessThanOrEqual(2);
      for (const post of posts) expect(post.params.channel).toBe(DM);
      for (const post of posts) expect((post.params.blocks as Block[]).length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      const blocks = posts.flatMap((post) => post.params.blocks as Block[]);
      const shown = idsIn(blocks);
      // The cap, and a row of 👍 / 👎 under every paper.
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThanOrEqual(config.digests.maxPapers);
      expect(blocks.filter((b) => b.type === 'actions' && (b.elements as Button[]).some((e) => e.text.text === '👍'))).toHaveLength(shown.length);
      expect(textOf(blocks)).not.toContain('not shown here');
      show(shown);

      const waiting = store.offeredPapers(target).map((o) => o.paperId);
      for (const id of waiting) everOffered.add(id);
      const button = showThem(blocks);
      expect(button?.text.text).toBe(`${waiting.length} more: Show them`);
      const aged = /(\d+) papers? offered earlier (?:was|were) not opened within 3 days and aged out/.exec(textOf(blocks));
      if (aged) toldAgedOut += Number(aged[1]);
      if (day >= 5) expect(aged).not.toBeNull();

      // On day 2 the user presses "Show them" twice: each press shows the next most relevant ten.
      if (day === 2) {
        const before = waiting.length;
        const first = await press(button!);
        await until(() => store.offeredPapers(target).length === before - config.digests.maxPapers);
        const firstIds = idsIn(answerBlocks(first));
        expect(firstIds).toEqual(waiting.slice(0, config.digests.maxPapers));
        show(firstIds);
        const second = await press(showThem(answerBlocks(first))!);
        await until(() => store.offeredPapers(target).length === before - 2 * config.digests.maxPapers);
        show(idsIn(answerBlocks(second)));
      }
    }

    const allIds = all.map((p) => p.id);
    const delivered = store.deliveredPapers(target, allIds);
    const expired = store.expiredPapers(target);
    const offeredNow = new Set(store.offeredPapers(target).map((o) => o.paperId));
    // Shown exactly once; recorded exactly when shown.
    expect([...timesShown.values()].every((n) => n === 1)).toBe(true);
    expect(delivered).toEqual(new Set(timesShown.keys()));
    // Every paper ever offered was shown, is still offered, or aged out (and the user was told how many).
    for (const id of everOffered) expect(delivered.has(id) || offeredNow.has(id) || expired.has(id)).toBe(true);
    expect(expired.size).toBeGreaterThan(0);
    expect(toldAgedOut).toBe(expired.size);
    for (const id of expired) expect(delivered.has(id)).toBe(false);
    for (const id of offeredNow) expect(delivered.has(id) || expired.has(id)).toBe(false);
  });
});
