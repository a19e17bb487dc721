import { addChannelDigest } from '../channel-digests.js';
import { UserError } from '../errors.js';
import type { Reply } from '../reply.js';
import type { Args, CommandDef } from './definition.js';
import { parseScheduleWords } from '../schedule.js';
import { describeZone } from '../time-zone-input.js';
import { tokenize } from './text.js';

const SCHEDULE_START = /^(daily|weekdays?|weekly|cron)$/i;
const NO_SCHEDULE = 'Please give a topic and then a schedule: daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or a cron expression such as 0 9 * * 1-5, then optionally a time zone.';

/**
 * "<topic> <schedule> [time zone]". The topic ends where the rest of the line reads as a schedule
 * (the same reader `digest add` applies later), so quotes are needed only when the topic itself
 * ends in schedule-like words.
 */
export function parseDigestAdd(text: string): Args {
  const tokens = tokenize(text);
  const split = (at: number): Args => ({ topic: tokens.slice(0, at).join(' '), schedule: tokens.slice(at).join(' ') });
  if (/^["“]/.test(text.trim())) {
    if (tokens.length < 2) throw new UserError(NO_SCHEDULE);
    return split(1);
  }
  let likelyMeant: UserError | undefined;
  for (let at = 1; at < tokens.length; at++) {
    try {
      parseScheduleWords(tokens.slice(at));
      return split(at);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const looksLikeCron = /^[\d*]/.test(tokens[at]!) && [5, 6].includes(tokens.length - at);
      if (!likelyMeant && (SCHEDULE_START.test(tokens[at]!) || looksLikeCron)) likelyMeant = err;
    }
  }
  throw likelyMeant ?? new UserError(NO_SCHEDULE);
}

export const digestAdd: CommandDef = {
  path: ['digest', 'add'],
  description: "Post new papers on a topic to this channel on a schedule (channel admins)",
  usage: '/papers digest add <topic> <schedule> [time zone]',
  example: '/papers digest add "graph neural networks" weekdays 09:00 Europe/Berlin',
  requires: 'channel-admin',
  options: [
    { name: 'topic', description: 'The topic, as you would search for it', type: 'string', required: true, maxLength: 200 },
    { name: 'schedule', description: 'daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or a cron expression', type: 'string', required: true, maxLength: 100 },
    { name: 'timezone', description: 'An IANA time zone such as Europe/Berlin, or EST, CET... (default: the bot\u2019s)', type: 'string', required: false, maxLength: 64 },
  ],
  parseText: parseDigestAdd,
  handle(request, { store, config, now, schedulesChanged }): Reply {
    const { args } = request;
    const digest = addChannelDigest(store, config, request, {
      topic: String(args.topic),
      schedule: String(args.schedule),
      timeZone: args.timezone === undefined ? undefined : String(args.timezone),
    }, now());
    schedulesChanged();
    const zone = digest.zoneInput ? describeZone(digest.zoneInput) : digest.timeZone;
    return { visibility: 'ephemeral', text: `This channel will get new papers on “${digest.topic}” ${digest.schedule} (${zone}).` };
  },
};
