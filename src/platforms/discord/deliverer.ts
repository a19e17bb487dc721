import { createHash } from 'node:crypto';
import { Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Deliverer } from '../../core/deliverer.js';
import type { Reply } from '../../core/reply.js';
import type { Target } from '../../core/types.js';
import { toDeliveryError } from './delivery-errors.js';
import type { RenderedMessage } from './render.js';

/** Nobody is pinged by anything the bot posts, whatever the text echoes. */
export const NO_MENTIONS = { parse: [] as [] };
/** Discord's longest nonce. */
const NONCE_MAX = 25;
const DM_CHANNELS_MAX = 10_000;

/** The same key always gives the same nonce, so a retried post is deduplicated by Discord. */
export function nonceFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, NONCE_MAX);
}

export interface DiscordDeliverer extends Deliverer {
  /** With an idempotency key, a retried post within a few minutes is not posted twice. */
  send(target: Target, reply: Reply, idempotencyKey?: string): Promise<{ messageId: string }>;
}

/** Sends digests: a channel message, or a message in the user's DM channel. */
export function createDiscordDeliverer(rest: REST, render: (reply: Reply) => RenderedMessage): DiscordDeliverer {
  const dmChannels = new Map<string, string>();

  async function dmChannelOf(userId: string): Promise<string> {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    if (dmChannels.size >= DM_CHANNELS_MAX) dmChannels.delete(dmChannels.keys().next().value!);
    dmChannels.set(userId, channel.id);
    return channel.id;
  }

  return {
    platform: 'discord',
    async send(target: Target, reply: Reply, idempotencyKey?: string) {
      try {
        const channelId = target.kind === 'user' ? await dmChannelOf(target.id) : target.id;
        const body: RESTPostAPIChannelMessageJSONBody = { ...render(reply), allowed_mentions: NO_MENTIONS };
        if (idempotencyKey) Object.assign(body, { nonce: nonceFor(idempotencyKey), enforce_nonce: true });
        const message = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
        return { messageId: message.id };
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
  };
}
