import { MAX_TOPIC_LENGTH } from '../topics.js';
import { unfollow as unfollowTopic } from '../follows.js';
import { followLabel } from '../follows/by-example.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';

export const unfollow: CommandDef = {
  path: ['unfollow'],
  description: 'Stop following a topic, by its number in /papers follows or by its text',
  usage: '/papers unfollow <number|topic>',
  example: '/papers unfollow 2',
  options: [{ name: 'topic', rest: true, description: 'The number from /papers follows, or the topic', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH, autocomplete: 'follows' }],
  handle(request, { store, index, schedulesChanged }): Reply {
    const person = personOf(request);
    const removed = unfollowTopic(store, person, String(request.args.topic));
    schedulesChanged({ user: person });
    return { visibility: 'ephemeral', text: removed.examples ? `Unfollowed ${followLabel(index, removed)}.` : `Unfollowed “${removed.topic}”.` };
  },
};
