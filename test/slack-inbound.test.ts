import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { StartupError } from '../src/core/errors.js';
import { BUSY_TEXT } from '../src/core/flow/inflight-gate.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from '../src/platforms/slack/index.js';
import { FakeSlack, postSigned, slashCommandBody, slashCommandFields } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

const SECRET = 'test-signing-secret';
const fast = { retryConfig: { retries: 0, minTimeout: 0, maxTimeout: 0 } };

let fake: FakeSlack;
let context: Awaited<ReturnType<typeof createTestContext>>;
const started: SlackAdapter[] = [];

async function adapter(over: Partial<SlackAdapterOptions> = {}): Promise<SlackAdapter> {
  const a = createSlackAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [], clientOptions: fast, ...over },
  );
  started.push(a);
  await a.start();
  return a;
}

const eventsUrl = (a: SlackAdapter) => `http://127.0.0.1:${a.address()!.port}/slack/events`;

/** A signed command that must be answered on its response_url: the adapter is still serving. */
async function stillServes(a: SlackAdapter): Promise<void> {
  const { id, url } = fake.newResponseUrl();
  expect((await postSigned(eventsUrl(a), slashCommandBody('help', url), SECRET)).status).toBe(200);
  expect(String((await fake.response(id)).text)).toContain('/papers');
}

beforeAll(async () => {
  fake = await new FakeSlack().start();
  context = await createTestContext();
});

afterAll(async () => {
  for (const a of started) await a.stop();
  await fake.close();
});

describe('Slack HTTP front door', () => {
  let http: SlackAdapter;
  beforeAll(async () => {
    http = await adapter();
  });

  it('answers a signed payload=null form with 400 and keeps serving', async () => {
    expect((await postSigned(eventsUrl(http), 'payload=null', SECRET)).status).toBe(400);
    await stillServes(http);
  });

  it('answers a signed JSON body of null with 400 and keeps serving', async () => {
    expect((await postSigned(eventsUrl(http), 'null', SECRET, { contentType: 'application/json' })).status).toBe(400);
    expect((await postSigned(eventsUrl(http), '[1,2]', SECRET, { contentType: 'application/json' })).status).toBe(400);
    await stillServes(http);
  });

  it('runs an identical signed request replayed inside the window once', async () => {
    const { id, url } = fake.newResponseUrl();
    const body = slashCommandBody('help', url);
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await postSigned(eventsUrl(http), body, SECRET, { timestamp });
    const replay = await postSigned(eventsUrl(http), body, SECRET, { timestamp });
    expect([first.status, replay.status]).toEqual([200, 200]);
    await fake.response(id);
    // A later command is answered, so the replay had every chance to run before it.
    await stillServes(http);
    expect(fake.responses.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('refuses a timestamp minutes in the future, and runs nothing', async () => {
    const { id, url } = fake.newResponseUrl();
    const ahead = Math.floor(Date.now() / 1000) + 3 * 60;
    expect((await postSigned(eventsUrl(http), slashCommandBody('help', url), SECRET, { timestamp: ahead })).status).toBe(401);
    await stillServes(http);
    expect(fake.responses.filter((r) => r.id === id)).toHaveLength(0);
  });

  it('refuses a large unsigned body with 413 before checking any signature', async () => {
    const big = `text=${'a'.repeat(1024 * 1024)}`;
    expect((await postSigned(eventsUrl(http), big, 'not-the-secret')).status).toBe(413);
    await stillServes(http);
  });
});

describe('Slack backpressure', () => {
  it('past the bound of commands in flight, answers busy in the ack itself', async () => {
    const busy = await adapter({ commandsInFlight: 1 });
    // users.info never answers, so this digest command stays in flight.
    fake.fail('users.info', { stall: true });
    const held = fake.newResponseUrl();
    expect((await postSigned(eventsUrl(busy), slashCommandBody('digest add diffusion daily 09:00', held.url, { user: 'UHOLD' }), SECRET)).status).toBe(200);
    await fake.waitFor(() => fake.callsTo('users.info').some((c) => c.params.user === 'UHOLD'), 'users.info held');
    const res = await postSigned(eventsUrl(busy), slashCommandBody('help', fake.newResponseUrl().url), SECRET);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: BUSY_TEXT });
  });
});

describe('Slack requests read late', () => {
  it('answers busy, without running it, a command that waited past Slack’s 3 s ack limit before it could be read', async () => {
    const late = await adapter();
    const { id, url } = fake.newResponseUrl();
    const res = await postSigned(eventsUrl(late), slashCommandBody('help', url), SECRET, { timestamp: Math.floor(Date.now() / 1000) - 30 });
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: BUSY_TEXT });
    await stillServes(late);
    expect(fake.responses.filter((r) => r.id === id)).toHaveLength(0);
  });
});

describe('Slack Socket Mode envelopes', () => {
  let socket: SlackAdapter;
  beforeAll(async () => {
    socket = await adapter({ appToken: 'xapp-test-token', signingSecret: undefined });
  });

  it('acks an envelope whose payload is null and keeps serving', async () => {
    const ack = await fake.sendRawEnvelope({ envelope_id: randomUUID(), type: 'slash_commands', payload: null, accepts_response_payload: true });
    expect(ack.payload ?? {}).toEqual({});
    const { id, url } = fake.newResponseUrl();
    await fake.sendEnvelope('slash_commands', slashCommandFields('help', url));
    await fake.response(id);
  });

  it('runs an envelope redelivered with the same envelope_id once', async () => {
    const { id, url } = fake.newResponseUrl();
    const envelope = { envelope_id: randomUUID(), type: 'slash_commands', payload: slashCommandFields('help', url), accepts_response_payload: true, retry_attempt: 0, retry_reason: '' };
    await fake.sendRawEnvelope(envelope);
    await fake.sendRawEnvelope({ ...envelope, retry_attempt: 1, retry_reason: 'timeout' });
    await fake.response(id);
    const later = fake.newResponseUrl();
    await fake.sendEnvelope('slash_commands', slashCommandFields('help', later.url));
    await fake.response(later.id);
    expect(fake.responses.filter((r) => r.id === id)).toHaveLength(1);
    expect(socket.isConnected()).toBe(true);
  });
});

describe('Slack at start', () => {
  it('stops with one clear error naming SLACK_BOT_TOKEN when auth.test says invalid_auth', async () => {
    fake.fail('auth.test', { error: 'invalid_auth' });
    const error = await adapter().then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect((error as Error).message).not.toContain('xoxb');
  });

  it('stops with one clear error naming SLACK_APP_TOKEN when Socket Mode refuses the app token', async () => {
    fake.fail('apps.connections.open', { error: 'invalid_auth' });
    const error = await adapter({ appToken: 'xapp-refused', signingSecret: undefined }).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/^Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
  });

  it('waits out a Slack outage (503s) with growing waits, then starts', async () => {
    fake.fail('auth.test', { status: 503 }, { status: 503 }, { status: 503 });
    const waits: number[] = [];
    const before = fake.callsTo('auth.test').length;
    const a = await adapter({ startBackoff: { baseMs: 1000, maxMs: 30_000, sleep: async (ms) => void waits.push(ms) } });
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(fake.callsTo('auth.test').length - before).toBe(4);
    await stillServes(a);
  });
});
