import { agedOut, showMoreAction } from '../digest-cap.js';
import { createMatchCache, paperItem } from '../digest.js';
import { personOf } from '../identity.js';
import type { Reply } from '../reply.js';
import { topicKey } from '../store/port.js';
import { dmTarget } from '../types.js';
import type { CommandContext, CommandDef } from './definition.js';

/** "N more: Show them" and /papers more: the papers your digests offered but did not show, most relevant first. */
export const more: CommandDef = {
  path: ['more'],
  description: 'Show the papers your digest offered but did not show yet',
  usage: '/papers more',
  example: '/papers more',
  options: [],
  handle(request, { store, index, config, now }): Reply {
    // The person's DM digest, wherever they press the button or type the command.
    const user = personOf(request);
    const target = dmTarget(user);
    const followed = new Map(store.listFollows(user).map((f) => [topicKey(f.topic), f]));
    const at = now();
    const offers = store.offeredPapers(target)
      .filter((o) => followed.has(topicKey(o.topic)) && !agedOut(config, o.since, at))
      .flatMap((o) => {
        const paper = index.get(o.paperId);
        return paper ? [{ paper, follow: followed.get(topicKey(o.topic))! }] : [];
      });
    const waiting = offers.map((o) => o.paper);
    if (waiting.length === 0) {
      return { visibility: 'ephemeral', text: 'Nothing more is waiting: you have seen every paper your digests offered.' };
    }
    const page = waiting.slice(0, config.digests.maxPapers);
    const cache = createMatchCache(store, index);
    const rated = store.followRatings(user);
    const rest = waiting.length - page.length;
    const reply: Reply = {
      visibility: 'ephemeral',
      title: 'More from your digest',
      text: `${page.length} of the ${waiting.length} ${waiting.length === 1 ? 'paper' : 'papers'} your digests offered, most relevant first.`,
      papers: offers.slice(0, page.length).map(({ paper, follow }) => {
        // Why each came, as the digest would have said (after the follow's ratings).
        const feedback = rated.get(topicKey(follow.topic));
        let joined = false;
        if (feedback?.size) joined = cache.learned(follow.topic, follow.created, feedback, follow.examples).some((h) => h.joined && h.paper.id === paper.id);
        else cache.ordered(follow.topic, follow.created, follow.examples);
        const reason = cache.reason(follow.topic, paper.id, joined);
        return reason ? { ...paperItem(paper), reason } : paperItem(paper);
      }),
      // Each paper's 👍 / 👎 rate it for the follow it came for.
      rateFor: offers.slice(0, page.length).map(({ follow }) => follow.id),
      shows: { target, paperIds: page.map((p) => p.id) },
    };
    if (rest > 0) {
      reply.notices = [`${rest} more still wait${rest === 1 ? 's' : ''}.`];
      reply.actions = [showMoreAction(rest)];
    }
    return reply;
  },
};

/**
 * Called by an adapter once a reply reached the person: records the papers it showed outside a
 * digest run as delivered. Never throws (logged): the reply was shown either way.
 */
export function confirmShown(context: Pick<CommandContext, 'store' | 'now' | 'log'>, reply: Reply, messageId = 'interactive'): void {
  if (!reply.shows || reply.shows.paperIds.length === 0) return;
  try {
    context.store.recordShown(reply.shows.target, reply.shows.paperIds, messageId, context.now());
  } catch (err) {
    context.log.error({ err }, 'could not record the papers a reply showed');
  }
}
