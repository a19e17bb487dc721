import { Client, Events, GatewayIntentBits, RESTEvents, Status, type RESTOptions } from 'discord.js';
import type { Reply } from '../../core/reply.js';
import type { AdapterDeps, PlatformAdapter } from '../platform.js';
import { ActionMemory, encodeAction } from './action-ids.js';
import { createDiscordDeliverer, NO_MENTIONS } from './deliverer.js';
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
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));

  return {
    platform: 'discord',
    client,
    deliverer,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(options.token);
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
