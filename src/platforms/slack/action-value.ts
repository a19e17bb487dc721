import type { Action } from '../../core/reply.js';

/** What a button carries in its `value`: enough to re-run the command as whoever presses it. */
export type ActionValue = Pick<Action, 'command' | 'args' | 'visibility'>;

/** Slack's limit on a button value. */
export const MAX_ACTION_VALUE = 2000;

/** Every button this bot renders has an action_id with this prefix (and a unique suffix). */
export const ACTION_ID_PREFIX = 'papers:';
export const ACTION_ID_PATTERN = /^papers:/;

/**
 * A 👍 / 👎 in a few characters ("rate|up|<follow id>|<paper id>"): a digest carries two under
 * every paper, and Slack refuses a message whose blocks pass about 13k characters.
 */
const RATING_VALUE = /^rate\|(up|down)\|(\d{1,15})\|([^|]{1,100})$/;

/** JSON of the action, or undefined if it would not fit in a button value. */
export function encodeActionValue(action: ActionValue): string | undefined {
  const { paper, rating, follow } = action.args;
  if (action.command === 'rate' && !action.visibility && typeof follow === 'number' && typeof paper === 'string' && Object.keys(action.args).length === 3) {
    const compact = `rate|${rating}|${follow}|${paper}`;
    if (RATING_VALUE.test(compact)) return compact;
  }
  const value = JSON.stringify({ command: action.command, args: action.args, ...(action.visibility ? { visibility: action.visibility } : {}) });
  return value.length <= MAX_ACTION_VALUE ? value : undefined;
}

/** Parses and checks a button value; undefined for anything this bot did not produce. */
export function decodeActionValue(value: string | undefined): ActionValue | undefined {
  if (!value) return undefined;
  const rating = RATING_VALUE.exec(value);
  if (rating) return { command: 'rate', args: { paper: rating[3]!, rating: rating[1]!, follow: Number(rating[2]) } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { command, args, visibility } = parsed as Record<string, unknown>;
  if (typeof command !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  if (visibility !== undefined && visibility !== 'channel') return undefined;
  const cleanArgs: Record<string, string | number> = {};
  for (const [key, arg] of Object.entries(args)) {
    if (typeof arg !== 'string' && typeof arg !== 'number') return undefined;
    cleanArgs[key] = arg;
  }
  return { command, args: cleanArgs, ...(visibility ? { visibility } : {}) };
}
