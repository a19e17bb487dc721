import { startDiscordRig, type DiscordRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { type DiscordAdapter } from '../src/platforms/discord/index.js';
import { NO_CHANNEL } from '../src/platforms/discord/interactions.js';
import { FakeDiscord, PERMISSIONS, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

/** Interaction shapes Discord's docs allow, text cut to Discord's limits, and the DM digest cap, through discord.js against the fake. */

const GUILD = '810000000000000001';
const CHANNEL = '710000000000000001';
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
let rig: DiscordRig;
let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
let nextUser = 200000000000000100n;
const freshUser = () => (++nextUser).toString();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isEdit = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`;
const isCallback = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`);
const postsTo = (channel: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path === `/channels/${channel}/messages`;
const buttons = (call: RestCall): { label: string; custom_id: string }[] =>
  (call.body.components ?? []).flatMap((row: { components: { label: string; custom_id: string }[] }) => row.components);
const said = (call: RestCall): string => JSON.stringify([call.body.content, call.body.embeds]);

/** An INTERACTION_CREATE as Discord may send it: `channel_id` alone (no channel object), or neither. */
const withChannelId = { channel: undefined };
const withNoChannel = { channel: undefined, channel_id: undefined };

function command(path: string[], options: Record<string, string>, userId: string, extra: object) {
  const leaf = { type: 1, name: path.at(-1)!, options: Object.entries(options).map(([name, value]) => ({ name, value, type: 3 })) };
  const top = path.length === 2 ? { type: 2, name: path[0]!, options: [leaf] } : leaf;
  return fake.interact(2, { id: '500000000000000001', name: 'papers', type: 1, options: [top] }, { userId, permissions: PERMISSIONS.manageChannels }, extra);
}

function press(customId: string, userId: string, extra: object, who: { guildId?: string | null; channelId?: string } = {}) {
  return fake.interact(3, { custom_id: customId, component_type: 2 }, { userId, ...who }, {
    message: { id: '720000000000000001', channel_id: CHANNEL, type: 0, content: '', embeds: [], components: [], flags: 64, author: { id: fake.applicationId, username: 'Paperboy', discriminator: '0000', avatar: null }, attachments: [], mentions: [], mention_roles: [], pinned: false, mention_everyone: false, tts: false, timestamp: '2026-11-23T08:00:00.000Z', edited_timestamp: null },
    ...extra,
  });
}

beforeAll(async () => {
  context = await createTestContext();
  rig = await startDiscordRig(context, { guilds: [{ id: GUILD, channels: [CHANNEL] }] });
  ({ fake, adapter } = rig);
});

afterAll(() => rig?.stop());

describe('an interaction with channel_id but no channel object', () => {
  it('shares to that channel', async () => {
    const user = freshUser();
    const asked = command(['search'], { query: 'diffusion' }, user, withChannelId);
    const results = await fake.waitForCall(isEdit(asked.token));
    const share = buttons(results).find((b) => b.label === 'Share to channel')!;
    const from = fake.calls.length;
    const pressed = press(share.custom_id, user, withChannelId);
    const post = await fake.waitForCall(postsTo(CHANNEL), { from });
    expect(post.body.embeds.length).toBeGreaterThan(0);
    expect((await fake.waitForCall(isEdit(pressed.token))).body.embeds[0].description).toBe('Shared to the channel.');
    expect(fake.restCalls((c) => c.path === '/channels//messages')).toEqual([]);
  });

  it('adds a digest for that channel', async () => {
    const asked = command(['digest', 'add'], { topic: 'graph neural networks', schedule: 'daily 09:00', timezone: 'UTC' }, freshUser(), withChannelId);
    expect(said(await fake.waitForCall(isEdit(asked.token)))).toContain('This channel will get new papers');
    expect(context.store.listDigests({ platform: 'discord', workspace: GUILD, channel: CHANNEL }).map((d) => d.topic)).toContain('graph neural networks');
    expect(context.store.allDigests().filter((d) => d.channel === '')).toEqual([]);
  });

  it('refuses, clearly, what names no channel at all', async () => {
    const user = freshUser();
    const asked = command(['digest', 'add'], { topic: 'robot learning', schedule: 'daily 09:00' }, user, withNoChannel);
    const refusal = await fake.waitForCall(isEdit(asked.token));
    expect(said(refusal)).toContain('I can’t tell which channel this came from');
    expect(context.store.allDigests().filter((d) => d.channel === '')).toEqual([]);

    const results = await fake.waitForCall(isEdit(command(['search'], { query: 'diffusion' }, user, withChannelId).token));
    const share = buttons(results).find((b) => b.label === 'Share to channel')!;
    const pressed = press(share.custom_id, user, withNoChannel);
    expect((await fake.waitForCall(isEdit(pressed.token))).body.embeds[0].description).toBe(NO_CHANNEL);
    expect(fake.restCalls((c) => c.path === '/channels//messages')).toEqual([]);
  });
});

describe('text cut to a Discord limit', () => {
  it('autocomplete choice names (100 units) never end in half an emoji', async () => {
    const user = freshUser();
    context.store.addFollow({ platform: 'discord', workspace: '@me', user }, `${'a'.repeat(96)}🚀🚀 models`, new Date('2026-11-20T00:00:00Z'));
    const typing = fake.autocomplete(['unfollow'], 'topic', '', { userId: user });
    const answer = await fake.waitForCall(isCallback(typing.token));
    const choices = answer.body.data.choices as { name: string; value: string }[];
    expect(choices).toHaveLength(1);
    expect(choices[0]!.name.length).toBeLessThanOrEqual(100);
    expect(LONE_SURROGATE.test(choices[0]!.name)).toBe(false);
  });
});

describe('digest add, twice', () => {
  it('answers that it is set up, not as an error', async () => {
    const user = freshUser();
    const options = { topic: 'state space models', schedule: 'weekdays 08:30', timezone: 'UTC' };
    await fake.waitForCall(isEdit(command(['digest', 'add'], options, user, {}).token));
    const again = await fake.waitForCall(isEdit(command(['digest', 'add'], options, user, {}).token));
    expect(said(again)).toContain('set up to get new papers on “state space models” weekdays 08:30 (UTC)');
    expect(again.body.embeds[0].color).not.toBe(0xd83c3e);
    expect(context.store.listDigests({ platform: 'discord', workspace: GUILD, channel: CHANNEL }).filter((d) => d.topic === 'state space models')).toHaveLength(1);
  });
});

describe('a busy DM digest on Discord', () => {
  it('shows at most maxPapers, every paper with its buttons, and "Show them" shows and records the rest', async () => {
    const user = freshUser();
    const key = { platform: 'discord' as const, workspace: '@me', user };
    for (const topic of ['learning', 'reasoning', 'language models', 'generative models', 'optimization', 'efficient']) context.store.addFollow(key, topic, new Date('2026-11-20T00:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['discord', adapter.deliverer]]), sleep: async () => {} });
    expect(await scheduler.runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === user)).toMatchObject({ sent: 1 });
    const dm = `6${user.slice(1)}`;
    const posts = fake.restCalls(postsTo(dm));
    expect(posts).toHaveLength(2);
    const digest = posts.at(-1)!;
    expect(posts.flatMap((p) => p.body.embeds)).toHaveLength(context.config.digests.maxPapers);
    // Three buttons a paper ("Follow papers like this", 👍, 👎) on four rows of five: six papers a message,
    // the reply's own row on the last; no paper loses a button (render.ts papersPerMessage).
    const all = posts.flatMap((p) => buttons(p));
    for (const post of posts) expect(post.body.components.length).toBeLessThanOrEqual(5);
    for (let n = 1; n <= context.config.digests.maxPapers; n++) {
      expect(all.filter((b) => b.label === `👍 #${n}` || b.label === `👎 #${n}` || b.label === `Follow papers like this #${n}`)).toHaveLength(3);
    }
    const target = { platform: 'discord' as const, workspace: '@me', kind: 'user' as const, id: user };
    const waiting = context.store.offeredPapers(target);
    const show = buttons(digest).find((b) => b.label === `${waiting.length} more: Show them`);
    expect(show).toBeDefined();

    // Pressed in the DM (no guild): the person's own offered papers come.
    const pressed = press(show!.custom_id, user, {}, { guildId: null, channelId: dm });
    const answer = await fake.waitForCall(isEdit(pressed.token));
    const rest = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${pressed.token}`);
    const titles = [answer, rest].flatMap((c) => (c.body.embeds as { title: string }[]).map((e) => e.title));
    expect(titles).toHaveLength(Math.min(waiting.length, context.config.digests.maxPapers));
    const shownIds = waiting.slice(0, titles.length).map((o) => o.paperId);
    for (const [i, id] of shownIds.entries()) expect(titles[i]).toContain(context.index.get(id)!.title.slice(0, 40));
    for (let i = 0; i < 10_000 && context.store.deliveredPapers(target, shownIds).size < shownIds.length; i++) await new Promise((r) => setImmediate(r));
    expect(context.store.deliveredPapers(target, shownIds).size).toBe(shownIds.length);
    expect(context.store.offeredPapers(target)).toHaveLength(waiting.length - shownIds.length);
  });
});
