import { capturedLogger } from './support/log-capture.js';
import { startSlackRig, type SlackRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/core/commands/index.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { type SlackAdapter } from '../src/platforms/slack/index.js';
import { SLACK_LIMITS } from '../src/platforms/slack/render.js';
import { buttonBody, FakeSlack, postSigned, slashCommandBody } from './fakes/slack.js';
import { seedPaperIndex, testConfig } from './support/context.js';

/**
 * "Follow papers like this" and "why this paper" through the real bolt against the fake Slack:
 * the button on a search result follows by example, a bad id stores nothing, and the DM digest
 * says for each paper which follow it came from and what matched.
 */

const SECRET = 'follow-like-secret';
const USER = 'ULIKE';
const SEED = 'p-ahy3wqk1qh'; // "Scalable Second Order Optimization for Deep Learning"
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
type Button = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; text?: { text: string }; accessory?: Button; elements?: (Button & { type: string })[] };

const clock = { now: new Date('2026-11-23T07:00:00Z') };
const store = createMemoryStore();
const config = testConfig();
const { log, lines: logLines } = capturedLogger();
const person = { platform: 'slack' as const, workspace: 'T1', user: USER };
let rig: SlackRig;
let fake: FakeSlack;
let adapter: SlackAdapter;
let context: CommandContext;
let eventsUrl: string;

beforeAll(async () => {
  context = { index: await seedPaperIndex(), store, config, log, now: () => clock.now, schedulesChanged() {} };
  rig = await startSlackRig(context, SECRET, { log });
  ({ fake, adapter, eventsUrl } = rig);
});

afterAll(() => rig?.stop());

async function slash(text: string): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  expect((await postSigned(eventsUrl, slashCommandBody(text, url, { user: USER }), SECRET)).status).toBe(200);
  return fake.response(id);
}

async function press(button: Button): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  expect((await postSigned(eventsUrl, buttonBody(button, url, { user: USER }), SECRET)).status).toBe(200);
  return fake.response(id);
}

const blocksOf = (body: Record<string, unknown>) => body.blocks as Block[];
const text = (body: Record<string, unknown>) => JSON.stringify(body.blocks);
const buttons = (blocks: Block[]) => blocks.flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.type === 'actions' ? (b.elements as Button[]) : [])]);

describe('follow by example on Slack', () => {
  it('a search result\'s "Follow papers like this" button follows papers like it, listed by the paper\'s title', async () => {
    const page = await slash('search scalable second order optimization deep learning');
    const follow = buttons(blocksOf(page)).find((b) => b.text.text === 'Follow papers like this' && JSON.parse(b.value).args.topic === `like ${SEED}`);
    expect(follow).toBeDefined();
    expect(blocksOf(page).length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);

    const reply = await press(follow!);
    expect(text(reply)).toContain('Following papers like “Scalable Second Order Optimization for Deep Learning”');
    expect(text(reply)).toContain('FOSI: Hybrid First and Second Order Optimization');
    expect(store.listFollows(person)).toMatchObject([{ topic: `like ${SEED}`, examples: [SEED] }]);

    const again = await press(follow!);
    expect(text(again)).toContain('You already follow papers like “Scalable Second Order Optimization for Deep Learning”');
    expect(store.listFollows(person)).toHaveLength(1);

    const list = await slash('follows');
    expect(text(list)).toContain('1. papers like “Scalable Second Order Optimization for Deep Learning”');
  });

  it('refuses an unknown paper id politely, logs one line, and stores nothing', async () => {
    const before = store.listFollows(person).length;
    logLines.length = 0;
    const reply = await slash(`follow like ${SEED} p-nosuchpaper`);
    expect(blocksOf(reply)[0]!.text!.text).toMatch(/^:warning: I have no paper with id "p-nosuchpaper"\./);
    expect(store.listFollows(person)).toHaveLength(before);
    expect(logLines.filter((l) => l.msg === 'command refused' && String(l.reason).includes('p-nosuchpaper'))).toHaveLength(1);
  });

  it('the DM digest says why each paper came: the example it is like, or the words found; unfollow works like any other', async () => {
    // Brackets in a topic are plain text: the reason line escapes them like all user text.
    await slash('follow <hypergraph>');
    clock.now = new Date('2026-11-24T08:00:30Z');
    const scheduler = createScheduler({ store, index: context.index, config, log, cron: inertCron, deliverers: new Map([['slack', adapter.deliverer]]), clock: () => clock.now, sleep: async () => {} });
    expect(await scheduler.runDue(clock.now)).toMatchObject({ sent: 1, failed: 0 });
    const post = fake.callsTo('chat.postMessage').at(-1)!;
    const blocks = post.params.blocks as Block[];
    const reasons = blocks.filter((b) => b.type === 'context').flatMap((b) => (b.elements ?? []).map((e) => (e as unknown as { text: string }).text)).filter((t) => t.startsWith('Why: '));
    const papers = blocks.filter((b) => b.type === 'context' && /^id: /.test((b.elements![0] as unknown as { text: string }).text));
    expect(reasons).toHaveLength(papers.length);
    expect(reasons).toContain('Why: like “Scalable Second Order Optimization for Deep Learning”');
    expect(reasons.some((r) => /^Why: “&lt;hypergraph&gt;”, found “hypergraphs?”/.test(r))).toBe(true);
    expect(text({ blocks })).not.toContain('<hypergraph>');
    expect(text({ blocks })).toContain('papers like “Scalable Second Order Optimization for Deep Learning”: ');
    // Every digest paper has its own "Follow papers like this".
    expect(buttons(blocks).filter((b) => b.text.text === 'Follow papers like this')).toHaveLength(papers.length);

    const gone = await slash('unfollow 1');
    expect(text(gone)).toContain('Unfollowed papers like “Scalable Second Order Optimization for Deep Learning”');
    expect(store.listFollows(person).map((f) => f.topic)).toEqual(['<hypergraph>']);
  });
});
