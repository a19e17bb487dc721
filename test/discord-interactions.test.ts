import { startDiscordRig, type DiscordRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordPerson } from '../src/core/identity.js';
import { type DiscordAdapter } from '../src/platforms/discord/index.js';
import { EXPIRED_BUTTON } from '../src/platforms/discord/interactions.js';
import { DMS_BLOCKED_NOTICE } from '../src/platforms/discord/paused-notice.js';
import { FakeDiscord, PERMISSIONS, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

let rig: DiscordRig;
let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
let nextUser = 100000000000000100n;

/** A fresh user per test, so follows and one-time notices never leak between tests. */
function freshUser(): string {
  nextUser += 1n;
  return nextUser.toString();
}

const isCallback = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`);
const isEdit = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`;

/** The message the bot finally showed for this interaction (its edit of the deferred reply). */
async function answerTo(interaction: { token: string }): Promise<RestCall> {
  return fake.waitForCall(isEdit(interaction.token));
}

function buttons(call: RestCall): { label: string; custom_id: string }[] {
  return (call.body.components ?? []).flatMap((row: { components: { label: string; custom_id: string }[] }) => row.components);
}

function button(call: RestCall, label: string): string {
  const found = buttons(call).find((b) => b.label === label);
  if (!found) throw new Error(`no button "${label}" among ${buttons(call).map((b) => b.label).join(', ')}`);
  return found.custom_id;
}

beforeAll(async () => {
  context = await createTestContext();
  rig = await startDiscordRig(context, { restOptions: { timeout: 3000 } });
  ({ fake, adapter } = rig);
});

afterAll(() => rig?.stop());

describe('discord /papers over the gateway', () => {
  it('connects with the Guilds intent only and no message content', async () => {
    const identify = await fake.waitForFrame((f) => f.op === 2);
    expect(identify.d.intents).toBe(1);
    expect(identify.d.token).toBe('fake-token');
    expect(adapter.isConnected()).toBe(true);
  });

  it('answers a search with an ephemeral deferral, then embeds and buttons', async () => {
    const asked = fake.command(['search'], { query: 'diffusion' }, { userId: freshUser() });
    const deferral = await fake.waitForCall(isCallback(asked.token));
    expect(deferral.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const answer = await answerTo(asked);
    expect(answer.body.embeds.length).toBe(5);
    expect(answer.body.embeds[0].title).toMatch(/^1\. /);
    expect(answer.body.embeds[4].footer.text).toMatch(/^Showing 1-5 of \d+/);
    expect(answer.body.allowed_mentions).toEqual({ parse: [] });
    const perPaper = [1, 2, 3, 4, 5].flatMap((n) => [`More like #${n}`, `Follow papers like this #${n}`]);
    expect(buttons(answer).map((b) => b.label)).toEqual([...perPaper, 'Next 5', 'Follow this topic', 'Share to channel']);
    for (const b of buttons(answer)) expect(b.custom_id.length).toBeLessThanOrEqual(100);
  });

  it('"Next 5" turns the page in place', async () => {
    const user = freshUser();
    const first = await answerTo(fake.command(['search'], { query: 'diffusion' }, { userId: user }));
    const pressed = fake.press(button(first, 'Next 5'), { userId: user });
    expect((await fake.waitForCall(isCallback(pressed.token))).body.type).toBe(6);
    const page = await answerTo(pressed);
    expect(page.body.embeds[0].title).toMatch(/^6\. /);
    expect(page.body.embeds.at(-1).footer.text).toMatch(/^Showing 6-10 of/);
    expect(page.body.embeds[0].title).not.toBe(first.body.embeds[0].title);
  });

  it('"More like #1" answers with papers like the first result', async () => {
    const user = freshUser();
    const first = await answerTo(fake.command(['search'], { query: 'diffusion' }, { userId: user }));
    const pressed = fake.press(button(first, 'More like #1'), { userId: user });
    expect((await fake.waitForCall(isCallback(pressed.token))).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const similar = await answerTo(pressed);
    expect(similar.body.content).toContain('More like');
    expect(similar.body.embeds.length).toBeGreaterThan(0);
    const firstTitle = first.body.embeds[0].title.replace(/^1\. /, '');
    expect(similar.body.embeds.map((e: { title: string }) => e.title.replace(/^\d+\. /, ''))).not.toContain(firstTitle);
  });

  it('"Follow this topic" follows the query for the person who pressed it', async () => {
    const user = freshUser();
    const first = await answerTo(fake.command(['search'], { query: 'state space models' }, { userId: user }));
    const presser = freshUser();
    const answer = await answerTo(fake.press(button(first, 'Follow this topic'), { userId: presser }));
    // The reply shows the latest matching papers, so its text is the message content above them.
    expect(answer.body.content || answer.body.embeds[0].description).toContain('Following');
    expect(context.store.listFollows(discordPerson(presser)).map((f) => f.topic)).toEqual(['state space models']);
    expect(context.store.listFollows(discordPerson(user))).toEqual([]);
  });

  it('"Share to channel" posts the results publicly in the channel, without paging buttons', async () => {
    const user = freshUser();
    const first = await answerTo(fake.command(['search'], { query: 'diffusion' }, { userId: user }));
    const from = fake.calls.length;
    const pressed = fake.press(button(first, 'Share to channel'), { userId: user });
    const post = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/channels/${fake.guilds[0]!.channels[0]}/messages`, { from });
    expect(post.body.flags ?? 0).toBe(0);
    expect(post.body.allowed_mentions).toEqual({ parse: [] });
    expect(post.body.embeds.map((e: { title: string }) => e.title)).toEqual(first.body.embeds.map((e: { title: string }) => e.title));
    expect(buttons(post).map((b) => b.label)).not.toContain('Next 5');
    expect(buttons(post).map((b) => b.label)).toContain('More like #1');
    expect((await answerTo(pressed)).body.embeds[0].description).toBe('Shared to the channel.');
  });

  it('answers an expired or unknown button politely', async () => {
    const pressed = fake.press('pbse~nosuchkey', { userId: freshUser() });
    const reply = await fake.waitForCall(isCallback(pressed.token));
    expect(reply.body).toMatchObject({ type: 4, data: { content: EXPIRED_BUTTON, flags: 64 } });
  });

  it('a long query still gets working buttons (kept in memory behind a short id)', async () => {
    const user = freshUser();
    const query = `diffusion ${'model '.repeat(22)}`.trim();
    const first = await answerTo(fake.command(['search'], { query }, { userId: user }));
    const next = button(first, 'Follow this topic');
    expect(next.length).toBeLessThanOrEqual(100);
    expect(next).toContain('~');
    const answer = await answerTo(fake.press(next, { userId: user }));
    expect(answer.body.content || answer.body.embeds[0].description).toContain('Following');
  });

  it('autocompletes unfollow with the user’s own follows', async () => {
    const user = freshUser();
    const key = discordPerson(user);
    for (const topic of ['graph neural networks', 'diffusion models', 'graph transformers']) context.store.addFollow(key, topic, new Date());
    const typed = fake.autocomplete(['unfollow'], 'topic', 'graph', { userId: user });
    const reply = await fake.waitForCall(isCallback(typed.token));
    expect(reply.body).toEqual({ type: 8, data: { choices: [{ name: '1. graph neural networks', value: 'graph neural networks' }, { name: '3. graph transformers', value: 'graph transformers' }] } });
  });

  it('refuses a channel digest to a member without Manage Channels, and accepts one with it', async () => {
    const channelKey = { platform: 'discord' as const, workspace: fake.guilds[0]!.id, channel: fake.guilds[0]!.channels[0]! };
    const args = { topic: 'graph neural networks', schedule: 'daily 09:00' };
    const refused = await answerTo(fake.command(['digest', 'add'], args, { userId: freshUser(), permissions: PERMISSIONS.sendMessages }));
    expect(refused.body.embeds[0].description).toMatch(/^Only/);
    expect(context.store.listDigests(channelKey)).toEqual([]);
    const accepted = await answerTo(fake.command(['digest', 'add'], args, { userId: freshUser(), permissions: PERMISSIONS.manageChannels }));
    expect(accepted.body.embeds[0].description).toContain('This channel will get new papers');
    expect(context.store.listDigests(channelKey).map((d) => d.topic)).toEqual(['graph neural networks']);
  });

  it('echoes mentions inertly: allowed_mentions parse [] and markdown escaped', async () => {
    const answer = await answerTo(fake.command(['follow'], { topic: '@everyone <@123> **loud**' }, { userId: freshUser() }));
    expect(answer.body.allowed_mentions).toEqual({ parse: [] });
    const text = answer.body.embeds[0].description as string;
    expect(text).toContain('@everyone <@123>');
    expect(text).toContain('\\*\\*loud\\*\\*');
  });

  it('tells a user once that their digest is paused because their DMs are closed', async () => {
    const user = freshUser();
    context.store.setPrefs(discordPerson(user), { time: '08:00', timeZone: 'UTC', paused: true, pausedReason: '50007' });
    const first = await answerTo(fake.command(['follows'], {}, { userId: user }));
    expect(first.body.embeds[0].footer.text).toContain(DMS_BLOCKED_NOTICE);
    const second = await answerTo(fake.command(['follows'], {}, { userId: user }));
    expect(JSON.stringify(second.body)).not.toContain(DMS_BLOCKED_NOTICE);
  });

  it('in the bot’s DM, follows are the user’s own and the DM counts as their channel', async () => {
    const user = freshUser();
    const followed = await answerTo(fake.command(['follow'], { topic: 'protein folding' }, { userId: user, guildId: null, channelId: '650000000000000001' }));
    expect(followed.body.content || followed.body.embeds[0].description).toContain('Following');
    expect(context.store.listFollows(discordPerson(user)).map((f) => f.topic)).toEqual(['protein folding']);
    const added = await answerTo(fake.command(['digest', 'add'], { topic: 'protein folding', schedule: 'daily 07:00' }, { userId: user, guildId: null, channelId: '650000000000000001' }));
    expect(added.body.embeds[0].description).toContain('This channel will get new papers');
  });

  it('survives an interaction Discord no longer knows (10062) and keeps answering', async () => {
    fake.respondOnce((c) => c.method === 'POST' && c.path.endsWith('/callback'), { status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    const lost = fake.command(['search'], { query: 'diffusion' }, { userId: freshUser() });
    await fake.waitUntil(() => fake.calls.filter((c) => c.path.includes(`/${lost.token}/`)).length >= 2 || undefined);
    const next = fake.command(['search'], { query: 'diffusion' }, { userId: freshUser() });
    expect((await answerTo(next)).body.embeds.length).toBe(5);
  });

  it('loses no command over a gateway reconnect (op 7) or a dropped socket', async () => {
    // One in flight: its deferral is held while the gateway goes away and comes back.
    const inFlight = fake.command(['search'], { query: 'transformers' }, { userId: freshUser() });
    const release = fake.hold(isCallback(inFlight.token));
    await fake.waitForCall(isCallback(inFlight.token));
    const framesBefore = fake.frames.length;
    fake.requestReconnect();
    await fake.waitForFrame((f) => f.op === 6, { from: framesBefore });
    release();
    expect((await answerTo(inFlight)).body.embeds.length).toBeGreaterThan(0);
    const afterReconnect = fake.command(['search'], { query: 'reinforcement learning' }, { userId: freshUser() });
    expect((await answerTo(afterReconnect)).body.embeds.length).toBeGreaterThan(0);

    // One sent while the socket is down is replayed on RESUME and answered.
    const framesBeforeDrop = fake.frames.length;
    fake.dropConnection();
    const whileDown = fake.command(['search'], { query: 'graph neural networks' }, { userId: freshUser() });
    await fake.waitForFrame((f) => f.op === 6, { from: framesBeforeDrop });
    expect((await answerTo(whileDown)).body.embeds.length).toBeGreaterThan(0);
    expect(fake.restCalls(isCallback(whileDown.token))).toHaveLength(1);
    await fake.waitUntil(() => adapter.isConnected());
  });
});
