import { UserError } from '../errors.js';
import { personOf } from '../identity.js';
import type { Store } from '../store/port.js';
import type { Action, Reply } from '../reply.js';
import type { ArgValue, Args, CommandContext, CommandDef, CommandRequest } from './definition.js';
import { commandName } from './definition.js';
import { parseOptionsText } from './text.js';

type Who = Omit<CommandRequest, 'args'>;

/** Looks a command up by its path words; undefined if there is none. */
export function findCommand(commands: readonly CommandDef[], path: readonly string[]): CommandDef | undefined {
  const key = path.map((w) => w.toLowerCase()).join(' ');
  return commands.find((def) => commandName(def) === key);
}

/**
 * Parses "search diffusion models" (what follows /papers) into a command and its args.
 * Throws UserError with the usage of the closest command when it cannot.
 */
export function parseCommandText(commands: readonly CommandDef[], text: string): { def: CommandDef; args: Args } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { def: findCommand(commands, ['help'])!, args: {} };
  const two = findCommand(commands, words.slice(0, 2));
  const one = two ? undefined : findCommand(commands, words.slice(0, 1));
  const def = two ?? one;
  if (!def) {
    const group = commands.filter((c) => c.path.length === 2 && c.path[0] === words[0]!.toLowerCase());
    if (group.length > 0) {
      throw new UserError(`"${words[0]}" needs one of: ${group.map((c) => c.path[1]).join(', ')}.`, group.map((c) => c.usage).join('\n'));
    }
    throw new UserError(`I don't know the command "${words[0]}".`, 'Try /papers help for the list, e.g. /papers search diffusion models');
  }
  const rest = stripWords(text, def.path.length);
  try {
    return { def, args: def.parseText ? def.parseText(rest) : parseOptionsText(def, rest) };
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.message, usageHint(def));
    throw err;
  }
}

function stripWords(text: string, count: number): string {
  let rest = text.trimStart();
  for (let i = 0; i < count; i++) rest = rest.replace(/^\S+\s*/, '');
  return rest.trim();
}

export function usageHint(def: CommandDef): string {
  return `Usage: ${def.usage}\nExample: ${def.example}`;
}

/** Checks args against the definition: required ones present, integers whole, lengths in range. */
export function validateArgs(def: CommandDef, args: Args): Args {
  const out: Args = {};
  for (const option of def.options) {
    const raw = args[option.name];
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === undefined || value === '') {
      if (option.required) throw new UserError(`Please give ${article(option.name)} ${option.name}.`, usageHint(def));
      continue;
    }
    out[option.name] = option.type === 'integer' ? toInteger(def, option.name, value, option.minValue) : checkLength(def, option.name, String(value), option.maxLength);
  }
  return out;
}

function toInteger(def: CommandDef, name: string, value: ArgValue, min = 0): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UserError(`The ${name} must be a whole number${min > 0 ? ` from ${min}` : ''}.`, usageHint(def));
  return n;
}

function checkLength(def: CommandDef, name: string, value: string, max?: number): string {
  if (max !== undefined && value.length > max) throw new UserError(`The ${name} is too long: at most ${max} characters, please.`, usageHint(def));
  return value;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export interface CommandOutcome {
  reply: Reply;
  outcome: 'ok' | 'user_error' | 'error';
}

/**
 * Runs one command for one person: permission check, argument validation, the handler.
 * A UserError becomes a polite ephemeral reply; anything else is logged once and apologised for.
 */
export async function runCommand(context: CommandContext, def: CommandDef, who: Who, args: Args): Promise<CommandOutcome> {
  const name = commandName(def);
  try {
    adoptPlace(context, who);
    if (def.requires === 'channel-admin' && !who.isAdmin) {
      throw new UserError(`Only a workspace admin, or someone allowed to manage this channel, can use "${name}".`, 'Ask an admin to set up the channel digest, or follow the topic yourself: /papers follow <topic>');
    }
    const reply = await def.handle({ ...who, person: personOf(who), args: validateArgs(def, args) }, context);
    return withDroppedNotice(context, who, { reply, outcome: 'ok' });
  } catch (err) {
    if (err instanceof UserError) {
      context.log.info({ command: name, platform: who.platform, user: who.user, reason: err.message }, 'command refused');
      return withDroppedNotice(context, who, { reply: errorReply(err), outcome: 'user_error' });
    }
    context.log.error({ err, command: name, platform: who.platform }, 'command failed');
    return { reply: { visibility: 'ephemeral', isError: true, text: 'Sorry, something went wrong on my side. The admin has been told; please try again in a moment.' }, outcome: 'error' };
  }
}

// Per store: the places already folded into their person's scope by this process.
const adopted = new WeakMap<Store, Set<string>>();

/**
 * A request from a place whose persons live in a wider scope (a Slack workspace of an org, a
 * Discord server) proves that place belongs to that scope: the first such request per process
 * moves whatever persons the place still holds (from before identity keys) into the scope.
 */
function adoptPlace(context: CommandContext, who: Who): void {
  const person = personOf(who);
  if (person.platform !== who.platform || person.workspace === who.workspace) return;
  let done = adopted.get(context.store);
  if (!done) adopted.set(context.store, (done = new Set()));
  const key = `${who.platform}:${who.workspace}>${person.workspace}`;
  if (done.has(key)) return;
  const report = context.store.mergePersonScope(who.platform, who.workspace, person.workspace, { maxFollows: context.config.follows.maxPerUser, now: context.now() });
  done.add(key);
  if (report.persons > 0) {
    context.log.info({ platform: who.platform, from: who.workspace, to: person.workspace, ...report }, 'store: merged the persons kept under this server or workspace into their person scope (org or platform)');
    context.schedulesChanged();
  }
}

/** Tells the person, once, which topics a merge of their lists dropped for the follow cap. */
function withDroppedNotice(context: CommandContext, who: Who, result: CommandOutcome): CommandOutcome {
  const dropped = context.store.takeDroppedFollows(personOf(who));
  if (dropped.length === 0) return result;
  const notice = `Your follows from different servers or workspaces are now one list, which went over the limit of ${context.config.follows.maxPerUser} topics: I kept the oldest and dropped ${dropped.map((t) => `“${t}”`).join(', ')}. Unfollow one and follow again to swap.`;
  return { ...result, reply: { ...result.reply, notices: [...(result.reply.notices ?? []), notice] } };
}

export function errorReply(err: UserError): Reply {
  return { visibility: 'ephemeral', isError: true, text: err.hint ? `${err.message}\n${err.hint}` : err.message };
}

/** Runs what a pressed button stands for, as the person who pressed it. */
export async function runAction(context: CommandContext, commands: readonly CommandDef[], action: Pick<Action, 'command' | 'args' | 'visibility'>, who: Who): Promise<CommandOutcome> {
  const def = findCommand(commands, action.command.split(' '));
  if (!def) {
    context.log.warn({ command: action.command }, 'button names no command');
    return { reply: errorReply(new UserError('That button no longer works. Please run the command again.')), outcome: 'user_error' };
  }
  const result = await runCommand(context, def, who, action.args);
  if (action.visibility === 'channel' && result.outcome === 'ok') {
    // A shared copy keeps its links and "More like this" but not the asker's paging buttons.
    result.reply = { ...result.reply, visibility: 'channel', actions: undefined };
  }
  return result;
}
