import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import type { Deliverer } from '../src/core/deliverer.js';
import { idempotencyKey } from '../src/core/digest-targets.js';
import { DeliveryError } from '../src/core/errors.js';
import { createLogger, silentLogger, type Logger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import type { Reply } from '../src/core/reply.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import type { Target } from '../src/core/types.js';
import { createSlackAdapter } from '../src/platforms/slack/index.js';
import { FakeSlack } from './fakes/slack.js';
import { FakeSearch } from './fixtures/fake-search.js';
import { corpusPapers, testConfig } from './scheduler-support.js';

const TIMEOUT_MS = 300;
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
const digest: Reply = { visibility: 'channel', title: 'New papers on “diffusion”', papers: [{ id: 'p-1', title: 'Diffusion', snippet: 'A snippet.', url: 'https://example.org/1' }] };
let fake: FakeSlack;

function slackDeliverer(log: Logger = silentLogger): Deliverer {
  const context = { index: new FakeSearch([]), store: createMemoryStore(), config: testConfig(), log, now: () => new Date(), schedulesChanged() {} };
  return createSlackAdapter(
    { context, commands, log, metrics: noMetrics },
    {
      botToken: 'xoxb-test-token', signingSecret: 'unused', apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [],
      clientOptions: { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 }, timeout: TIMEOUT_MS },
      historyIntervalMs: 0,
    },
  ).deliverer;
}

/** A logger whose lines the test can read. */
function capturingLogger(): { log: Logger; lines: () => { msg: string; level: number }[] } {
  const out: string[] = [];
  const log = createLogger({ level: 'info', format: 'json' }, { write: (line: string) => void out.push(line) } as unknown as NodeJS.WritableStream);
  return { log, lines: () => out.map((l) => JSON.parse(l) as { msg: string; level: number }) };
}

const channel = (id: string): Target => ({ platform: 'slack', workspace: 'T1', kind: 'channel', id });
const posts = (id: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === id);

/** Posts a digest to the fake as an earlier process would have, tagged with the key. */
async function postedEarlier(channelId: string, key: string): Promise<string> {
  const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-test-token' },
    body: JSON.stringify({ channel: channelId, text: 'digest', metadata: { event_type: 'paperboy_digest', event_payload: { idempotency_key: key } } }),
  });
  return `${channelId}:${((await res.json()) as { ts: string }).ts}`;
}

/** A store with a channel digest on `channelId` (daily 09:00 UTC) and, optionally, its 09:00 run left claimed. */
function storeWithDigest(store: Store, channelId: string, claimed: boolean) {
  const d = store.addDigest({ platform: 'slack', workspace: 'T1', channel: channelId, topic: 'diffusion', schedule: 'daily 09:00', timeZone: 'UTC', size: 2, createdBy: 'U0', created: new Date('2026-11-20T00:00:00Z') });
  const slot = `2026-11-23T09:00:00.000Z/digest-${d.id}`;
  if (claimed) store.claimRun(channel(channelId), slot, { paperIds: ['d1'], payload: JSON.stringify(digest) }, new Date('2026-11-23T09:00:01Z'));
  return { target: channel(channelId), slot, key: idempotencyKey(channel(channelId), slot) };
}

function schedulerFor(store: Store, deliverer: Deliverer) {
  return createScheduler({
    store, index: new FakeSearch(corpusPapers()), config: testConfig(), log: silentLogger, cron: inertCron,
    deliverers: new Map([['slack', deliverer]]), clock: () => new Date('2026-11-23T09:05:00Z'), sleep: async () => {},
  });
}

beforeAll(async () => {
  fake = await new FakeSlack().start();
});
afterEach(() => {
  fake.delays.clear();
  fake.release();
  fake.failures.clear();
});
afterAll(async () => {
  await fake.close();
});

