import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { createSlackAdapter, type SlackAdapter } from '../src/platforms/slack/index.js';
import { buttonPayload, FakeSlack, slashCommandFields } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

let fake: FakeSlack;
let adapter: SlackAdapter;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  const context = await createTestContext();
  adapter = createSlackAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    {
      botToken: 'xoxb-test-token',
      appToken: 'xapp-test-token',
      apiUrl: fake.apiUrl,
      port: 0,
      host: '127.0.0.1',
      digestAdmins: [],
      clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } },
    },
  );
  await adapter.start();
});

afterAll(async () => {
  await adapter.stop();
  await fake.close();
});

describe('Slack Socket Mode', () => {
  it('connects with the app token and reports connected', () => {
    expect(fake.callsTo('apps.connections.open')[0]?.authorization).toBe('Bearer xapp-test-token');
    expect(fake.socketCount).toBe(1);
    expect(adapter.isConnected()).toBe(true);
  });

  it('acks a slash command envelope with an empty payload, then answers on the response_url', async () => {
    const { id, url } = fake.newResponseUrl();
    const ack = await fake.sendEnvelope('slash_commands', slashCommandFields('search diffusion', url));
    expect(ack.payload ?? {}).toEqual({});
    const body = await fake.response(id);
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body.blocks)).toContain('Papers for “diffusion”');
    expect(fake.callsTo('auth.test')[0]?.authorization).toBe('Bearer xoxb-test-token');
  });

  it('acks a button envelope and runs what the button stands for', async () => {
    const { id, url } = fake.newResponseUrl();
    const value = JSON.stringify({ command: 'search', args: { query: 'diffusion', offset: 0 }, visibility: 'channel' });
    await fake.sendEnvelope('interactive', buttonPayload({ action_id: 'papers:share:a2', value }, url));
    const body = await fake.response(id);
    expect(body.response_type).toBe('in_channel');
  });

  it('closes the socket on stop', async () => {
    await adapter.stop();
    await fake.waitFor(() => fake.socketCount === 0, 'socket close');
    expect(adapter.isConnected()).toBe(false);
  });
});
