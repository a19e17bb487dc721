import type { Reply } from '../../core/reply.js';
import { ratingOf } from '../../core/learning/actions.js';
import { decodeActionValue } from './action-value.js';

type Block = { type?: string; elements?: unknown[] } & Record<string, unknown>;
type Button = { type?: string; value?: string; style?: string } & Record<string, unknown>;

/**
 * The message a 👍 / 👎 was pressed on, with the rating shown: the chosen button of that paper
 * (and follow) styled, the other plain. Everything else in the blocks is left as Slack sent it.
 */
export function markRating(blocks: Block[], rated: NonNullable<Reply['rated']>): Block[] {
  return blocks.map((block) => {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) return block;
    let changed = false;
    const elements = (block.elements as Button[]).map((el) => {
      const action = el.type === 'button' ? decodeActionValue(el.value) : undefined;
      const rating = action && ratingOf(action);
      if (!rating || rating.paper !== rated.paperId || rating.follow !== rated.followId) return el;
      changed = true;
      const { style: _old, ...rest } = el;
      return rating.rating === rated.rating ? { ...rest, style: rated.rating > 0 ? 'primary' : 'danger' } : rest;
    });
    return changed ? { ...block, elements } : block;
  });
}
