import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { commandName, completeFollows, confirmShown, findCommand, runAction, runCommand, type Args, type CommandDef, type CommandOutcome } from '../../core/commands/index.js';
import { discordPerson, personOf } from '../../core/identity.js';
import type { Reply } from '../../core/reply.js';
import type { Target, UserKey } from '../../core/types.js';
import type { AdapterDeps } from '../platform.js';
import { decodeAction, type ActionMemory } from './action-ids.js';
import { NO_MENTIONS } from './deliverer.js';
import { toDeliveryError } from './delivery-errors.js';
import { ROOT_COMMAND } from './commands-payload.js';
import { markRating } from './rating-marks.js';
import type { RenderedMessage } from './render.js';

/** The workspace key for interactions outside a server (the bot's DMs). */
export const DM_WORKSPACE = '@me';
export const EXPIRED_BUTTON = 'That button has expired; please search again.';
export const NO_CHANNEL = 'I can’t tell which channel this came from, so I did not post anything. Please run the command again from the channel itself.';
const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a moment.';

type Who = Parameters<typeof runCommand>[2];

export interface InteractionDeps extends AdapterDeps {
  memory: ActionMemory;
  render(reply: Reply): RenderedMessage[];
  /** Posts a public message (a shared reply) to a channel. */
  post(target: Target, reply: Reply): Promise<{ messageId: string }>;
  /** A one-time notice for this person, if there is one to give. */
  noticeFor(person: UserKey): string | undefined;
  /** The raw `channel_id` of an interaction that came without a `channel` object (see rawChannelIds). */
  channelIdOf?(interactionId: string): string | undefined;
}

/** How many raw channel ids wait for their interaction at most (they are taken at once). */
const RAW_CHANNELS_MAX = 1000;

/**
 * Discord may send an interaction with `channel_id` but no `channel` object; discord.js then
 * leaves `channelId` null. The raw gateway event comes first, so its channel_id is kept here by
 * interaction id until the handler takes it.
 */
export function rawChannelIds() {
  const ids = new Map<string, string>();
  return {
    /** For the client's raw event: notes INTERACTION_CREATE packets that lack a channel object. */
    note(packet: { t?: string | null; d?: unknown }): void {
      if (packet.t !== 'INTERACTION_CREATE') return;
      const d = packet.d as { id?: unknown; channel_id?: unknown; channel?: unknown } | undefined;
      if (!d || d.channel || typeof d.id !== 'string' || typeof d.channel_id !== 'string' || !d.channel_id) return;
      if (ids.size >= RAW_CHANNELS_MAX) ids.delete(ids.keys().next().value!);
      ids.set(d.id, d.channel_id);
    },
    take(interactionId: string): string | undefined {
      const id = ids.get(interactionId);
      ids.delete(interactionId);
      return id;
    },
  };
}

/** Routes every interaction; never throws (a failure is logged and apologised for). */
export function createInteractionHandler(deps: InteractionDeps): (interaction: Interaction) => Promise<void> {
  return async (interaction) => {
    // Taken before the first await, while the raw event's note is fresh.
    const rawChannel = deps.channelIdOf?.(interaction.id);
    const channelOf = (i: Interaction) => i.channelId ?? rawChannel ?? '';
    try {
      if (interaction.isChatInputCommand()) await onCommand(deps, interaction, channelOf(interaction));
      else if (interaction.isAutocomplete()) await onAutocomplete(deps, interaction, channelOf(interaction));
      else if (interaction.isButton()) await onButton(deps, interaction, channelOf(interaction));
    } catch (err) {
      deps.log.error({ err, interaction: interaction.id }, 'discord interaction failed');
      await apologise(interaction).catch(() => undefined);
    }
  };
}

