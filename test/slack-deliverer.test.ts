import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import type { Deliverer } from '../src/core/deliverer.js';
import { DeliveryError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import type { Reply } from '../src/core/reply.js';
import type { Target } from '../src/core/types.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createSlackAdapter } from '../src/platforms/slack/index.js';
import { FakeSlack } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

const RETRIES = 2;
let fake: FakeSlack;
let deliverer: Deliverer;
let context: Awaited<ReturnType<typeof createTestContext>>;
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

function scheduler() {
  return createScheduler({
    store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron,
    deliverers: new Map([['slack', deliverer]]), sleep: async () => {},
  });
}

function addChannelDigest(channelId: string) {
  return context.store.addDigest({ platform: 'slack', workspace: 'T1', channel: channelId, topic: 'diffusion models', schedule: 'daily 09:00', timeZone: 'UTC', size: 3, createdBy: 'UADMIN', created: new Date('2026-11-20T00:00:00Z') });
}

const digest: Reply = {
  visibility: 'channel',
  title: 'New papers on “diffusion” <!here>',
  papers: [
    { id: 'p-1', title: 'Diffusion & <friends>', snippet: 'A snippet.', url: 'https://example.org/1', actions: [{ kind: 'similar', label: 'More like this', command: 'similar', args: { id: 'p-1' } }] },
    { id: 'p-2', title: 'Score | matching', snippet: 'Another.', url: 'https://example.org/2' },
  ],
  notices: ['Daily digest for this channel'],
};

const channel: Target = { platform: 'slack', workspace: 'T1', kind: 'channel', id: 'CDIGEST' };
const user: Target = { platform: 'slack', workspace: 'T1', kind: 'user', id: 'UREADER' };

beforeAll(async () => {
  fake = await new FakeSlack().start();
  context = await createTestContext();
  const adapter = createSlackAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    {
      botToken: 'xoxb-test-token',
      signingSecret: 'unused',
      apiUrl: fake.apiUrl,
      port: 0,
      host: '127.0.0.1',
      digestAdmins: [],
      clientOptions: { retryConfig: { retries: RETRIES, minTimeout: 0, maxTimeout: 0 }, timeout: 1000 },
      historyIntervalMs: 0,
    },
  );
  deliverer = adapter.deliverer;
});

afterAll(async () => {
  await fake.close();
});

function posts(channelId: string) {
  return fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channelId);
}

async function failure(send: Promise<unknown>): Promise<DeliveryError> {
  const err = await send.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('Slack deliverer', () => {
  it('posts a channel digest as a Block Kit message with the bot token', async () => {
    const { messageId } = await deliverer.send(channel, digest);
    const [post] = posts('CDIGEST');
    expect(messageId).toMatch(/^CDIGEST:\d{10}\.\d{6}$/);
    expect(post!.authorization).toBe('Bearer xoxb-test-token');
    const blocks = post!.params.blocks as { type: string; text?: { text: string } }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'section', 'context', 'context']);
    expect(blocks[1]!.text!.text).toBe('*<https://example.org/1|Diffusion &amp; &lt;friends&gt;>*\nA snippet.');
    expect(blocks[3]!.text!.text).toContain('<https://example.org/2|Score ∣ matching>');
    expect(JSON.stringify(post!.params)).not.toContain('<!here>');
    expect(post!.params.unfurl_links).toBe('false');
  });

  it('opens a DM and posts a user digest there', async () => {
    const { messageId } = await deliverer.send(user, digest);
    expect(fake.callsTo('conversations.open').at(-1)!.params.users).toBe('UREADER');
    expect(messageId.startsWith('DUREADER:')).toBe(true);
    expect(posts('DUREADER')).toHaveLength(1);
    expect(posts('DUREADER')[0]!.params.blocks).toBeInstanceOf(Array);
  });

  it('waits out a 429 (Retry-After) and the digest arrives once', async () => {
    const target: Target = { ...channel, id: 'CRATE' };
    fake.fail('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await deliverer.send(target, digest);
    const attempts = posts('CRATE');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up after the bounded retries of a lasting rate limit: transient', async () => {
    const target: Target = { ...channel, id: 'CSTORM' };
    fake.fail('chat.postMessage', ...Array.from({ length: RETRIES + 1 }, () => ({ status: 429 as const, retryAfter: 0 })));
    const err = await failure(deliverer.send(target, digest));
    expect(err.failure).toBe('transient');
    expect(err.code).toBe('ratelimited');
    expect(posts('CSTORM')).toHaveLength(RETRIES + 1);
  });

  it.each(['not_in_channel', 'channel_not_found', 'is_archived', 'account_inactive'])('maps %s to unreachable with the code', async (code) => {
    fake.fail('chat.postMessage', { error: code });
    const err = await failure(deliverer.send(channel, digest));
    expect(err.failure).toBe('unreachable');
    expect(err.code).toBe(code);
  });

  it('maps a DM that cannot be opened (user_not_found, cannot_dm_bot) to unreachable', async () => {
    fake.fail('conversations.open', { error: 'user_not_found' }, { error: 'cannot_dm_bot' });
    expect((await failure(deliverer.send(user, digest))).code).toBe('user_not_found');
    const err = await failure(deliverer.send(user, digest));
    expect([err.failure, err.code]).toEqual(['unreachable', 'cannot_dm_bot']);
  });

  it('maps 5xx, Slack internal errors and timeouts to transient, each after one post: never retried blind', async () => {
    const target: Target = { ...channel, id: 'CFLAKY' };
    fake.fail('chat.postMessage', { status: 503 });
    expect((await failure(deliverer.send(target, digest))).failure).toBe('transient');

    fake.fail('chat.postMessage', { error: 'internal_error' });
    expect(await failure(deliverer.send(target, digest))).toMatchObject({ failure: 'transient', code: 'internal_error' });

    fake.fail('chat.postMessage', { stall: true });
    expect(await failure(deliverer.send(target, digest))).toMatchObject({ failure: 'transient', code: 'request_error' });
    expect(posts('CFLAKY')).toHaveLength(3);
  });

  it('a scheduled channel digest survives a 429: one message arrives, tagged with the run key', async () => {
    addChannelDigest('CSCHED');
    fake.fail('chat.postMessage', { status: 429, retryAfter: 0 });
    const summary = await scheduler().runDue(new Date('2026-11-23T09:00:20Z'), (t) => t.target.id === 'CSCHED');
    expect(summary.sent).toBe(1);
    const attempts = posts('CSCHED');
    expect(attempts).toHaveLength(2);
    const blocks = attempts[1]!.params.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: 'header' });
    expect(JSON.stringify(blocks)).toContain('diffusion');
    expect(attempts[1]!.params.metadata).toMatchObject({ event_type: 'paperboy_digest', event_payload: { idempotency_key: expect.any(String) } });
  });

  it('a channel the bot was removed from pauses its digest (not_in_channel is unreachable)', async () => {
    const digestId = addChannelDigest('CGONE').id;
    fake.fail('chat.postMessage', { error: 'not_in_channel' });
    const summary = await scheduler().runDue(new Date('2026-11-23T09:00:20Z'), (t) => t.target.id === 'CGONE');
    expect(summary.unreachable).toBe(1);
    expect(posts('CGONE')).toHaveLength(1);
    expect(context.store.allDigests().find((d) => d.id === digestId)).toMatchObject({ paused: true, pausedReason: expect.stringContaining('not_in_channel') });
  });
});
