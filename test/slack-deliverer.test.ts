import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import type { Deliverer } from '../src/core/deliverer.js';
import { DeliveryError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import type { Reply } from '../src/core/reply.js';
import type { Target } from '../src/core/types.js';
import { createSlackAdapter } from '../src/platforms/slack/index.js';
import { FakeSlack } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

const RETRIES = 2;
let fake: FakeSlack;
let deliverer: Deliverer;

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
  const adapter = createSlackAdapter(
    { context: await createTestContext(), commands, log: silentLogger, metrics: noMetrics },
    {
      botToken: 'xoxb-test-token',
      signingSecret: 'unused',
      apiUrl: fake.apiUrl,
      port: 0,
      host: '127.0.0.1',
      digestAdmins: [],
      clientOptions: { retryConfig: { retries: RETRIES, minTimeout: 0, maxTimeout: 0 }, timeout: 300 },
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
    expect(messageId).toMatch(/^CDIGEST:1700000000\.\d+$/);
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

  it('maps 5xx, Slack internal errors and timeouts to transient', async () => {
    fake.fail('chat.postMessage', ...Array.from({ length: RETRIES + 1 }, () => ({ status: 503 as const })));
    expect((await failure(deliverer.send(channel, digest))).failure).toBe('transient');

    fake.fail('chat.postMessage', { error: 'internal_error' });
    expect(await failure(deliverer.send(channel, digest))).toMatchObject({ failure: 'transient', code: 'internal_error' });

    fake.fail('chat.postMessage', ...Array.from({ length: RETRIES + 1 }, () => ({ stall: true as const })));
    expect(await failure(deliverer.send(channel, digest))).toMatchObject({ failure: 'transient', code: 'request_error' });
  });
});
