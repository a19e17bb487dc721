import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { DeliveryError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createSlackAdapter, type SlackAdapter } from '../src/platforms/slack/index.js';
import { FakeSlack } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

let fake: FakeSlack;
let adapter: SlackAdapter;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  adapter = createSlackAdapter(
    { context: await createTestContext(), commands, log: silentLogger, metrics: noMetrics },
    { botToken: 'xoxb-test-token', signingSecret: 's', apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [], clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } } },
  );
});

afterAll(async () => {
  await fake.close();
});

describe('Slack digest sends under a rate limit', () => {
  it("hands one channel's 429 back with its Retry-After instead of pausing every send", async () => {
    fake.fail('chat.postMessage', { status: 429, retryAfter: 120 });
    const reply = { visibility: 'channel' as const, text: 'digest' };
    const limited = adapter.deliverer.send({ platform: 'slack', workspace: 'T1', kind: 'channel', id: 'CBUSY' }, reply).then(() => undefined, (err: unknown) => err);
    // Another channel is not held behind the first one's two minutes.
    const other = await adapter.deliverer.send({ platform: 'slack', workspace: 'T1', kind: 'channel', id: 'COTHER' }, reply);
    expect(other.messageId).toMatch(/^COTHER:/);
    const error = await limited;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ failure: 'transient', code: 'ratelimited', retryAfterMs: 120_000 });
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CBUSY')).toHaveLength(1);
  });
});
