import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { StartupError } from '../src/core/errors.js';
import { BUSY_TEXT } from '../src/core/flow/inflight-gate.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { GATEWAY_APOLOGY } from '../src/platforms/discord/gateway-guard.js';
import { createDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from '../src/platforms/discord/index.js';
import { FakeDiscord, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

let context: Awaited<ReturnType<typeof createTestContext>>;
const running: { adapter?: DiscordAdapter; fake: FakeDiscord }[] = [];

async function setUp(over: Partial<DiscordAdapterOptions> = {}, before: (fake: FakeDiscord) => void = () => {}) {
  const fake = await FakeDiscord.start();
  const entry: { adapter?: DiscordAdapter; fake: FakeDiscord } = { fake };
  running.push(entry);
  before(fake);
  const adapter = createDiscordAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    { token: 'fake-token', applicationId: fake.applicationId, apiUrl: fake.apiUrl, restOptions: { timeout: 3000, retries: 0 }, ...over },
  );
  entry.adapter = adapter;
  return { fake, adapter };
}

const isCallback = (token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'POST' && c.path.endsWith(`/${token}/callback`);
const isEdit = (fake: FakeDiscord, token: string) => (c: Pick<RestCall, 'method' | 'path'>) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`;

beforeAll(async () => {
  context = await createTestContext();
});

afterEach(async () => {
  for (const { adapter, fake } of running.splice(0)) {
    await adapter?.stop();
    await fake.close();
  }
});

afterAll(() => undefined);

describe('discord gateway containment', () => {
  it('answers an INTERACTION_CREATE without entitlements (an older shape) as usual', async () => {
    const { fake, adapter } = await setUp();
    await adapter.start();
    const sent = fake.interact(2, { id: '500000000000000001', name: 'papers', type: 1, options: [{ type: 1, name: 'help', options: [] }] }, {}, { entitlements: undefined, authorizing_integration_owners: undefined });
    const edit = await fake.waitForCall(isEdit(fake, sent.token));
    expect(JSON.stringify(edit.body)).toContain('/papers');
  });

  it('apologises for an interaction with neither member nor user, and keeps serving', async () => {
    const { fake, adapter } = await setUp();
    await adapter.start();
    const broken = fake.interact(2, { id: '500000000000000001', name: 'papers', type: 1, options: [{ type: 1, name: 'help', options: [] }] }, {}, { member: undefined });
    const apology = await fake.waitForCall(isCallback(broken.token));
    expect(apology.body).toMatchObject({ type: 4, data: { content: GATEWAY_APOLOGY, flags: 64 } });
    const fine = fake.command(['help']);
    await fake.waitForCall(isEdit(fake, fine.token));
    expect(adapter.isConnected()).toBe(true);
  });
});

describe('discord backpressure', () => {
  it('past the bound of interactions in flight, replies busy at once', async () => {
    const { fake, adapter } = await setUp({ commandsInFlight: 1 });
    await adapter.start();
    // The first command's deferral is held unanswered, so it stays in flight.
    const release = fake.hold((c) => c.method === 'POST' && c.path.endsWith('/itoken-1/callback'));
    const first = fake.command(['help']);
    await fake.waitForCall(isCallback(first.token));
    const second = fake.command(['help']);
    const busy = await fake.waitForCall(isCallback(second.token));
    expect(busy.body).toMatchObject({ type: 4, data: { content: BUSY_TEXT, flags: 64 } });
    release();
    await fake.waitForCall(isEdit(fake, first.token));
  });
});

describe('discord at start', () => {
  it('stops with one clear error naming DISCORD_TOKEN when the token is refused', async () => {
    const { adapter } = await setUp({}, (fake) => fake.respondOnce((c) => c.path === '/gateway/bot', { status: 401, body: { message: '401: Unauthorized', code: 0 } }));
    const error = await adapter.start().then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/^Discord refused DISCORD_TOKEN/);
    expect((error as Error).message).not.toContain('fake-token');
  });

  it('waits out a Discord outage (503s) with growing waits, then connects', async () => {
    const waits: number[] = [];
    const { fake, adapter } = await setUp({ startBackoff: { baseMs: 1000, maxMs: 30_000, sleep: async (ms) => void waits.push(ms) } }, (fake) => {
      for (let i = 0; i < 2; i++) fake.respondOnce((c) => c.path === '/gateway/bot', { status: 503, body: { message: 'unavailable' } });
    });
    await adapter.start();
    expect(waits).toEqual([1000, 2000]);
    expect(adapter.isConnected()).toBe(true);
    const fine = fake.command(['help']);
    await fake.waitForCall(isEdit(fake, fine.token));
  });
});
