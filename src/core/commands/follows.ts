import { effectivePrefs } from '../follows.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';
import { countRatings } from '../learning/feedback.js';
import { isQuiet } from '../learning/rerank.js';
import { topicKey } from '../store/port.js';

export const follows: CommandDef = {
  path: ['follows'],
  description: 'List the topics you follow',
  usage: '/papers follows',
  example: '/papers follows',
  options: [],
  handle(request, { store, config }): Reply {
    const list = store.listFollows(personOf(request));
    if (list.length === 0) return { visibility: 'ephemeral', text: 'You follow no topics yet. Try /papers follow graph neural networks' };
    const prefs = effectivePrefs(store, config, personOf(request));
    const time = `${prefs.time} ${prefs.timeZone}`;
    const rated = store.followRatings(personOf(request));
    const line = (topic: string, i: number) => {
      const feedback = rated.get(topicKey(topic));
      if (!feedback) return `${i + 1}. ${topic}`;
      const { up, down } = countRatings(feedback);
      return `${i + 1}. ${topic} (${up} 👍, ${down} 👎${isQuiet(feedback) ? ': sends nothing' : ''})`;
    };
    const notices = [prefs.paused ? 'Your digest is paused.' : `Your digest comes daily at ${time}.`];
    if (rated.size > 0) notices.push('Your 👍 / 👎 teach each follow what to send; /papers reset <number> forgets them.');
    return {
      visibility: 'ephemeral',
      title: `You follow ${list.length} of at most ${config.follows.maxPerUser} topics`,
      text: list.map((f, i) => line(f.topic, i)).join('\n'),
      notices,
    };
  },
};
