import { MAX_TOPIC_LENGTH } from '../topics.js';
import { setChannelDigestPaused } from '../channel-digests.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';

function pauseCommand(paused: boolean): CommandDef {
  const verb = paused ? 'pause' : 'resume';
  return {
    path: ['digest', verb],
    description: paused ? "Pause one of this channel's digests (channel admins)" : 'Resume a paused digest in this channel (channel admins)',
    usage: `/papers digest ${verb} <number>`,
    example: `/papers digest ${verb} 1`,
    requires: 'channel-admin',
    options: [{ name: 'digest', rest: true, description: 'Its number in /papers digest list, or its topic', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH }],
    handle(request, { store, now, schedulesChanged }): Reply {
      const digest = setChannelDigestPaused(store, request, String(request.args.digest), paused, now());
      const when = `${digest.schedule} (${digest.timeZone})`;
      if (!digest.changed) {
        const text = paused
          ? `The digest on “${digest.topic}” is already paused. /papers digest resume ${String(request.args.digest)} starts it again.`
          : `The digest on “${digest.topic}” is already running: ${when}.`;
        return { visibility: 'ephemeral', text };
      }
      schedulesChanged({ channels: true });
      return { visibility: 'ephemeral', text: paused ? `Paused the digest on “${digest.topic}”.` : `Resumed the digest on “${digest.topic}”: ${when}.` };
    },
  };
}

export const digestPause = pauseCommand(true);
export const digestResume = pauseCommand(false);
