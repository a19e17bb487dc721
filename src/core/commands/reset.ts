import { personOf } from '../identity.js';
import type { Reply } from '../reply.js';
import { MAX_TOPIC_LENGTH, pickByNumberOrTopic } from '../topics.js';
import type { CommandDef } from './definition.js';

/** Forgets one follow's 👍 / 👎: it delivers as an unrated follow again. */
export const reset: CommandDef = {
  path: ['reset'],
  description: 'Reset what a follow learnt: forget your 👍 / 👎 on it',
  usage: '/papers reset <number|topic>',
  example: '/papers reset 2',
  options: [{ name: 'topic', rest: true, description: 'The number from /papers follows, or the topic', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH, autocomplete: 'follows' }],
  handle(request, { store }): Reply {
    const person = personOf(request);
    const follow = pickByNumberOrTopic(store.listFollows(person), String(request.args.topic), 'follow', '/papers follows');
    const n = store.clearRatings(person, follow.topic);
    return {
      visibility: 'ephemeral',
      text: n === 0 ? `“${follow.topic}” has no ratings: it already delivers as an unrated follow.` : `Forgot your ${n === 1 ? 'rating' : `${n} ratings`} on “${follow.topic}”: it delivers as an unrated follow again.`,
    };
  },
};
