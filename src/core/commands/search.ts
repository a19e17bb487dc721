import type { Action, Reply } from '../reply.js';
import { isTopicLength, MAX_TOPIC_LENGTH } from '../topics.js';
import type { CommandDef } from './definition.js';
import { paperItem } from './paper-items.js';

export const MAX_QUERY_LENGTH = MAX_TOPIC_LENGTH;

export const search: CommandDef = {
  path: ['search'],
  description: 'Search papers by topic, title words, acronym or a half-remembered phrase',
  usage: '/papers search <query>',
  example: '/papers search "state space models" -vision',
  options: [
    { name: 'query', rest: true, description: 'What to look for; "quotes" for a phrase, -word to exclude', type: 'string', required: true, maxLength: MAX_QUERY_LENGTH },
    { name: 'offset', description: 'Results to skip', type: 'integer', required: false, hidden: true },
  ],
  handle({ args }, { index, config }): Reply {
    const query = String(args.query);
    const offset = Number(args.offset ?? 0);
    const pageSize = config.search.pageSize;
    const { hits, total, nearest } = index.search(query, { limit: pageSize, offset });
    // Only a button that can work: a query that normalizes longer than a topic may be is not offered.
    const followAction: Action[] = isTopicLength(query) ? [{ kind: 'follow', label: 'Follow this topic', command: 'follow', args: { topic: query } }] : [];
    if (nearest) {
      return {
        visibility: 'ephemeral',
        title: `Nothing matches “${query}” yet`,
        text: 'These are the nearest papers, not matches. Try other words, or follow the topic: new papers on it will come to you.',
        papers: hits.map((hit) => paperItem(hit.paper)),
        actions: followAction,
      };
    }
    if (hits.length === 0) {
      return {
        visibility: 'ephemeral',
        title: `No papers found for “${query}”`,
        text: offset > 0 ? 'That was the last page.' : 'Try fewer or broader words, or check the spelling.',
      };
    }
    const actions: Action[] = [];
    if (offset > 0) {
      actions.push({ kind: 'prev-page', label: `Previous ${pageSize}`, command: 'search', args: { query, offset: Math.max(0, offset - pageSize) } });
    }
    if (offset + hits.length < total) {
      actions.push({ kind: 'next-page', label: `Next ${pageSize}`, command: 'search', args: { query, offset: offset + pageSize } });
    }
    actions.push(...followAction);
    actions.push({ kind: 'share', label: 'Share to channel', command: 'search', args: { query, offset }, visibility: 'channel' });
    return {
      visibility: 'ephemeral',
      title: `Papers for “${query}”`,
      papers: hits.map((hit) => paperItem(hit.paper)),
      firstNumber: offset + 1,
      notices: [`Showing ${offset + 1}-${offset + hits.length} of ${total}`],
      actions,
    };
  },
};
