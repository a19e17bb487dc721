import { startDiscordRig, type DiscordRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { type DiscordAdapter } from '../src/platforms/discord/index.js';
import { LIMITS } from '../src/platforms/discord/limits.js';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

/** "Follow papers like this" and "why this paper" through discord.js against the fake Discord. */

const GUILD = '810000000000000002';
const CHANNEL = '710000000000000002';
const USER = '200000000000000777';
const SEED = 'p-ahy3wqk1qh'; // "Scalable Second Order Optimization for Deep Learning"
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
let rig: DiscordRig;
let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
const person = { platform: 'discord' as const, workspace: '@me', user: USER };

const isEdit = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`;
const postsTo = (channel: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path === `/channels/${channel}/messages`;
const buttons = (call: RestCall): { label: string; custom_id: string }[] =>
  (call.body.components ?? []).flatMap((row: { components: { label: string; custom_id: string }[] }) => row.components);
const said = (call: RestCall): string => JSON.stringify([call.body.content, call.body.embeds]);

function command(name: string, options: Record<string, string>) {
  const leaf = { type: 1, name, options: Object.entries(options).map(([n, value]) => ({ name: n, value, type: 3 })) };
  return fake.interact(2, { id: '500000000000000001', name: 'papers', type: 1, options: [leaf] }, { userId: USER }, { channel: undefined });
}

function press(customId: string) {
  return fake.interact(3, { custom_id: customId, component_type: 2 }, { userId: USER }, {
    channel: undefined,
    message: { id: '720000000000000002', channel_id: CHANNEL, type: 0, content: '', embeds: [], components: [], flags: 64, author: { id: fake.applicationId, username: 'Paperboy', discriminator: '0000', avatar: null }, attachments: [], mentions: [], mention_roles: [], pinned: false, mention_everyone: false, tts: false, timestamp: '2026-11-23T08:00:00.000Z', edited_timestamp: null },
  });
}

beforeAll(async () => {
  context = await createTestContext({ now: new Date('2026-11-23T07:00:00Z') });
  rig = await startDiscordRig(context, { guilds: [{ id: GUILD, channels: [CHANNEL] }] });
  ({ fake, adapter } = rig);
});

afterAll(() => rig?.stop());

describe('follow by example on Discord', () => {
  it('"Follow papers like this #n" under a search result follows by example; a bad id stores nothing', async () => {
    const results = await fake.waitForCall(isEdit(command('search', { query: 'scalable second order optimization deep learning' }).token));
    const rows = results.body.components as unknown[];
    expect(rows.length).toBeLessThanOrEqual(LIMITS.rows);
    const titles = (results.body.embeds as { title: string }[]).map((e) => e.title);
    const n = titles.findIndex((t) => t.includes('Scalable Second Order Optimization for Deep Learning')) + 1;
    expect(n).toBeGreaterThan(0);
    const follow = buttons(results).find((b) => b.label === `Follow papers like this #${n}`);
    expect(follow).toBeDefined();
    // Every paper on the page kept both of its buttons.
    expect(buttons(results).filter((b) => b.label.startsWith('Follow papers like this #'))).toHaveLength(titles.length);

    const answer = await fake.waitForCall(isEdit(press(follow!.custom_id).token));
    expect(said(answer)).toContain('Following papers like “Scalable Second Order Optimization for Deep Learning”');
    expect(context.store.listFollows(person)).toMatchObject([{ topic: `like ${SEED}`, examples: [SEED] }]);

    const refused = await fake.waitForCall(isEdit(command('follow', { topic: 'like 2401.99999' }).token));
    expect(said(refused)).toContain('I have no paper with id \\"2401.99999\\"');
    expect(context.store.listFollows(person)).toHaveLength(1);
  });

  it('the DM digest gives each paper its reason, escaped, and its own button', async () => {
    context.store.addFollow(person, '**hypergraph**', new Date('2026-11-23T07:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['discord', adapter.deliverer]]), sleep: async () => {} });
    expect(await scheduler.runDue(new Date('2026-11-24T08:00:20Z'), (t) => t.target.id === USER)).toMatchObject({ sent: 1 });
    const posts = fake.restCalls(postsTo(`6${USER.slice(1)}`));
    const embeds = posts.flatMap((p) => p.body.embeds as { description: string }[]);
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.every((e) => /\nWhy: /.test(e.description))).toBe(true);
    expect(embeds.some((e) => e.description.includes('Why: like “Scalable Second Order Optimization for Deep Learning”'))).toBe(true);
    expect(embeds.some((e) => /Why: “\\\*\\\*hypergraph\\\*\\\*”, found “hypergraphs?”/.test(e.description))).toBe(true);
    expect(posts.flatMap(buttons).filter((b) => b.label.startsWith('Follow papers like this #'))).toHaveLength(embeds.length);
    for (const p of posts) expect(p.body.allowed_mentions).toEqual({ parse: [] });
  });
});