describe('Slack: a post is never retried blind', () => {
  it('a post Slack accepts but answers after the client timeout appears once, and send() returns its id', async () => {
    const deliverer = slackDeliverer();
    fake.delays.set('chat.postMessage', TIMEOUT_MS * 3);
    const { messageId } = await deliverer.send(channel('CLATE'), digest, { idempotencyKey: 'pblate0000000000000000001' });
    expect(fake.messagesIn('CLATE')).toHaveLength(1);
    expect(posts('CLATE')).toHaveLength(1);
    expect(messageId).toBe(`CLATE:${fake.messagesIn('CLATE')[0]!.ts}`);
    expect(fake.callsTo('conversations.history').at(-1)!.params).toMatchObject({ channel: 'CLATE', include_all_metadata: 'true' });
  });

  it('when the look-up itself fails, the next attempt looks again before posting and finds it', async () => {
    const deliverer = slackDeliverer();
    const key = 'pblate0000000000000000002';
    fake.delays.set('chat.postMessage', TIMEOUT_MS * 3);
    fake.fail('conversations.history', { status: 503 });
    const first = await deliverer.send(channel('CLATE2'), digest, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryError);
    expect((first as DeliveryError).failure).toBe('transient');
    await fake.waitFor(() => fake.messagesIn('CLATE2').length === 1, 'the late post stored');
    const second = await deliverer.send(channel('CLATE2'), digest, { idempotencyKey: key });
    expect(second.messageId).toBe(`CLATE2:${fake.messagesIn('CLATE2')[0]!.ts}`);
    expect(posts('CLATE2')).toHaveLength(1);
  });

  it('a post that never reached Slack is posted once by the next attempt, after a look-up', async () => {
    const deliverer = slackDeliverer();
    const key = 'pbstall000000000000000001';
    fake.fail('chat.postMessage', { stall: true });
    await expect(deliverer.send(channel('CSTALL'), digest, { idempotencyKey: key })).rejects.toMatchObject({ failure: 'transient', code: 'request_error' });
    const lookups = fake.callsTo('conversations.history').length;
    await deliverer.send(channel('CSTALL'), digest, { idempotencyKey: key });
    expect(fake.callsTo('conversations.history').length).toBeGreaterThan(lookups);
    expect(fake.messagesWithKey(key)).toHaveLength(1);
  });
});

describe('Slack: runs a crash left claimed', () => {
  it('records a run Slack already has instead of re-sending it, and re-sends one it does not have', async () => {
    const store = createMemoryStore();
    const had = storeWithDigest(store, 'CHAD', true);
    const lost = storeWithDigest(store, 'CLOST', true);
    const messageId = await postedEarlier('CHAD', had.key);
    const summary = await schedulerFor(store, slackDeliverer()).recover();
    expect(summary.sent).toBe(2);
    expect(fake.messagesIn('CHAD')).toHaveLength(1);
    expect(store.getRun(had.target, had.slot)).toMatchObject({ state: 'sent', messageId });
    expect(fake.messagesWithKey(lost.key)).toHaveLength(1);
    expect(store.pendingRuns()).toEqual([]);
  });

  it('looks only as far back as the run was claimed (less clock skew)', async () => {
    const store = createMemoryStore();
    const run = storeWithDigest(store, 'CWINDOW', true);
    await schedulerFor(store, slackDeliverer()).recover();
    const oldest = Number(fake.callsTo('conversations.history').filter((c) => c.params.channel === 'CWINDOW')[0]!.params.oldest);
    const claimed = store.getRun(run.target, run.slot)!.claimed.getTime() / 1000;
    expect(oldest).toBeLessThanOrEqual(claimed);
    expect(oldest).toBeGreaterThanOrEqual(claimed - 600);
  });

  it('without the history scopes, re-sends as before and warns once', async () => {
    const store = createMemoryStore();
    const a = storeWithDigest(store, 'CSCOPE1', true);
    const b = storeWithDigest(store, 'CSCOPE2', true);
    fake.fail('conversations.history', { error: 'missing_scope' }, { error: 'missing_scope' });
    const { log, lines } = capturingLogger();
    const summary = await schedulerFor(store, slackDeliverer(log)).recover();
    expect(summary.sent).toBe(2);
    expect(fake.messagesWithKey(a.key)).toHaveLength(1);
    expect(fake.messagesWithKey(b.key)).toHaveLength(1);
    const warnings = lines().filter((l) => l.msg.includes('Reinstall the app'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('channels:history');
  });

  it('a look-up waiting on Slack holds up no other digest: the due pass posts meanwhile', async () => {
    const store = createMemoryStore();
    const pending = storeWithDigest(store, 'CPEND', true);
    storeWithDigest(store, 'CDUE', false);
    fake.hold('conversations.history');
    const scheduler = schedulerFor(store, slackDeliverer());
    await scheduler.start();
    await fake.waitFor(() => fake.messagesIn('CDUE').length === 1 && fake.callsTo('conversations.history').some((c) => c.params.channel === 'CPEND'), 'the due digest posted while the look-up is held');
    expect(fake.messagesWithKey(pending.key)).toHaveLength(0);
    fake.release();
    await scheduler.idle();
    await scheduler.stop();
    expect(fake.messagesWithKey(pending.key)).toHaveLength(1);
    expect(store.pendingRuns()).toEqual([]);
  });
});
