import { MAX_TOPIC_LENGTH } from '../topics.js';
import { removeChannelDigest } from '../channel-digests.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';

export const digestRemove: CommandDef = {
  path: ['digest', 'remove'],
  description: "Remove one of this channel's digests (channel admins)",
  usage: '/papers digest remove <number>',
  example: '/papers digest remove 1',
  requires: 'channel-admin',
  options: [{ name: 'digest', rest: true, description: 'Its number in /papers digest list, or its topic', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH }],
  handle(request, { store, schedulesChanged }): Reply {
    const removed = removeChannelDigest(store, request, String(request.args.digest));
    schedulesChanged({ channels: true });
    return { visibility: 'ephemeral', text: `Removed the digest on “${removed.topic}”.` };
  },
};
