import { UserError } from '../errors.js';
import { effectivePrefs, followByExample, followTopic } from '../follows.js';
import { followLabel, likeIds, matchByExample, MAX_EXAMPLES } from '../follows/by-example.js';
import type { Reply } from '../reply.js';
import type { SearchHit } from '../search-port.js';
import type { Store } from '../store/port.js';
import { MAX_TOPIC_LENGTH, searchableTopic } from '../topics.js';
import type { CommandContext, CommandDef, CommandRequest } from './definition.js';
import { personOf } from '../identity.js';
import { paperItem } from './paper-items.js';
import { requirePaper } from './show.js';

/** How many of the latest matching papers a new follow shows, so quiet does not look broken. */
export const FOLLOW_PREVIEW = 3;

export const follow: CommandDef = {
  path: ['follow'],
  description: 'Follow a topic, or papers like some (like <id>): new ones come to you as a direct message',
  usage: '/papers follow <topic> | /papers follow like <id> [<id>...]',
  example: '/papers follow diffusion models',
  options: [{ name: 'topic', rest: true, description: 'A topic, as you would search for it; or like <paper id> ...', type: 'string', required: true, maxLength: MAX_TOPIC_LENGTH }],
  handle(request, context): Reply {
    const { store, config, index, now, schedulesChanged } = context;
    const ids = likeIds(String(request.args.topic));
    if (ids) return followLike(request, context, ids);
    const topic = searchableTopic(String(request.args.topic), follow.example);
    const { follow: followed, created } = followTopic(store, config, personOf(request), topic, now());
    if (created) schedulesChanged({ user: personOf(request) });
    if (!created) return { visibility: 'ephemeral', text: `You already follow “${followed.topic}”.` };
    let hits: SearchHit[] = [];
    try {
      hits = index.match(followed.topic);
    } catch {
      hits = []; // a topic with no searchable word matches nothing (yet)
    }
    return followedReply(context, request, `“${followed.topic}”`, 'Nothing matches it yet; new ones will come to you.', hits);
  },
};

/** /papers follow like <id>...: every id must name a paper, or nothing is stored. */
function followLike(request: CommandRequest, context: CommandContext, typed: string[]): Reply {
  const { store, config, index, now, schedulesChanged } = context;
  if (typed.length > MAX_EXAMPLES) throw new UserError(`A follow by example takes at most ${MAX_EXAMPLES} papers; you gave ${typed.length}.`, 'Example: /papers follow like p-h1gph9bfn5');
  const papers = typed.map((id) => requirePaper(index, id, store));
  const { follow: followed, created } = followByExample(store, config, personOf(request), papers.map((p) => p.id), now());
  const label = followLabel(index, followed);
  if (!created) return { visibility: 'ephemeral', text: `You already follow ${label}.` };
  schedulesChanged({ user: personOf(request) });
  const hits = matchByExample(index, followed.examples ?? []);
  return followedReply(context, request, label, 'None is close enough to it yet; new papers that are will come to you.', hits);
}

function followedReply({ store, config }: CommandContext, request: CommandRequest, label: string, none: string, hits: SearchHit[]): Reply {
  const prefs = effectivePrefs(store, config, personOf(request));
  const when = `New papers on it will come to you as a direct message at ${prefs.time} ${prefs.timeZone}. (/papers settings time changes when.)`;
  const latest = latestOf(store, hits);
  const count = hits.length;
  return {
    visibility: 'ephemeral',
    text:
      count === 0
        ? `Following ${label}. ${none} ${when}`
        : `Following ${label}. ${count === 1 ? '1 paper matches' : `${count} papers match`} so far; the latest ${latest.length === 1 ? 'is' : `${latest.length} are`} below. ${when}`,
    ...(latest.length ? { papers: latest.map((p) => paperItem(p)) } : {}),
  };
}

/** The latest few of what the follow would deliver today (first seen most recently). */
function latestOf(store: Store, hits: SearchHit[]) {
  const seen = (id: string) => store.firstSeen(id)?.getTime() ?? -Infinity;
  return [...hits].sort((a, b) => seen(b.paper.id) - seen(a.paper.id)).slice(0, FOLLOW_PREVIEW).map((h) => h.paper);
}
