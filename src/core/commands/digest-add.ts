import { addChannelDigest } from '../channel-digests.js';
import { UserError } from '../errors.js';
import type { Reply } from '../reply.js';
import type { Args, CommandDef } from './definition.js';
import { parseScheduleWords } from '../schedule.js';
import { describeZone } from '../time-zone-input.js';
import { tokenize } from './text.js';
import { MAX_TOPIC_LENGTH, searchableTopic } from '../topics.js';

const SCHEDULE_START = /^(daily|weekdays?|weekly|cron)$/i;
const NO_SCHEDULE = 'Please give a topic and then a schedule: daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or a cron expression such as 0 9 * * 1-5, then optionally a time zone.';

/**
 * "<topic> <schedule> [time zone]". The topic ends where the rest of the line reads as a schedule
 * (the same reader `digest add` applies later), so quotes are needed only when the topic itself
 * ends in schedule-like words. A schedule that cannot be read is split at its keyword and left to
 * the handler, which says what is wrong with it.
 */
export function parseDigestAdd(text: string): Args {
  const tokens = tokenize(text);
  const split = (at: number): Args => {
    const rest = tokens.slice(at);
    let zone: string | undefined;
    try {
      if (parseScheduleWords(rest).zone) zone = rest.pop();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
    return { topic: tokens.slice(0, at).join(' '), schedule: rest.join(' ').replace(/^cron\s+/i, ''), timezone: zone };
  };
  if (/^["“]/.test(text.trim())) {
    if (tokens.length < 2) throw new UserError(NO_SCHEDULE);
    return split(1);
  }
  for (let at = 1; at < tokens.length; at++) {
    try {
      parseScheduleWords(tokens.slice(at));
      return split(at);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
  }
  const keyword = tokens.findIndex((t, i) => i > 0 && SCHEDULE_START.test(t));
  const cron = tokens.findIndex((t, i) => i > 0 && /^[\d*]/.test(t) && [5, 6].includes(tokens.length - i));
  const at = keyword > 0 ? keyword : cron;
  if (at > 0) return split(at);
  throw new UserError(NO_SCHEDULE);
}

export const digestAdd: CommandDef = {
  path: ['digest', 'add'],
  description: "Post new papers on a topic to this channel on a schedule (channel admins)",
  usage: '/papers digest add <topic> <schedule> [time zone]',
  example: '/papers digest add "graph neural networks" weekdays 09:00 Europe/Berlin',
  requires: 'channel-admin',
  options: [
    { name: 'topic', description: 'The topic, as you would search for it', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH },
    { name: 'schedule', description: 'daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or a cron expression', type: 'string', required: true, maxLength: 100 },
    { name: 'timezone', description: 'An IANA time zone such as Europe/Berlin, or EST, CET... (default: the bot\u2019s)', type: 'string', required: false, maxLength: 64 },
  ],
  parseText: parseDigestAdd,
  handle(request, { store, config, now, schedulesChanged }): Reply {
    const { args } = request;
    const { digest, outcome, zoneInput } = addChannelDigest(store, config, request, {
      topic: searchableTopic(String(args.topic), digestAdd.example),
      schedule: String(args.schedule),
      timeZone: args.timezone === undefined ? undefined : String(args.timezone),
    }, now());
    if (outcome !== 'unchanged') schedulesChanged({ channels: true });
    const when = `${digest.schedule} (${zoneInput ? describeZone(zoneInput) : digest.timeZone})`;
    // The same add again answers as the first did: it is set up, not a mistake.
    const text = outcome === 'unchanged'
      ? `This channel is set up to get new papers on “${digest.topic}” ${when}; nothing to change.`
      : outcome === 'resumed'
        ? `Resumed: this channel will get new papers on “${digest.topic}” ${when} again.`
        : `This channel will get new papers on “${digest.topic}” ${when}.`;
    return { visibility: 'ephemeral', text };
  },
};
