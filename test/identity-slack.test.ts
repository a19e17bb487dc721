import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { slackPerson } from '../src/core/identity.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createSlackAdapter, type SlackAdapter } from '../src/platforms/slack/index.js';
import { buttonBody, FakeSlack, postSigned, slashCommandBody, type SlackWho } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

// An Enterprise Grid org E1 with workspaces T1 and T2 (user ids are org-wide), and two plain
// workspaces T3 and T4 (user ids are per workspace).
const SECRET = 'identity-signing-secret';
const inT1 = (user: string): SlackWho => ({ user, team: 'T1', enterprise: 'E1' });
const inT2 = (user: string): SlackWho => ({ user, team: 'T2', enterprise: 'E1' });
const inert: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

let fake: FakeSlack;
let adapter: SlackAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
let eventsUrl: string;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  context = await createTestContext({ now: new Date('2026-11-20T00:00:00Z') });
  adapter = createSlackAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    {
      botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [],
      clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } },
    },
  );
  await adapter.start();
  eventsUrl = `http://127.0.0.1:${adapter.address()!.port}/slack/events`;
});

afterAll(async () => {
  await adapter.stop();
  await fake.close();
});

async function slash(text: string, who: SlackWho): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, slashCommandBody(text, url, who), SECRET);
  expect(res.status).toBe(200);
  return fake.response(id);
}

async function press(button: { action_id: string; value: string }, who: SlackWho): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, buttonBody(button, url, who), SECRET);
  expect(res.status).toBe(200);
  return fake.response(id);
}

const shown = (body: Record<string, unknown>) => JSON.stringify(body);

function scheduler() {
  return createScheduler({
    store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inert,
    deliverers: new Map([['slack', adapter.deliverer]]), sleep: async () => {},
  });
}

const dmPosts = (user: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === `D${user}`);

describe('one Slack Grid person across the workspaces of an org', () => {
  it('sees one follow list from either workspace, buttons included', async () => {
    await slash('follow diffusion models', inT1('W1'));
    await slash('follow graph neural networks', inT2('W1'));
    const found = await slash('search state space models', inT2('W1'));
    const blocks = JSON.parse(shown(found)).blocks as { type: string; elements?: { text: { text: string }; action_id: string; value: string }[] }[];
    const follow = blocks.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === 'Follow this topic')!;
    await press(follow, inT1('W1'));
    for (const where of [inT1('W1'), inT2('W1')]) {
      const listed = shown(await slash('follows', where));
      expect(listed).toContain('You follow 3 of');
      expect(listed).toMatch(/1\. diffusion models.*2\. graph neural networks.*3\. state space models/);
    }
    expect(context.store.listFollows(slackPerson('W1', 'T1', 'E1')).map((f) => f.topic)).toEqual(['diffusion models', 'graph neural networks', 'state space models']);
  });

  it('gets one DM for the whole org', async () => {
    const summary = await scheduler().runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === 'W1');
    expect(summary.sent).toBe(1);
    expect(fake.callsTo('conversations.open').filter((c) => c.params.users === 'W1')).toHaveLength(1);
    const posts = dmPosts('W1');
    expect(posts.length).toBeGreaterThan(0);
    const text = JSON.stringify(posts.map((p) => p.params));
    for (const topic of ['diffusion models', 'graph neural networks', 'state space models']) expect(text).toContain(topic);
  });

  it('is the same person when the app is installed org-wide (is_enterprise_install)', async () => {
    const orgWide = { user: 'W1', team: 'T2', enterprise: 'E1', orgInstall: true };
    const found = await slash('search transformers', orgWide);
    const blocks = JSON.parse(shown(found)).blocks as { type: string; elements?: { text: { text: string }; action_id: string; value: string }[] }[];
    await press(blocks.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === 'Follow this topic')!, orgWide);
    expect(shown(await slash('follows', orgWide))).toContain('You follow 4 of');
    expect(context.store.listFollows(slackPerson('W1', 'T1', 'E1')).map((f) => f.topic)).toContain('transformers');
    await slash('unfollow transformers', inT1('W1'));
  });

  it('keeps plain workspaces apart: the same id in two of them is two people', async () => {
    await slash('follow diffusion models', { user: 'U5', team: 'T3' });
    expect(shown(await slash('follows', { user: 'U5', team: 'T4' }))).toContain('You follow no topics yet');
  });

  it('folds lists kept per workspace before identity keys into the org, nothing re-sent, the cap applied once', async () => {
    const store = context.store;
    const old = (team: string) => ({ platform: 'slack' as const, workspace: team, user: 'W2' });
    const at = (day: number, i = 0) => new Date(Date.UTC(2026, 10, day, 0, i));
    // As the previous version kept them: one list per workspace, 30 distinct topics in all.
    store.addFollow(old('T3x'), 'unrelated workspace', at(1)); // another org's workspace: never touched
    store.addFollow(old('T5'), 'diffusion models', at(10));
    for (let i = 0; i < 19; i++) store.addFollow(old('T5'), `t5 topic ${i}`, at(11, i));
    store.addFollow(old('T6'), 'Diffusion Models', at(12)); // the same topic, collapses into T1's older one
    for (let i = 0; i < 10; i++) store.addFollow(old('T6'), `t6 topic ${i}`, at(13, i));
    // One DM digest already went out from T5's list.
    const firstPass = await scheduler().runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === 'W2' && t.target.workspace === 'T5');
    expect(firstPass.sent).toBe(1);
    const oldDm = { platform: 'slack' as const, workspace: 'T5', kind: 'user' as const, id: 'W2' };
    const sentBefore = store.getRun(oldDm, '2026-11-23T08:00:00.000Z')!.plan!.paperIds;
    expect(sentBefore.length).toBeGreaterThan(0);

    // The first requests after the upgrade from T5 and T6 (org E2) move each workspace's persons into E2;
    // W2's first command lists the merged list and says, once, what the cap dropped.
    await slash('search diffusion', { user: 'W9', team: 'T5', enterprise: 'E2' });
    const first = shown(await slash('follows', { user: 'W2', team: 'T6', enterprise: 'E2' }));
    expect(first).toContain('You follow 25 of');
    expect(first).toContain('dropped');
    for (let i = 5; i < 10; i++) expect(first).toContain(`t6 topic ${i}`);
    const again = shown(await slash('follows', { user: 'W2', team: 'T5', enterprise: 'E2' }));
    expect(again).not.toContain('dropped');
    const list = store.listFollows(slackPerson('W2', 'T6', 'E2')).map((f) => f.topic);
    expect(list[0]).toBe('diffusion models');
    expect(list).toHaveLength(25);
    expect(store.listFollows(old('T5'))).toEqual([]);
    expect(store.listFollows(old('T3x')).map((f) => f.topic)).toEqual(['unrelated workspace']);

    // The next DM goes to the org person only, and repeats nothing the T1 DM already carried.
    const before = dmPosts('W2').length;
    const secondPass = await scheduler().runDue(new Date('2026-11-24T08:00:20Z'), (t) => t.target.id === 'W2' && t.target.workspace !== 'T3x');
    expect(secondPass.sent).toBe(1);
    expect(store.deliveredPapers({ ...oldDm, workspace: 'E2' }, sentBefore)).toEqual(new Set(sentBefore));
    const secondText = JSON.stringify(dmPosts('W2').slice(before).map((p) => p.params));
    for (const id of sentBefore) expect(secondText).not.toContain(context.index.get(id)!.title.slice(0, 40));
  });
});
