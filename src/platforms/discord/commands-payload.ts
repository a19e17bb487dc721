import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandDef, OptionDef } from '../../core/commands/index.js';
import { truncate } from '../../core/reply.js';

export const ROOT_COMMAND = 'papers';

/** Discord's limits on a command's name and description. */
const DESCRIPTION_MAX = 100;

/**
 * The one `/papers` chat-input command, built from the registry: one-word paths become
 * subcommands, two-word paths subcommands of a group.
 *
 * Discord's `default_member_permissions` applies to the whole command, not to a subcommand, so
 * it stays unset (everyone may run /papers) and the adapter checks Manage Channels for
 * `requires: 'channel-admin'` from the interaction's member permissions instead.
 */
export function buildCommandsPayload(commands: readonly CommandDef[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const options: APIApplicationCommandOption[] = [];
  for (const def of commands) {
    const sub = subcommand(def);
    if (def.path.length === 1) {
      options.push(sub);
      continue;
    }
    const groupName = def.path[0];
    let group = options.find((o) => o.type === ApplicationCommandOptionType.SubcommandGroup && o.name === groupName);
    if (!group) {
      group = { type: ApplicationCommandOptionType.SubcommandGroup, name: groupName, description: `${groupName} commands`, options: [] };
      options.push(group);
    }
    if (group.type === ApplicationCommandOptionType.SubcommandGroup) group.options!.push(sub);
  }
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: ROOT_COMMAND,
      description: 'Search research papers, follow topics, and get digests',
      options,
      integration_types: [ApplicationIntegrationType.GuildInstall],
      // Servers and the bot's own DMs (where follows and search make sense); not group DMs.
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    },
  ];
}

function subcommand(def: CommandDef): APIApplicationCommandSubcommandOption {
  const visible = def.options.filter((o) => !o.hidden);
  // Discord requires required options before optional ones.
  const ordered = [...visible.filter((o) => o.required), ...visible.filter((o) => !o.required)];
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: def.path[def.path.length - 1]!,
    description: clip(def.description),
    options: ordered.map(basicOption),
  };
}

function basicOption(option: OptionDef): APIApplicationCommandBasicOption {
  const common = { name: option.name, description: clip(option.description), required: option.required };
  if (option.type === 'integer') {
    return { ...common, type: ApplicationCommandOptionType.Integer, ...(option.minValue !== undefined ? { min_value: option.minValue } : {}) };
  }
  return {
    ...common,
    type: ApplicationCommandOptionType.String,
    ...(option.maxLength !== undefined ? { max_length: Math.min(option.maxLength, 6000) } : {}),
    ...(option.autocomplete ? { autocomplete: true } : {}),
  };
}

function clip(text: string): string {
  return truncate(text, DESCRIPTION_MAX);
}
