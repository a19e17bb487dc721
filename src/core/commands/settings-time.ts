import { setDeliveryTime } from '../follows.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';

export const settingsTime: CommandDef = {
  path: ['settings', 'time'],
  description: 'When your followed topics arrive: a daily time and time zone',
  usage: '/papers settings time <HH:MM> [time zone]',
  example: '/papers settings time 07:30 America/New_York',
  options: [
    { name: 'time', description: 'HH:MM, 24-hour', type: 'string', required: true, maxLength: 5 },
    { name: 'timezone', description: 'An IANA time zone such as America/New_York', type: 'string', required: false, maxLength: 64 },
  ],
  handle(request, { store, config, schedulesChanged }): Reply {
    const prefs = setDeliveryTime(store, config, personOf(request), String(request.args.time), request.args.timezone === undefined ? undefined : String(request.args.timezone));
    schedulesChanged();
    return { visibility: 'ephemeral', text: `Your digest will come daily at ${prefs.time} (${prefs.timeZone}).` };
  },
};
