import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { paperItem } from './paper-items.js';
import { requirePaper } from './show.js';

export const similar: CommandDef = {
  path: ['similar'],
  description: 'Papers most like a given one',
  usage: '/papers similar <id>',
  example: '/papers similar p-1a2b3c4d',
  options: [{ name: 'id', description: 'The paper id shown under a search result', type: 'string', required: true, maxLength: 64 }],
  handle({ args }, { index, config, store }): Reply {
    const paper = requirePaper(index, String(args.id), store);
    const hits = index.similar(paper.id, config.search.pageSize);
    if (hits.length === 0) return { visibility: 'ephemeral', text: `I found nothing close to “${paper.title}”.` };
    return {
      visibility: 'ephemeral',
      title: `More like “${paper.title}”`,
      papers: hits.map((hit) => paperItem(hit.paper)),
      actions: [{ kind: 'share', label: 'Share to channel', command: 'similar', args: { id: paper.id }, visibility: 'channel' }],
    };
  },
};
