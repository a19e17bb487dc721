import { startSlackRig, type SlackRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { type SlackAdapter } from '../src/platforms/slack/index.js';
import { buttonBody, FakeSlack, postSigned } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

/** 👍 / 👎 under DM digest papers, pressed through the real bolt against the fake Slack. */

const SECRET = 'ratings-secret';
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
type Button = { type: string; action_id: string; value: string; text: { text: string }; style?: string };
type Block = { type: string; elements?: Button[] };

let rig: SlackRig;
let fake: FakeSlack;
let adapter: SlackAdapter;
let eventsUrl: string;
let context: Awaited<ReturnType<typeof createTestContext>>;

beforeAll(async () => {
  context = await createTestContext();
  rig = await startSlackRig(context, SECRET);
  ({ fake, adapter, eventsUrl } = rig);
});

afterAll(() => rig?.stop());

const ratingRows = (blocks: Block[]) => blocks.filter((b) => b.type === 'actions' && b.elements?.some((e) => e.text.text === '👍'));

async function press(button: Button, user: string, message?: { text: string; blocks: Block[] }) {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, buttonBody(button, url, { user, channel: `D${user}` }, message ? { message: { type: 'message', ts: '1700000000.000001', ...message }, container: { type: 'message', message_ts: '1700000000.000001', channel_id: `D${user}`, is_ephemeral: false } } : {}), SECRET);
  expect(res.status).toBe(200);
  return fake.response(id);
}

describe('rating buttons on a Slack DM digest', () => {
  it('puts 👍 / 👎 under every paper; a press is stored for that follow and marked on the message, and can be changed', async () => {
    const user = 'URATE1';
    const person = { platform: 'slack' as const, workspace: 'T1', user };
    context.store.addFollow(person, 'LLM inference', new Date('2026-11-01T00:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['slack', adapter.deliverer]]), sleep: async () => {} });
    expect(await scheduler.runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === user)).toMatchObject({ sent: 1 });
    const post = fake.callsTo('chat.postMessage').find((c) => c.params.channel === `D${user}` || c.params.channel === user)!;
    const blocks = post.params.blocks as Block[];
    const rows = ratingRows(blocks);
    const papers = blocks.filter((b) => b.type === 'context' && JSON.stringify(b).includes('id: `'));
    expect(rows).toHaveLength(papers.length);
    expect(blocks.length).toBeLessThanOrEqual(50);

    const up = rows[1]!.elements![0]!;
    const answer = await press(up, user, { text: post.params.text as string, blocks });
    const paperId = (/\|(p-[0-9a-z]+)$/.exec(up.value) ?? [])[1]!;
    expect([...context.store.followRatings(person).get('llm inference')!]).toEqual([[paperId, 1]]);
    // Quiet: the message itself is replaced, with that paper's 👍 marked and nothing else changed.
    expect(answer.replace_original).toBe(true);
    const marked = answer.blocks as Block[];
    expect(ratingRows(marked)[1]!.elements!.map((e) => e.style)).toEqual(['primary', undefined]);
    expect(ratingRows(marked)[0]!.elements!.map((e) => e.style)).toEqual([undefined, undefined]);
    expect(marked.filter((b) => b.type !== 'actions')).toEqual(blocks.filter((b) => b.type !== 'actions'));

    // Changed to 👎 on the updated message.
    const again = await press(ratingRows(marked)[1]!.elements![1]!, user, { text: post.params.text as string, blocks: marked });
    expect(ratingRows(again.blocks as Block[])[1]!.elements!.map((e) => e.style)).toEqual([undefined, 'danger']);
    expect([...context.store.followRatings(person).get('llm inference')!]).toEqual([[paperId, -1]]);
  });

  it('answers a rating pressed on an ephemeral reply (no message blocks) with a short ephemeral note, and refuses another person’s follow', async () => {
    const owner = { platform: 'slack' as const, workspace: 'T1', user: 'UOWNER' };
    const { follow } = context.store.addFollow(owner, 'category theory', new Date('2026-11-01T00:00:00Z'));
    const paper = context.index.match('category theory')[0]!.paper.id;
    const button = { type: 'button', action_id: 'papers:rate-up:p0', value: `rate|up|${follow.id}|${paper}`, text: { text: '👍' } };
    const mine = await press(button, 'UOWNER');
    expect(mine).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(mine.blocks)).toContain('for “category theory”: papers like it come first (1 👍, 0 👎)');
    // A crafted press by someone else names a follow that is not theirs: refused, nothing stored for anyone.
    const theirs = await press({ ...button, value: `rate|down|${follow.id}|${paper}` }, 'UOTHER');
    expect(JSON.stringify(theirs.blocks)).toContain('no longer follow');
    expect([...context.store.followRatings(owner).get('category theory')!]).toEqual([[paper, 1]]);
    expect(context.store.followRatings({ platform: 'slack', workspace: 'T1', user: 'UOTHER' }).size).toBe(0);
  });
});
