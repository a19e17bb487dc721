import { effectivePrefs } from '../follows.js';
import { followLabel } from '../follows/by-example.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';

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
    return {
      visibility: 'ephemeral',
      title: `You follow ${list.length} of at most ${config.follows.maxPerUser} topics`,
      text: list.map((f, i) => `${i + 1}. ${followLabel(index, f)}`).join('\n'),
      notices: [prefs.paused ? 'Your digest is paused.' : `Your digest comes daily at ${time}.`],
    };
  },
};
