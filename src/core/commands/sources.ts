import type { Reply } from '../reply.js';
import { describeSource, sourceStatuses } from '../sources/status.js';
import type { CommandDef } from './definition.js';

/** Anyone may read where papers come from and whether fetching works. */
export const sources: CommandDef = {
  path: ['sources'],
  description: 'Where papers come from: each live source and when it last fetched',
  usage: '/papers sources',
  example: '/papers sources',
  options: [],
  handle(_request, { store, config, index, now }): Reply {
    const statuses = sourceStatuses(config.sources.enabled, store.sourceStates(), now(), config.sources.failingAlertMinutes);
    const lines = statuses.flatMap(describeSource);
    return {
      visibility: 'ephemeral',
      title: 'Paper sources',
      text: [
        `${index.size} papers: the corpus folder plus what live sources fetched.`,
        ...(statuses.length ? lines : ['Live fetching is off: papers come from the corpus folder only.']),
      ].join('\n'),
    };
  },
};
