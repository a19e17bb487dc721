import { UserError } from '../errors.js';
import { setDeliveryTime } from '../follows.js';
import type { Reply } from '../reply.js';
import { parseScheduleWords } from '../schedule.js';
import { describeZone, resolveTimeZone } from '../time-zone-input.js';
import type { Args, CommandDef } from './definition.js';
import { personOf } from '../identity.js';
import { tokenize } from './text.js';

/** "<HH:MM> [zone]", also "daily <HH:MM> [zone]"; the handler reads them as `digest add` does. */
export function parseSettingsTime(text: string): Args {
  const words = tokenize(text);
  if (words[0]?.toLowerCase() === 'daily') words.shift();
  if (words.length > 2) throw new UserError(`I don't understand “${words.slice(2).join(' ')}” after the time zone.`);
  return { time: words[0], timezone: words[1] };
}

export const settingsTime: CommandDef = {
  path: ['settings', 'time'],
  description: 'When your followed topics arrive: a daily time and time zone',
  usage: '/papers settings time <HH:MM> [time zone]',
  example: '/papers settings time 07:30 America/New_York',
  options: [
    { name: 'time', description: 'HH:MM, 24-hour', type: 'string', required: true, maxLength: 8 },
    { name: 'timezone', description: 'An IANA time zone such as America/New_York', type: 'string', required: false, maxLength: 64 },
  ],
  parseText: parseSettingsTime,
  handle(request, { store, config, schedulesChanged }): Reply {
    const typedZone = request.args.timezone === undefined ? undefined : String(request.args.timezone);
    // One reader with digest add: "9am", "09:00", zones in any case or as abbreviations.
    const { schedule } = parseScheduleWords(['daily', String(request.args.time)]);
    const person = personOf(request);
    const prefs = setDeliveryTime(store, config, person, schedule.text.slice('daily '.length), typedZone);
    schedulesChanged({ user: person });
    const zone = typedZone === undefined ? prefs.timeZone : describeZone(resolveTimeZone(typedZone));
    return { visibility: 'ephemeral', text: `Your digest will come daily at ${prefs.time} (${zone}).` };
  },
};
