import { Client, Events, GatewayIntentBits, MessageFlags, RESTEvents, Status, type RESTOptions } from 'discord.js';
import { StartupError } from '../../core/errors.js';
import { retryWithBackoff, type BackoffOptions } from '../../core/flow/backoff.js';
import { BUSY_TEXT, InflightGate, LOOP_LAG_LIMIT_MS } from '../../core/flow/inflight-gate.js';
import { loopLagOver } from '../../core/flow/loop-lag.js';
import type { Reply } from '../../core/reply.js';
import type { AdapterDeps, PlatformAdapter } from '../platform.js';
import { ActionMemory, encodeAction } from './action-ids.js';
import { createDiscordDeliverer, NO_MENTIONS } from './deliverer.js';
import { guardGateway } from './gateway-guard.js';
import { createInteractionHandler, rawChannelIds } from './interactions.js';
import { createPausedNotices } from './paused-notice.js';
import { renderReply } from './render.js';

export { buildCommandsPayload, ROOT_COMMAND } from './commands-payload.js';
export { registerCommands } from './registration.js';
export { renderReply } from './render.js';

export interface DiscordAdapterOptions {
  token: string;
  applicationId: string;
  /** REST base for tests and compatible gateways (discord.js appends /v10). */
  apiUrl?: string | null;
  /** Extra @discordjs/rest options, e.g. a shorter timeout in tests. */
  restOptions?: Partial<RESTOptions>;
  /** How many button actions too long for a custom_id are remembered. */
  rememberedActions?: number;
  /** Interactions worked on at once; past it the reply says "busy" (default 64). */
  commandsInFlight?: number;
  /** Waits between login attempts while Discord is unreachable (tests shorten it). */
  startBackoff?: BackoffOptions;
}

export interface DiscordAdapter extends PlatformAdapter {
  readonly client: Client;
}

export function createDiscordAdapter(deps: AdapterDeps, options: DiscordAdapterOptions): DiscordAdapter {
  const { log } = deps;
  const client = new Client({
    // Slash commands, buttons and autocomplete need no privileged intent; Guilds keeps the cache sane.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), ...options.restOptions },
  });
  client.rest.setToken(options.token);
  const memory = new ActionMemory(options.rememberedActions);
  const render = (reply: Reply) => renderReply(reply, (action, used) => encodeAction(action, memory, used));
  const deliverer = createDiscordDeliverer(client.rest, render);
  const rawChannels = rawChannelIds();
  const handle = createInteractionHandler({
    ...deps, memory, render, post: (target, reply) => deliverer.send(target, reply), noticeFor: createPausedNotices(deps.context.store),
    channelIdOf: (id) => rawChannels.take(id),
  });

  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
  client.rest.on(RESTEvents.RateLimited, (info) => log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'discord rate limited'));
  // Emitted before discord.js builds the interaction from the same packet.
  client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => rawChannels.note(packet));
  guardGateway(client, log);
  const gate = new InflightGate(options.commandsInFlight ?? 64, loopLagOver(LOOP_LAG_LIMIT_MS));
  client.on(Events.InteractionCreate, (interaction) => {
    const release = gate.tryEnter();
    if (release) return void handle(interaction).finally(release);
    log.warn({ inFlight: gate.inFlight }, 'discord busy: answered without running');
    const busy = interaction.isAutocomplete()
      ? interaction.respond([])
      : interaction.isRepliable() ? interaction.reply({ content: BUSY_TEXT, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }) : Promise.resolve();
    void busy.catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not tell a discord user the bot is busy'));
  });

  return {
    platform: 'discord',
    client,
    deliverer,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      // A refused token stops the start with one clear line; an outage is waited out.
      await retryWithBackoff('discord login', () => client.login(options.token), refusedDiscordToken, log, options.startBackoff);
      await ready;
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord connected');
    },
    async stop() {
      await client.destroy();
    },
    isConnected() {
      return client.ws.status === Status.Ready;
    },
  };
}

function refusedDiscordToken(err: unknown): StartupError | undefined {
  if ((err as { code?: unknown })?.code !== 'TokenInvalid') return undefined;
  return new StartupError('Discord refused DISCORD_TOKEN (invalid token): check the bot token in DISCORD_TOKEN, then start again.');
}
