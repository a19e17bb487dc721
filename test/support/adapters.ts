import type { CommandContext } from '../../src/core/commands/definition.js';
import { commands } from '../../src/core/commands/index.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { noMetrics } from '../../src/core/metrics.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/platforms/discord/index.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/platforms/slack/index.js';
import { FakeDiscord, type FakeGuild } from '../fakes/discord.js';
import { FakeSlack } from '../fakes/slack.js';

/** The real bolt app, serving HTTP on 127.0.0.1, in front of a fresh fake Slack Web API. */
export interface SlackRig {
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** Where signed slash commands and button presses are posted. */
  eventsUrl: string;
  stop(): Promise<void>;
}

export async function startSlackRig(context: CommandContext, signingSecret: string, options: { log?: Logger; prepare?: (fake: FakeSlack) => void } = {}): Promise<SlackRig> {
  const fake = await new FakeSlack().start();
  options.prepare?.(fake);
  const log = options.log ?? silentLogger;
  const adapter = createSlackAdapter(
    { context, commands, log, metrics: noMetrics },
    { botToken: 'xoxb-test', signingSecret, apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', digestAdmins: [], clientOptions: { retryConfig: { retries: 0 } } },
  );
  await adapter.start();
  const eventsUrl = `http://127.0.0.1:${adapter.address()!.port}/slack/events`;
  return { fake, adapter, eventsUrl, stop: async () => { await adapter.stop(); await fake.close(); } };
}

/** The real discord.js client and REST, in front of a fresh fake Discord gateway and API. */
export interface DiscordRig {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  stop(): Promise<void>;
}

/** REST retries off by default; `restOptions` replaces that (e.g. discord.js's own retries, a longer timeout). */
export async function startDiscordRig(context: CommandContext, options: { guilds?: FakeGuild[]; restOptions?: { retries?: number; timeout?: number } } = {}): Promise<DiscordRig> {
  const fake = await FakeDiscord.start(options.guilds ? { guilds: options.guilds } : {});
  const adapter = createDiscordAdapter(
    { context, commands, log: silentLogger, metrics: noMetrics },
    { token: 'fake-token', applicationId: fake.applicationId, apiUrl: fake.apiUrl, restOptions: options.restOptions ?? { retries: 0, timeout: 2000 } },
  );
  await adapter.start();
  return { fake, adapter, stop: async () => { await adapter.stop(); await fake.close(); } };
}
