import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { DeliveryError } from '../src/core/errors.js';
import { discordPerson } from '../src/core/identity.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import type { Reply } from '../src/core/reply.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import type { Target } from '../src/core/types.js';
import { createDiscordAdapter, type DiscordAdapter } from '../src/platforms/discord/index.js';
import { DMS_BLOCKED_NOTICE } from '../src/platforms/discord/paused-notice.js';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
let nextId = 300000000000000000n;
const id = () => (++nextId).toString();

const GUILD = '800000000000000001';
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
const postsTo = (channel: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path === `/channels/${channel}/messages`;
const digestReply: Reply = { visibility: 'channel', title: 'New papers on “diffusion”', text: '1 new paper', papers: [{ id: 'p-1', title: 'A paper', snippet: 'About @everyone.', url: 'https://example.org/p1' }] };

function scheduler() {
  return createScheduler({
    store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron,
    deliverers: new Map([['discord', adapter.deliverer]]), sleep: async () => {},
  });
}

async function sendError(target: Target, status: number, code: number): Promise<DeliveryError> {
  fake.respondOnce(postsTo(target.id), { status, body: { message: 'refused', code } });
  return adapter.deliverer.send(target, digestReply).then(() => { throw new Error('expected a DeliveryError'); }, (err: DeliveryError) => err);
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [{ id: GUILD, channels: ['700000000000000001'] }] });
  context = await createTestContext();
  adapter = createDiscordAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    // No 5xx retries and a short timeout: the failure tests stay fast.
    { token: 'fake-token', applicationId: fake.applicationId, apiUrl: fake.apiUrl, restOptions: { retries: 0, timeout: 400 } },
  );
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
});

describe('discord digests', () => {
  it('a scheduled channel digest posts embeds to the channel, once, with a nonce', async () => {
    const channel = id();
    context.store.addDigest({ platform: 'discord', workspace: GUILD, channel, topic: 'diffusion models', schedule: 'daily 09:00', timeZone: 'UTC', size: 3, createdBy: id(), created: new Date('2026-11-20T00:00:00Z') });
    const summary = await scheduler().runDue(new Date('2026-11-23T09:00:20Z'), (t) => t.target.id === channel);
    expect(summary.sent).toBe(1);
    const posts = fake.restCalls(postsTo(channel));
    expect(posts).toHaveLength(1);
    const body = posts[0]!.body;
    expect(body.content).toContain('New papers on “diffusion models”');
    expect(body.embeds).toHaveLength(3);
    expect(body.embeds[0].url).toMatch(/^https?:\/\//);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce.length).toBeLessThanOrEqual(25);
  });

  it('a DM digest opens the DM channel and arrives there', async () => {
    const user = id();
    context.store.addFollow(discordPerson(user), 'diffusion models', new Date('2026-11-20T00:00:00Z'));
    const summary = await scheduler().runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === user);
    expect(summary.sent).toBe(1);
    const opened = fake.restCalls((c) => c.method === 'POST' && c.path === '/users/@me/channels' && c.body.recipient_id === user);
    expect(opened).toHaveLength(1);
    const dm = await fake.waitForCall(postsTo(`6${user.slice(1)}`));
    expect(dm.body.content).toContain('Your paper digest');
    expect(dm.body.embeds.length).toBeGreaterThan(0);
    expect(dm.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('a digest with more papers than one message holds arrives as numbered messages', async () => {
    const channel = id();
    const papers = Array.from({ length: 23 }, (_, i) => ({ id: `p-${i}`, title: `Paper ${i}`, snippet: 'lorem ipsum '.repeat(300), url: 'https://example.org' }));
    const { messageId } = await adapter.deliverer.send({ platform: 'discord', workspace: GUILD, kind: 'channel', id: channel }, { visibility: 'channel', title: 'Digest', papers, notices: ['the end'] }, { idempotencyKey: 'k1' });
    const posts = fake.restCalls(postsTo(channel));
    expect(posts.map((p) => p.body.embeds.length)).toEqual([10, 10, 3]);
    expect(posts[2]!.body.embeds[0].title).toBe('21. Paper 20');
    expect(posts[2]!.body.embeds[2].footer.text).toBe('the end');
    expect(new Set(posts.map((p) => p.body.nonce)).size).toBe(3);
    expect(posts[0]!.body.nonce).toBe('k1');
    expect(messageId).toBeTruthy();
  });

  it('waits out a 429 with Retry-After and delivers the digest once', async () => {
    const channel = id();
    fake.respondOnce(postsTo(channel), {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
      headers: { 'Retry-After': '0.2', 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '0.2', 'X-RateLimit-Bucket': 'fake-bucket', 'X-RateLimit-Scope': 'user' },
    });
    const limited = new Promise((resolve) => adapter.client.rest.once('rateLimited', resolve));
    const sent = await adapter.deliverer.send({ platform: 'discord', workspace: GUILD, kind: 'channel', id: channel }, digestReply, { idempotencyKey: 'run429' });
    await limited;
    const posts = fake.restCalls(postsTo(channel));
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(sent.messageId).toBeTruthy();
  });

  it.each([
    [50007, 403], [10003, 404], [50001, 403], [50013, 403], [10013, 404],
  ])('maps Discord error %i to an unreachable DeliveryError', async (code, status) => {
    const err = await sendError({ platform: 'discord', workspace: GUILD, kind: 'channel', id: id() }, status, code);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.failure).toBe('unreachable');
    expect(err.code).toBe(code);
  });

  it('maps a 5xx and a timeout to transient', async () => {
    const err = await sendError({ platform: 'discord', workspace: GUILD, kind: 'channel', id: id() }, 502, 0);
    expect(err.failure).toBe('transient');
    const channel = id();
    const release = fake.hold(postsTo(channel));
    const timedOut = await adapter.deliverer.send({ platform: 'discord', workspace: GUILD, kind: 'channel', id: channel }, digestReply).catch((e: DeliveryError) => e);
    release();
    expect(timedOut).toBeInstanceOf(DeliveryError);
    expect((timedOut as DeliveryError).failure).toBe('transient');
  });

  it('a user whose DMs are closed has the digest paused and is told once on their next command', async () => {
    const user = id();
    const key = discordPerson(user);
    context.store.addFollow(key, 'graph neural networks', new Date('2026-11-20T00:00:00Z'));
    fake.respondOnce(postsTo(`6${user.slice(1)}`), { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    const summary = await scheduler().runDue(new Date('2026-11-23T08:00:20Z'), (t) => t.target.id === user);
    expect(summary.unreachable).toBe(1);
    expect(context.store.getPrefs(key)?.paused).toBe(true);

    const first = fake.command(['follows'], {}, { userId: user, guildId: GUILD });
    const shown = await fake.waitForCall((c) => c.method === 'PATCH' && c.path.includes(`/${first.token}/`));
    expect(shown.body.embeds[0].footer.text).toContain(DMS_BLOCKED_NOTICE);
    const second = fake.command(['search'], { query: 'graph' }, { userId: user, guildId: GUILD });
    const later = await fake.waitForCall((c) => c.method === 'PATCH' && c.path.includes(`/${second.token}/`));
    expect(JSON.stringify(later.body)).not.toContain(DMS_BLOCKED_NOTICE);
  });
});
