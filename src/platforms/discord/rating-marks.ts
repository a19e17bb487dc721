import { ButtonStyle, ComponentType } from 'discord.js';
import { ratingOf } from '../../core/learning/actions.js';
import type { Reply } from '../../core/reply.js';
import { decodeAction, type ActionMemory } from './action-ids.js';

type Row = { type: number; components?: ({ type: number; custom_id?: string; style?: number } & Record<string, unknown>)[] } & Record<string, unknown>;

/**
 * The rows of the message a 👍 / 👎 was pressed on, with the rating shown: that paper's chosen
 * button green (👍) or red (👎), its other one grey. Other buttons are left as they were.
 */
export function markRating(rows: Row[], rated: NonNullable<Reply['rated']>, memory: ActionMemory): Row[] {
  return rows.map((row) => ({
    ...row,
    components: (row.components ?? []).map((c) => {
      if (c.type !== ComponentType.Button || typeof c.custom_id !== 'string') return c;
      const decoded = decodeAction(c.custom_id, memory);
      const rating = decoded.ok ? ratingOf(decoded.action) : undefined;
      if (!rating || rating.paper !== rated.paperId || rating.follow !== rated.followId) return c;
      const chosen = rating.rating === rated.rating;
      return { ...c, style: chosen ? (rated.rating > 0 ? ButtonStyle.Success : ButtonStyle.Danger) : ButtonStyle.Secondary };
    }),
  }));
}
