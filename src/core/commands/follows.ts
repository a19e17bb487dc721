import { effectivePrefs } from '../follows.js';
import { followLabel } from '../follows/by-example.js';
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
  handle(request, { store, config, index }): Reply {
    const list = store.listFollows(personOf(request));
    if (list.length === 0) return { visibility: 'ephemeral', text: 'You follow no topics yet. Try /papers follow graph neural networks' };
    const prefs = effectivePrefs(store, config, personOf(request));
    const time = `${prefs.time} ${prefs.timeZone}`;
    const rated = store.followRatings(personOf(request));
    const line = (f: (typeof list)[number], i: number) => {
      const feedback = rated.get(topicKey(f.topic));
      const label = `${i + 1}. ${followLabel(index, f)}`;
      if (!feedback) return label;
      const { up, down } = countRatings(feedback);
      return `${label} (${up} 👍, ${down} 👎${isQuiet(feedback) ? ': sends nothing' : ''})`;
    };
    const notices = [prefs.paused ? 'Your digest is paused.' : `Your digest comes daily at ${time}.`];
    if (rated.size > 0) notices.push('Your 👍 / 👎 teach each follow what to send; /papers reset <number> forgets them.');
    return {
      visibility: 'ephemeral',
      title: `You follow ${list.length} of at most ${config.follows.maxPerUser} topics`,
      text: list.map((f, i) => line(f, i)).join('\n'),
      notices,
    };
  },
};