async function apologise(interaction: Interaction): Promise<void> {
  if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
  if (interaction.deferred || interaction.replied) await interaction.editReply({ content: APOLOGY, embeds: [], components: [], allowedMentions: NO_MENTIONS });
  else await interaction.reply({ content: APOLOGY, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/**
 * Who is asking. Manage Channels stands for "may manage this channel's digests" (Discord cannot
 * restrict a single subcommand by permission); in the bot's DMs the channel is the user's own.
 */
export function whoOf(interaction: ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction, channel = interaction.channelId ?? ''): Who {
  const inBotDm = interaction.context === InteractionContextType.BotDM || (!interaction.guildId && interaction.context == null);
  return {
    platform: 'discord',
    workspace: interaction.guildId ?? DM_WORKSPACE,
    channel,
    user: interaction.user.id,
    // Discord user ids are global: one person in every server and the DM.
    person: discordPerson(interaction.user.id),
    isAdmin: inBotDm || (interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false),
  };
}

function commandOf(deps: InteractionDeps, interaction: ChatInputCommandInteraction | AutocompleteInteraction): CommandDef | undefined {
  if (interaction.commandName !== ROOT_COMMAND) return undefined;
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(false);
  if (!sub) return undefined;
  return findCommand(deps.commands, group ? [group, sub] : [sub]);
}

async function onCommand(deps: InteractionDeps, interaction: ChatInputCommandInteraction, channel: string): Promise<void> {
  const def = commandOf(deps, interaction);
  if (!def) return;
  const started = performance.now();
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const args: Args = {};
  for (const option of def.options) {
    const value = interaction.options.get(option.name)?.value;
    if (typeof value === 'string' || typeof value === 'number') args[option.name] = value;
  }
  const who = whoOf(interaction, channel);
  const result = await runCommand(deps.context, def, who, args);
  deps.metrics.commandHandled('discord', commandName(def), result.outcome, (performance.now() - started) / 1000);
  await answer(deps, interaction, result, who);
}

async function onButton(deps: InteractionDeps, interaction: ButtonInteraction, channel: string): Promise<void> {
  const decoded = decodeAction(interaction.customId, deps.memory);
  if (!decoded.ok) {
    await interaction.reply({ content: EXPIRED_BUTTON, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const { action } = decoded;
  const started = performance.now();
  // "Next 5" turns the page of the person's own results in place, a 👍 / 👎 marks itself on the
  // message it was pressed on (quietly); every other button answers anew.
  const rating = action.kind === 'rate-up' || action.kind === 'rate-down';
  if (action.kind === 'next-page' || action.kind === 'prev-page' || rating) await interaction.deferUpdate();
  else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const who = whoOf(interaction, channel);
  const result = await runAction(deps.context, deps.commands, action, who);
  deps.metrics.commandHandled('discord', action.command, result.outcome, (performance.now() - started) / 1000);
  if (rating) return answerRating(deps, interaction, result);
  await answer(deps, interaction, result, who);
}

/** A rating marks itself on the message; a refused one (an unfollowed topic) is told to the presser alone. */
async function answerRating(deps: InteractionDeps, interaction: ButtonInteraction, { reply, outcome }: CommandOutcome): Promise<void> {
  if (outcome === 'ok' && reply.rated) {
    const rows = interaction.message.components.map((c) => c.toJSON() as Parameters<typeof markRating>[0][number]);
    await interaction.editReply({ components: markRating(rows, reply.rated, deps.memory) as never[], allowedMentions: NO_MENTIONS });
    return;
  }
  const [first] = deps.render(reply);
  await interaction.followUp({ content: first!.content ?? '', embeds: first!.embeds, components: first!.components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** Posts a shared reply to the interaction's channel; undefined when it went, else what to tell the person. */
async function share(deps: InteractionDeps, interaction: Interaction, reply: Reply, who: Who): Promise<string | undefined> {
  if (!who.channel) {
    deps.log.warn({ interaction: interaction.id }, 'discord share refused: the interaction named no channel');
    return NO_CHANNEL;
  }
  try {
    await deps.post({ platform: 'discord', workspace: who.workspace, kind: 'channel', id: who.channel }, reply);
    return undefined;
  } catch (err) {
    const failure = toDeliveryError(err);
    deps.log.info({ code: failure.code, channel: who.channel }, 'discord share failed');
    return failure.failure === 'unreachable'
      ? 'I can’t post in this channel: I need the View Channel, Send Messages and Embed Links permissions here.'
      : 'I couldn’t post to the channel just now; please try again in a moment.';
  }
}

async function answer(deps: InteractionDeps, interaction: ChatInputCommandInteraction | ButtonInteraction, { reply }: CommandOutcome, who: Who): Promise<void> {
  const notice = deps.noticeFor(personOf(who));
  if (reply.visibility === 'channel') {
    const confirmation = await share(deps, interaction, reply, who);
    reply = { visibility: 'ephemeral', text: confirmation ?? 'Shared to the channel.', isError: confirmation !== undefined };
  }
  if (notice) reply = { ...reply, notices: [...(reply.notices ?? []), notice] };
  const [first, ...more] = deps.render(reply);
  await interaction.editReply({ content: first!.content ?? '', embeds: first!.embeds, components: first!.components, allowedMentions: NO_MENTIONS });
  for (const part of more) await interaction.followUp({ ...part, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  confirmShown(deps.context, reply);
}

async function onAutocomplete(deps: InteractionDeps, interaction: AutocompleteInteraction, channel: string): Promise<void> {
  const def = commandOf(deps, interaction);
  const focused = interaction.options.getFocused(true);
  const option = def?.options.find((o) => o.name === focused.name);
  const who = whoOf(interaction, channel);
  const choices = option?.autocomplete === 'follows' ? completeFollows(deps.context.store, personOf(who), String(focused.value)) : [];
  await interaction.respond(choices);
}
