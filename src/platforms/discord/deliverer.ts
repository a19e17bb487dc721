import { createHash } from 'node:crypto';
import { Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Deliverer, SendOptions } from '../../core/deliverer.js';
import type { Reply } from '../../core/reply.js';
import type { Target } from '../../core/types.js';
import { toDeliveryError } from './delivery-errors.js';
import type { RenderedMessage } from './render.js';

/** Nobody is pinged by anything the bot posts, whatever the text echoes. */
export const NO_MENTIONS = { parse: [] as [] };
/** Discord's longest nonce. */
const NONCE_MAX = 25;
const DM_CHANNELS_MAX = 10_000;

/**
 * The nonce for one part of a send: the key itself when it already fits Discord's nonce (at most
 * 25 characters), else a hash; the same key and part always give the same nonce, so a retried
 * post is deduplicated by Discord.
 */
export function nonceFor(idempotencyKey: string, part = 0): string {
  if (part === 0 && /^[0-9a-z]{1,25}$/i.test(idempotencyKey)) return idempotencyKey;
  return createHash('sha256').update(`${idempotencyKey}#${part}`).digest('base64url').slice(0, NONCE_MAX);
}

/** Sends digests: a channel message, or a message in the user's DM channel. */
export function createDiscordDeliverer(rest: REST, render: (reply: Reply) => RenderedMessage[]): Deliverer {
  const dmChannels = new Map<string, string>();

  async function dmChannelOf(userId: string, signal?: AbortSignal): Promise<string> {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId }, signal })) as { id: string };
    if (dmChannels.size >= DM_CHANNELS_MAX) dmChannels.delete(dmChannels.keys().next().value!);
    dmChannels.set(userId, channel.id);
    return channel.id;
  }

  return {
    platform: 'discord',
    async send(target: Target, reply: Reply, options?: SendOptions) {
      const idempotencyKey = options?.idempotencyKey;
      const signal = options?.signal;
      try {
        const channelId = target.kind === 'user' ? await dmChannelOf(target.id, signal) : target.id;
        // A reply too big for one message goes as several; the first one's id stands for the lot.
        const ids: string[] = [];
        for (const [part, rendered] of render(reply).entries()) {
          const body: RESTPostAPIChannelMessageJSONBody = { ...rendered, allowed_mentions: NO_MENTIONS };
          if (idempotencyKey) Object.assign(body, { nonce: nonceFor(idempotencyKey, part), enforce_nonce: true });
          ids.push(((await rest.post(Routes.channelMessages(channelId), { body, signal })) as { id: string }).id);
        }
        return { messageId: ids[0]! };
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
  };
}
