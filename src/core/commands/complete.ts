import { truncate } from '../reply.js';
import type { UserKey } from '../types.js';
import type { Store } from '../store/port.js';

/**
 * Autocomplete for "unfollow": the user's follows whose text contains what they typed so far.
 * A topic too long for a 100-character choice value is offered by its number instead.
 */
/** Discord's longest choice name and value. */
const CHOICE_MAX = 100;

export function completeFollows(store: Store, user: UserKey, typed: string, limit = 25): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase();
  return store
    .listFollows(user)
    .map((f, i) => ({ name: truncate(`${i + 1}. ${f.topic}`, CHOICE_MAX), value: f.topic.length <= CHOICE_MAX ? f.topic : String(i + 1) }))
    .filter((c) => !needle || c.name.toLowerCase().includes(needle))
    .slice(0, limit);
}
