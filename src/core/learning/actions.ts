import type { Action } from '../reply.js';
import type { Rating } from './feedback.js';

/**
 * The 👍 / 👎 buttons under a paper a follow delivered. They carry the follow's id (short, so a
 * Discord custom_id holds it inline and it outlives a restart) and run /papers rate as the presser.
 */
export function ratingActions(followId: number, paperId: string): Action[] {
  return [
    { kind: 'rate-up', label: '👍', command: 'rate', args: { paper: paperId, rating: 'up', follow: followId } },
    { kind: 'rate-down', label: '👎', command: 'rate', args: { paper: paperId, rating: 'down', follow: followId } },
  ];
}

/** Whether an action is one of the rating buttons, and which rating it gives. */
export function ratingOf(action: Pick<Action, 'command' | 'args'>): { paper: string; follow: number; rating: Rating } | undefined {
  if (action.command !== 'rate') return undefined;
  const { paper, follow, rating } = action.args;
  if (typeof paper !== 'string' || typeof follow !== 'number' || (rating !== 'up' && rating !== 'down')) return undefined;
  return { paper, follow, rating: rating === 'up' ? 1 : -1 };
}
