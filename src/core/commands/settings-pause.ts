import { effectivePrefs, setUserDigestPaused } from '../follows.js';
import type { Reply } from '../reply.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';

function pauseCommand(paused: boolean): CommandDef {
  const verb = paused ? 'pause' : 'resume';
  return {
    path: ['settings', verb],
    description: paused ? 'Stop your followed-topic messages for now (your follows stay)' : 'Start your followed-topic messages again',
    usage: `/papers settings ${verb}`,
    example: `/papers settings ${verb}`,
    options: [],
    handle(request, { store, config, schedulesChanged }): Reply {
      const person = personOf(request);
      const before = effectivePrefs(store, config, person);
      if (before.paused === paused) {
        const text = paused ? 'Your digest is already paused. /papers settings resume starts it again.' : `Your digest is already on: daily at ${before.time} (${before.timeZone}).`;
        return { visibility: 'ephemeral', text };
      }
      const prefs = setUserDigestPaused(store, config, person, paused);
      schedulesChanged({ user: person });
      return { visibility: 'ephemeral', text: paused ? 'Your digest is paused. /papers settings resume starts it again.' : `Your digest is back on: daily at ${prefs.time} (${prefs.timeZone}).` };
    },
  };
}

export const settingsPause = pauseCommand(true);
export const settingsResume = pauseCommand(false);
