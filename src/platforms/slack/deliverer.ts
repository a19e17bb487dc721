import type { webApi } from '@slack/bolt';
import type { Deliverer, SendOptions } from '../../core/deliverer.js';
import type { Reply } from '../../core/reply.js';
import type { Target } from '../../core/types.js';
import { toDeliveryError } from './delivery-errors.js';
import { renderMessages } from './render.js';

/**
 * Digests as Block Kit messages: to a channel directly, to a user through their DM with the bot.
 * 429s are waited out by the client's bounded retryConfig; what is left becomes a DeliveryError.
 */
export function createSlackDeliverer(client: webApi.WebClient): Deliverer {
  return {
    platform: 'slack',
    async send(target: Target, reply: Reply, options: SendOptions = {}) {
      const channel = target.kind === 'channel' ? target.id : await openDm(client, target.id);
      // A reply too big for one message goes as several (never a paper left out); the first one's id stands for the lot.
      const messages = renderMessages(reply);
      const ids: string[] = [];
      for (const [part, message] of messages.entries()) {
        // Slack has no idempotency key for posts; the run's key (and which part this is) rides along as message metadata.
        const key = options.idempotencyKey;
        const eventPayload: Record<string, string | number> = { idempotency_key: key ?? '' };
        if (messages.length > 1) Object.assign(eventPayload, { part, parts: messages.length });
        const metadata = key ? { metadata: { event_type: 'paperboy_digest', event_payload: eventPayload } } : {};
        try {
          const result = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false, ...metadata });
          ids.push(`${result.channel ?? channel}:${result.ts ?? ''}`);
        } catch (err) {
          throw toDeliveryError(err, 'chat.postMessage');
        }
      }
      return { messageId: ids[0]! };
    },
  };
}

async function openDm(client: webApi.WebClient, user: string): Promise<string> {
  try {
    const result = await client.conversations.open({ users: user });
    const id = result.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    return id;
  } catch (err) {
    throw toDeliveryError(err, 'conversations.open');
  }
}
