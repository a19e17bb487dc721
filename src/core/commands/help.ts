import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';

/** Help is built from the registry it is part of, so it can never list a command that isn't there. */
export function helpCommand(all: () => readonly CommandDef[]): CommandDef {
  return {
    path: ['help'],
    description: 'What Paperboy can do',
    usage: '/papers help',
    example: '/papers help',
    options: [],
    handle(): Reply {
      const lines = all().map((def) => `${def.usage} : ${def.description}`);
      return {
        visibility: 'ephemeral',
        title: 'Paperboy: research papers, searched and delivered',
        text: lines.join('\n'),
        notices: ['Search syntax: "exact phrase", -exclude. Followed topics arrive as a daily direct message.'],
      };
    },
  };
}
