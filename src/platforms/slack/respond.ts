import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../core/log.js';
import type { Reply } from '../../core/reply.js';
import { errorSummary } from './admin.js';
import { renderMessages, type RenderOptions } from './render.js';

/**
 * Answers through the response_url: ephemeral replies only to the person who asked, channel
 * replies to everyone. Never replaces the message a button was on. A failure is logged, not thrown:
 * there is no one left to tell.
 */
export async function respondWith(respond: RespondFn, reply: Reply, log: Logger, options: RenderOptions = {}): Promise<boolean> {
  try {
    // Several messages only for a reply with more papers than one holds; response_url takes five.
    for (const message of renderMessages(reply, options)) {
      await respond({
        response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral',
        replace_original: false,
        text: message.text,
        blocks: message.blocks,
      });
    }
    return true;
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'slack response_url post failed');
    return false;
  }
}
