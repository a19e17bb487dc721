import { UserError } from '../errors.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';

/** Help is built from the registry it is part of, so it can never list a command that isn't there. */
export function helpCommand(all: () => readonly CommandDef[]): CommandDef {
  return {
    path: ['help'],
    description: 'What Paperboy can do; /papers help <command> for one command',
    usage: '/papers help [command]',
    example: '/papers help digest add',
    options: [{ name: 'command', rest: true, description: 'A command, e.g. search or digest add', type: 'string', required: false, maxLength: 100 }],
    handle({ args }): Reply {
      if (args.command !== undefined) return helpFor(all(), String(args.command));
      const lines = all().map((def) => `${def.usage} : ${def.description}`);
      return {
        visibility: 'ephemeral',
        title: 'Paperboy: research papers, searched and delivered',
        text: lines.join('\n'),
        notices: ['Search syntax: "exact phrase", -exclude. Followed topics arrive as a daily direct message. /papers help <command> explains one command.'],
      };
    },
  };
}

/** Help for "search", "digest add" or a whole group such as "digest". */
function helpFor(commands: readonly CommandDef[], asked: string): Reply {
  const words = asked.toLowerCase().replace(/^\/?papers\s+/, '').trim().split(/\s+/);
  const exact = commands.find((def) => def.path.join(' ') === words.join(' '));
  const group = commands.filter((def) => def.path.length === 2 && def.path[0] === words[0]);
  const shown = exact ? [exact] : words.length === 1 ? group : [];
  if (shown.length === 0) throw new UserError(`There is no command “${asked}”.`, `Commands: ${[...new Set(commands.map((c) => c.path[0]))].join(', ')}. Try /papers help search`);
  const describe = (def: CommandDef) => {
    const options = def.options.filter((o) => !o.hidden).map((o) => `  ${o.name}${o.required ? '' : ' (optional)'}: ${o.description}`);
    return [`${def.usage}`, def.description, ...options, `Example: ${def.example}`].join('\n');
  };
  return { visibility: 'ephemeral', title: `Help: /papers ${exact ? exact.path.join(' ') : words[0]}`, text: shown.map(describe).join('\n\n') };
}
