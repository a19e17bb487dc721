import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/log.js';
import type { Pacer } from './pacer.js';

/** The metadata event type every digest carries; its payload holds the run's idempotency key. */
export const DIGEST_EVENT_TYPE = 'paperboy_digest';
/** The history scopes the look-up needs (see slack/manifest.yml). */
export const HISTORY_SCOPES = ['channels:history', 'groups:history', 'im:history', 'mpim:history'] as const;
/** Slack's clock and ours may differ: look this much further back than the attempt began. */
export const CLOCK_SKEW_MS = 120_000;
const PAGE = 200;
const MAX_PAGES = 10;
const RATE_LIMIT_RETRIES = 3;

/** What a look-up found: the message, nothing, or that this install cannot read history. */
export type Lookup = { found: string } | 'absent' | 'unavailable';

export interface SentLookup {
  /**
   * Looks for a message in `channel`, posted at or after `since`, whose metadata carries `key`.
   * Throws when Slack could not be asked (network, 5xx, lasting rate limit): the caller cannot tell.
   */
  find(workspace: string, channel: string, key: string, since: Date): Promise<Lookup>;
}

type HistoryMessage = { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };

/**
 * "Was it sent?" for Slack, which has no idempotency key for chat.postMessage: each digest's key
 * rides in its message metadata, and conversations.history (include_all_metadata) finds it
 * again. Look-ups are paced per workspace (conversations.history is rate-limited per workspace).
 * Without the history scopes it answers 'unavailable' and warns once.
 */
export function createSentLookup(client: webApi.WebClient, pacer: Pacer, log: Logger): SentLookup {
  let warned = false;
  const unavailable = (code: string): Lookup => {
    if (!warned) {
      warned = true;
      log.warn({ code, needed: HISTORY_SCOPES.join(',') },
        `Slack: cannot read channel history (${code}), so a digest interrupted by a crash or a timeout may be posted twice. Reinstall the app from slack/manifest.yml to grant ${HISTORY_SCOPES.join(', ')}.`);
    }
    return 'unavailable';
  };

  async function page(workspace: string, channel: string, oldest: string, cursor: string | undefined): Promise<webApi.ConversationsHistoryResponse> {
    for (let limited = 0; ; limited++) {
      try {
        return await pacer.run(workspace, () =>
          client.conversations.history({ channel, oldest, inclusive: true, include_all_metadata: true, limit: PAGE, ...(cursor ? { cursor } : {}) }));
      } catch (err) {
        const retryAfter = (err as { code?: string; retryAfter?: number }).code === 'slack_webapi_rate_limited_error' ? (err as { retryAfter: number }).retryAfter : undefined;
        if (retryAfter === undefined || limited >= RATE_LIMIT_RETRIES) throw err;
        pacer.backOff(workspace, retryAfter * 1000);
      }
    }
  }

  return {
    async find(workspace, channel, key, since) {
      const oldest = (Math.max(0, since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
      let cursor: string | undefined;
      for (let n = 0; n < MAX_PAGES; n++) {
        let result: webApi.ConversationsHistoryResponse;
        try {
          result = await page(workspace, channel, oldest, cursor);
        } catch (err) {
          const code = (err as { data?: { error?: unknown } }).data?.error;
          if (code === 'missing_scope' || code === 'not_allowed_token_type') return unavailable(code);
          // The bot is not in the channel (or it is gone): nothing of ours can be there.
          if (code === 'not_in_channel' || code === 'channel_not_found') return 'absent';
          throw err;
        }
        const hit = (result.messages as HistoryMessage[] | undefined)?.find(
          (m) => m.metadata?.event_type === DIGEST_EVENT_TYPE && m.metadata.event_payload?.idempotency_key === key);
        if (hit) return { found: `${channel}:${hit.ts ?? ''}` };
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!result.has_more || !cursor) return 'absent';
      }
      throw new Error(`more than ${MAX_PAGES * PAGE} messages in ${channel} since ${oldest}: cannot tell whether the digest was posted`);
    },
  };
}
