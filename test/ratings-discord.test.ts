import { startDiscordRig, type DiscordRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { type DiscordAdapter } from '../src/platforms/discord/index.js';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

/** 👍 / 👎 under DM digest papers, pressed through the real discord.js against the fake Discord. */

const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
type Btn = { type: number; style: number; label: string; custom_id: string };
let rig: DiscordRig;
let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;

beforeAll(async () => {
  context = await createTestContext();
  rig = await startDiscordRig(context);
  ({ fake, adapter } = rig);
});

afterAll(() => rig?.stop());

const buttons = (components: { components: Btn[] }[]) => components.flatMap((r) => r.components);
const isEdit = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`;
const isCallback = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`);

describe('rating buttons on a Discord DM digest', () => {
  it('fit beside every paper; a press is stored for the follow and marked on the message (no new message), and can be changed', async () => {
    const user = '300000000000000777';
    const person = { platform: 'discord' as const, workspace: '@me', user };
    context.store.addFollow(person, 'LLM inference', new Date('2026-11-01T00:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['discord', adapter.deliverer]]), sleep: async () => {} });
    expect(await scheduler.runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === user)).toMatchObject({ sent: 1 });
    const post = fake.restCalls((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path)).at(-1)!;
    const embeds = post.body.embeds as unknown[];
    const rows = post.body.components as { components: Btn[] }[];
    expect(rows.length).toBeLessThanOrEqual(5);
    for (let n = 1; n <= embeds.length; n++) expect(buttons(rows).filter((b) => b.label === `👍 #${n}` || b.label === `👎 #${n}`)).toHaveLength(2);

    const up = buttons(rows).find((b) => b.label === '👍 #2')!;
    const pressed = fake.press(up.custom_id, { userId: user, guildId: null, channelId: '600000000000000777' }, { embeds, components: rows, flags: 0 });
    const callback = await fake.waitForCall(isCallback(pressed.token));
    expect(callback.body.type).toBe(6); // deferred update: no new message
    const edit = await fake.waitForCall(isEdit(pressed.token));
    const marked = buttons(edit.body.components);
    expect(marked.find((b) => b.label === '👍 #2')!.style).toBe(3); // green
    expect(marked.find((b) => b.label === '👎 #2')!.style).toBe(2);
    expect(marked.filter((b) => !/#2$/.test(b.label))).toEqual(buttons(rows).filter((b) => !/#2$/.test(b.label)));
    const [rated] = [...context.store.followRatings(person).get('llm inference')!];
    expect(rated![1]).toBe(1);

    const down = marked.find((b) => b.label === '👎 #2')!;
    const again = fake.press(down.custom_id, { userId: user, guildId: null, channelId: '600000000000000777' }, { embeds, components: edit.body.components, flags: 0 });
    const edited = await fake.waitForCall(isEdit(again.token));
    expect(buttons(edited.body.components).find((b) => b.label === '👎 #2')!.style).toBe(4); // red
    expect([...context.store.followRatings(person).get('llm inference')!]).toEqual([[rated![0], -1]]);
  });

  it('tells only the presser when the follow is not theirs, and changes no one’s ratings', async () => {
    const owner = { platform: 'discord' as const, workspace: '@me', user: '300000000000000888' };
    const { follow } = context.store.addFollow(owner, 'category theory', new Date('2026-11-01T00:00:00Z'));
    const paper = context.index.match('category theory')[0]!.paper.id;
    const customId = `pbue${JSON.stringify(['rate', { paper, rating: 'up', follow: follow.id }])}`;
    const pressed = fake.press(customId, { userId: '300000000000000999', guildId: null, channelId: '600000000000000999' });
    const reply = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${pressed.token}`);
    expect(reply.body.flags).toBe(64);
    expect(JSON.stringify(reply.body)).toContain('no longer follow');
    expect(context.store.followRatings(owner).size).toBe(0);
  });
});
