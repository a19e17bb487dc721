import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';

export const digestList: CommandDef = {
  path: ['digest', 'list'],
  description: "List this channel's digests",
  usage: '/papers digest list',
  example: '/papers digest list',
  options: [],
  handle(request, { store }): Reply {
    const list = store.listDigests(request);
    if (list.length === 0) return { visibility: 'ephemeral', text: 'This channel has no digests. An admin can add one: /papers digest add "topic" daily 09:00' };
    return {
      visibility: 'ephemeral',
      title: `Digests in this channel`,
      text: list
        .map((d, i) => `${i + 1}. ${d.topic}: ${d.schedule} (${d.timeZone})${d.paused ? ` (paused${d.pausedReason ? `: ${d.pausedReason}` : ''})` : ''}`)
        .join('\n'),
    };
  },
};
