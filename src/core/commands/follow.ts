import { effectivePrefs, followTopic } from '../follows.js';
import type { Reply } from '../reply.js';
import { MAX_TOPIC_LENGTH, searchableTopic } from '../topics.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';

export const follow: CommandDef = {
  path: ['follow'],
  description: 'Follow a topic: new matching papers come to you as a direct message',
  usage: '/papers follow <topic>',
  example: '/papers follow diffusion models',
  options: [{ name: 'topic', rest: true, description: 'A topic, as you would search for it', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH }],
  handle(request, { store, config, now, schedulesChanged }): Reply {
    const topic = searchableTopic(String(request.args.topic), follow.example);
    const { follow: followed, created } = followTopic(store, config, personOf(request), topic, now());
    if (created) schedulesChanged();
    const prefs = effectivePrefs(store, config, personOf(request));
    const time = `${prefs.time} ${prefs.timeZone}`;
    return {
      visibility: 'ephemeral',
      text: created
        ? `Following “${followed.topic}”. New papers on it will come to you as a direct message at ${time}. (/papers settings time changes when.)`
        : `You already follow “${followed.topic}”.`,
    };
  },
};
