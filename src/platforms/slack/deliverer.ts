import type { webApi } from '@slack/bolt';
import { partKey, type Deliverer, type SendOptions } from '../../core/deliverer.js';
import { DeliveryError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Reply } from '../../core/reply.js';
import type { Target } from '../../core/types.js';
import { toDeliveryError } from './delivery-errors.js';
import { renderMessages, type SlackMessage } from './render.js';
import { DIGEST_EVENT_TYPE, type SentLookup } from './sent-lookup.js';

export interface SlackDelivererDeps {
  /** For conversations.open (safe to retry): the app's client. */
  client: webApi.WebClient;
  /** For chat.postMessage: its own retries off and 429s rejected, so no post is ever repeated blind. */
  postClient: webApi.WebClient;
  lookup: SentLookup;
  log: Logger;
  /** 429s on a post are waited out (Slack refused it, so re-posting is safe) at most this often. */
  rateLimitRetries: number;
}

/** Longest Retry-After waited out inside one send; a longer one becomes a transient failure. */
const MAX_RATE_LIMIT_WAIT_S = 30;
/** Keys whose last post ended without an answer, remembered so the next attempt checks first. */
const MAX_UNSURE = 10_000;
/** Slack codes after which the post may have landed anyway. */
const AMBIGUOUS_CODES = new Set(['internal_error', 'fatal_error', 'request_timeout', 'service_unavailable']);

/**
 * Digests as Block Kit messages: to a channel directly, to a user through their DM with the bot.
 * Slack has no idempotency key for posts, so a post is never retried blind: each carries its key
 * in metadata, and after an ambiguous outcome (a timeout, a 5xx) or a crash, conversations.history
 * is asked whether it landed before anything is posted again.
 */
export function createSlackDeliverer(deps: SlackDelivererDeps): Deliverer {
  const { client, postClient, lookup, log } = deps;
  const unsure = new Map<string, Date>();
  const remember = (key: string, since: Date) => {
    if (unsure.has(key)) return;
    if (unsure.size >= MAX_UNSURE) unsure.delete(unsure.keys().next().value!);
    unsure.set(key, since);
  };

  /** The message id if the part is there; undefined if not, or if history cannot be read (then posting is today's best). */
  async function alreadyPosted(target: Target, channel: string, key: string, since: Date): Promise<string | undefined> {
    let result;
    try {
      result = await lookup.find(target.workspace, channel, key, since);
    } catch (err) {
      throw new DeliveryError(`Slack: could not check whether an earlier attempt was posted (${toDeliveryError(err, 'conversations.history').message}); not posting again yet`, 'transient', 'lookup_failed');
    }
    return typeof result === 'object' ? result.found : undefined;
  }

  async function postPart(target: Target, channel: string, message: SlackMessage, key: string | undefined, unsureSince: Date | undefined): Promise<string> {
    const since = key ? (unsure.get(key) ?? unsureSince) : undefined;
    if (key && since) {
      const found = await alreadyPosted(target, channel, key, since);
      unsure.delete(key);
      if (found) {
        log.info({ channel, key }, 'Slack: an earlier attempt had been posted; not posting again');
        return found;
      }
    }
    const metadata = key ? { metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { idempotency_key: key } } } : {};
    for (let limited = 0; ; limited++) {
      const started = new Date();
      try {
        const result = await postClient.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false, ...metadata });
        return `${result.channel ?? channel}:${result.ts ?? ''}`;
      } catch (err) {
        const retryAfter = rateLimitedFor(err);
        if (retryAfter !== undefined && limited < deps.rateLimitRetries && retryAfter <= MAX_RATE_LIMIT_WAIT_S) {
          await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
          continue;
        }
        if (!key || !isAmbiguous(err)) throw toDeliveryError(err, 'chat.postMessage');
        // Slack may have it: look now, and if it is not there yet, look again before the next attempt.
        remember(key, started);
        const found = await alreadyPosted(target, channel, key, started).catch(() => undefined);
        if (found) {
          unsure.delete(key);
          log.info({ channel, key }, 'Slack: a post that timed out had landed; not posting again');
          return found;
        }
        throw toDeliveryError(err, 'chat.postMessage');
      }
    }
  }

  return {
    platform: 'slack',
    checksBeforeSend: true,
    async send(target: Target, reply: Reply, options: SendOptions = {}) {
      const channel = await channelOf(client, target);
      // A reply too big for one message goes as several (never a paper left out), one key per part.
      const parts = renderMessages(reply);
      const ids: string[] = [];
      for (const [i, message] of parts.entries()) {
        const key = options.idempotencyKey === undefined ? undefined : partKey(options.idempotencyKey, i);
        ids.push(await postPart(target, channel, message, key, options.unsureSince));
      }
      return { messageId: ids[0]! };
    },
    async wasSent(target, idempotencyKey, options = {}) {
      const channel = await channelOf(client, target).catch(() => undefined);
      if (!channel) return undefined;
      const found = await lookup.find(target.workspace, channel, idempotencyKey, options.since ?? new Date(0));
      return typeof found === 'object' ? { messageId: found.found } : undefined;
    },
  };
}

async function channelOf(client: webApi.WebClient, target: Target): Promise<string> {
  if (target.kind === 'channel') return target.id;
  try {
    const result = await client.conversations.open({ users: target.id });
    const id = result.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    return id;
  } catch (err) {
    throw toDeliveryError(err, 'conversations.open');
  }
}

function rateLimitedFor(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: unknown };
  return e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
}

/** No answer, a 5xx, or a Slack error saying the work may have happened: the post may be there. */
function isAmbiguous(err: unknown): boolean {
  const e = err as { code?: string; data?: { error?: unknown } };
  if (e?.code === 'slack_webapi_request_error' || e?.code === 'slack_webapi_http_error') return true;
  return e?.code === 'slack_webapi_platform_error' && AMBIGUOUS_CODES.has(String(e.data?.error));
}
