import { UserError } from './errors.js';
import { parseQuery } from './search/query.js';
import { topicKey } from './store/port.js';

/** The longest topic: the same as the longest search, so any search can be followed. */
export const MAX_TOPIC_LENGTH = 300;

/** Trims a topic and collapses its spaces; throws UserError when empty or too long. */
export function cleanTopic(topic: string): string {
  const clean = topic.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (clean.length === 0) throw new UserError('Please give a topic, as you would search for it.', 'Example: diffusion models');
  if (clean.length > MAX_TOPIC_LENGTH) {
    throw new UserError(`That topic is ${clean.length} characters long; please keep it to ${MAX_TOPIC_LENGTH}.`, 'A few keywords work best, e.g. graph neural networks');
  }
  return clean;
}

/** What to say when the list a command picks from is empty, whatever the command (remove, pause, unfollow). */
const EMPTY: Record<string, [string, string]> = {
  digest: ['This channel has no digests yet.', 'A channel admin can add one: /papers digest add <topic> daily 09:00'],
  follow: ['You follow no topics yet.', 'Follow one with /papers follow <topic>'],
};

/** Whether the text is accepted as a topic (cleanTopic would not refuse it). */
export function isTopicLength(topic: string): boolean {
  const clean = topic.normalize('NFKC').trim().replace(/\s+/g, ' ');
  return clean.length > 0 && clean.length <= MAX_TOPIC_LENGTH;
}

/**
 * A topic to follow or to digest: cleanTopic, and it must have a word search can look for. Refused
 * in the same words search uses for the same text; a topic with such words but no matching papers
 * yet is fine (papers keep coming).
 */
export function searchableTopic(topic: string, example: string): string {
  const clean = cleanTopic(topic);
  try {
    parseQuery(clean);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.message, `Example: ${example}`);
    throw err;
  }
  return clean;
}

/**
 * Picks one item of a list as shown to the user: by its 1-based number, or by its topic
 * (ignoring case). `noun` names the list in messages ("follow", "digest").
 */
const unquoted = (text: string): string => text.trim().replace(/^["“”]+|["“”]+$/g, '').trim();

export function pickByNumberOrTopic<T extends { topic: string }>(items: T[], numberOrTopic: string, noun: string, listCommand: string): T {
  const text = numberOrTopic.trim().replace(/^#/, '');
  if (items.length === 0) throw new UserError(EMPTY[noun]?.[0] ?? `There are no ${noun}s here yet.`, EMPTY[noun]?.[1] ?? `See ${listCommand}.`);
  if (/^\d+$/.test(text)) {
    const item = items[Number(text) - 1];
    if (!item) throw new UserError(`There is no ${noun} number ${text}: the list has ${items.length}.`, `See the numbers with ${listCommand}.`);
    return item;
  }
  const key = topicKey(text);
  let matches = items.filter((i) => topicKey(i.topic) === key);
  // Quotes make a phrase follow, but `unfollow "x"` means the follow of x when no topic is spelt so (and the other way round).
  if (matches.length === 0) matches = items.filter((i) => topicKey(unquoted(i.topic)) === topicKey(unquoted(text)));
  if (matches.length === 0) throw new UserError(`No ${noun} on “${text}” was found.`, `Give its number or its exact topic from ${listCommand}.`);
  if (matches.length > 1) throw new UserError(`There are ${matches.length} ${noun}s on “${text}”; please give the number instead.`, `See the numbers with ${listCommand}.`);
  return matches[0]!;
}
