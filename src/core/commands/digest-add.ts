import { addChannelDigest } from '../channel-digests.js';
import { UserError } from '../errors.js';
import type { Reply } from '../reply.js';
import type { Args, CommandDef } from './definition.js';
import { tokenize } from './text.js';
import { MAX_TOPIC_LENGTH, searchableTopic } from '../topics.js';

const SCHEDULE_START = /^(daily|weekdays|weekly|cron)$/i;
const TIME_ZONE = /^(UTC|GMT|[A-Za-z_]+\/[A-Za-z0-9_+\-/]+)$/;

/** "<topic> <schedule> [time zone]": the schedule starts at daily/weekdays/weekly, or after a quoted topic. */
export function parseDigestAdd(text: string): Args {
  const tokens = tokenize(text);
  const quotedTopic = /^["“]/.test(text.trim());
  let start = quotedTopic ? 1 : tokens.findIndex((t) => SCHEDULE_START.test(t));
  if (start <= 0 || start >= tokens.length) {
    throw new UserError('Please give a topic and then a schedule (daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or a cron expression).');
  }
  let end = tokens.length;
  const timeZone = TIME_ZONE.test(tokens[end - 1]!) && end - 1 > start ? tokens[--end] : undefined;
  const topic = tokens.slice(0, start).join(' ');
  if (/^cron$/i.test(tokens[start]!)) start += 1;
  return { topic, schedule: tokens.slice(start, end).join(' '), timezone: timeZone };
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
    { name: 'timezone', description: 'An IANA time zone such as Europe/Berlin (default: the bot\u2019s)', type: 'string', required: false, maxLength: 64 },
  ],
  parseText: parseDigestAdd,
  handle(request, { store, config, now, schedulesChanged }): Reply {
    const { args } = request;
    const { digest, outcome } = addChannelDigest(store, config, request, {
      topic: searchableTopic(String(args.topic), digestAdd.example),
      schedule: String(args.schedule),
      timeZone: args.timezone === undefined ? undefined : String(args.timezone),
    }, now());
    if (outcome !== 'unchanged') schedulesChanged();
    const when = `${digest.schedule} (${digest.timeZone})`;
    // The same add again answers as the first did: it is set up, not a mistake.
    const text = outcome === 'unchanged'
      ? `This channel is set up to get new papers on “${digest.topic}” ${when}; nothing to change.`
      : outcome === 'resumed'
        ? `Resumed: this channel will get new papers on “${digest.topic}” ${when} again.`
        : `This channel will get new papers on “${digest.topic}” ${when}.`;
    return { visibility: 'ephemeral', text };
  },
};
