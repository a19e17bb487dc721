import { effectivePrefs, followTopic } from '../follows.js';
import type { Reply } from '../reply.js';
import type { PaperSearch } from '../search-port.js';
import type { Store } from '../store/port.js';
import { MAX_TOPIC_LENGTH, searchableTopic } from '../topics.js';
import type { CommandDef } from './definition.js';
import { personOf } from '../identity.js';
import { paperItem } from './paper-items.js';

/** How many of the latest matching papers a new follow shows, so quiet does not look broken. */
export const FOLLOW_PREVIEW = 3;

export const follow: CommandDef = {
  path: ['follow'],
  description: 'Follow a topic: new matching papers come to you as a direct message',
  usage: '/papers follow <topic>',
  example: '/papers follow diffusion models',
  options: [{ name: 'topic', rest: true, description: 'A topic, as you would search for it', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH }],
  handle(request, { store, config, index, now, schedulesChanged }): Reply {
    const topic = searchableTopic(String(request.args.topic), follow.example);
    const { follow: followed, created } = followTopic(store, config, personOf(request), topic, now());
    if (created) schedulesChanged();
    const prefs = effectivePrefs(store, config, personOf(request));
    const time = `${prefs.time} ${prefs.timeZone}`;
    if (!created) return { visibility: 'ephemeral', text: `You already follow “${followed.topic}”.` };
    const { count, latest } = matchesSoFar(index, store, followed.topic);
    const when = `New papers on it will come to you as a direct message at ${time}. (/papers settings time changes when.)`;
    return {
      visibility: 'ephemeral',
      text:
        count === 0
          ? `Following “${followed.topic}”. Nothing matches it yet; new ones will come to you. ${when}`
          : `Following “${followed.topic}”. ${count === 1 ? '1 paper matches' : `${count} papers match`} so far; the latest ${latest.length === 1 ? 'is' : `${latest.length} are`} below. ${when}`,
      ...(latest.length ? { papers: latest.map((p) => paperItem(p)) } : {}),
    };
  },
};

/** What the follow would deliver today: how many papers, and the latest few (first seen most recently). */
function matchesSoFar(index: PaperSearch, store: Store, topic: string) {
  let hits: ReturnType<PaperSearch['match']> = [];
  try {
    hits = index.match(topic);
  } catch {
    hits = []; // a topic with no searchable word matches nothing (yet)
  }
  const seen = (id: string) => store.firstSeen(id)?.getTime() ?? -Infinity;
  const latest = [...hits].sort((a, b) => seen(b.paper.id) - seen(a.paper.id)).slice(0, FOLLOW_PREVIEW).map((h) => h.paper);
  return { count: hits.length, latest };
}
