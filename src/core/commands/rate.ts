import { UserError } from '../errors.js';
import { followLabel, followMatches } from '../follows/by-example.js';
import { personOf } from '../identity.js';
import { countRatings, parseRating, ratingEmoji, type Rating } from '../learning/feedback.js';
import { isQuiet } from '../learning/rerank.js';
import { normalizePaperId } from '../paper-id.js';
import type { Reply } from '../reply.js';
import type { PaperSearch } from '../search-port.js';
import { topicKey, type Follow } from '../store/port.js';
import { MAX_TOPIC_LENGTH, pickByNumberOrTopic } from '../topics.js';
import type { CommandDef } from './definition.js';

/** 👍 / 👎 on a paper for one of your follows: what the digest's rating buttons run. */
export const rate: CommandDef = {
  path: ['rate'],
  description: 'Rate a paper 👍 or 👎 for a follow: it learns what to send you (clear takes a rating back)',
  usage: '/papers rate <paper id> <up|down|clear> [follow number|topic]',
  example: '/papers rate p-h1gph9bfn5 up',
  options: [
    { name: 'paper', description: 'The paper id, as shown under it', type: 'string', required: true, maxLength: 100 },
    { name: 'rating', description: 'up (👍, more like it), down (👎, not this) or clear', type: 'string', required: true, maxLength: 10 },
    { name: 'topic', rest: true, description: 'Which follow (its number or topic); default: the follows it matches', type: 'string', required: false, maxLength: MAX_TOPIC_LENGTH, autocomplete: 'follows' },
    { name: 'follow', description: 'The follow id (set by the buttons)', type: 'integer', required: false, hidden: true },
  ],
  handle(request, { store, index, now }): Reply {
    const person = personOf(request);
    const rating: Rating | 0 | undefined = String(request.args.rating).trim().toLowerCase() === 'clear' ? 0 : parseRating(String(request.args.rating));
    if (rating === undefined) throw new UserError(`“${String(request.args.rating).slice(0, 20)}” is not a rating.`, 'Use up (👍), down (👎) or clear, e.g. /papers rate p-h1gph9bfn5 up');
    const id = normalizePaperId(String(request.args.paper));
    const paper = index.get(id);
    if (!paper) throw new UserError('I have no paper with that id.', 'Copy the id shown under the paper, e.g. p-h1gph9bfn5');
    const follows = store.listFollows(person);
    const chosen = whichFollows(follows, index, id, request.args.follow, request.args.topic);
    for (const f of chosen) store.rate(person, f.topic, id, rating, now());
    const rated = store.followRatings(person);
    const lines = chosen.map((f) => {
      const feedback = rated.get(topicKey(f.topic)) ?? new Map();
      const { up, down } = countRatings(feedback);
      const effect = rating === 0 ? 'rating taken back' : rating > 0 ? 'papers like it come first' : 'papers like it stop coming';
      const quiet = isQuiet(feedback) ? ` It now sends nothing (${down} 👎, no 👍); /papers reset ${f.topic} starts it over.` : '';
      return `${rating === 0 ? 'Cleared' : ratingEmoji(rating)} for “${followLabel(index, f)}”: ${effect} (${up} 👍, ${down} 👎).${quiet}`;
    });
    const reply: Reply = { visibility: 'ephemeral', text: `“${paper.title}”\n${lines.join('\n')}` };
    if (chosen.length === 1 && typeof request.args.follow === 'number') reply.rated = { paperId: id, followId: chosen[0]!.id, rating };
    return reply;
  },
};

/** The follow a button names (it must be yours), the one you typed, or else your follows whose matches hold the paper. */
function whichFollows(follows: Follow[], index: PaperSearch, paperId: string, followId: unknown, topic: unknown): Follow[] {
  if (typeof followId === 'number') {
    const f = follows.find((x) => x.id === followId);
    if (!f) throw new UserError('You no longer follow the topic that paper came for, so there is nothing to rate.', 'See your follows with /papers follows.');
    return [f];
  }
  if (typeof topic === 'string' && topic.trim()) return [pickByNumberOrTopic(follows, topic, 'follow', '/papers follows')];
  if (follows.length === 0) throw new UserError('You follow no topics yet, so there is nothing to rate for.', 'Follow one with /papers follow <topic>');
  const matching = follows.filter((f) => {
    try {
      return followMatches(index, f).some((h) => h.paper.id === paperId);
    } catch {
      return false;
    }
  });
  if (matching.length === 0) throw new UserError('That paper is not among what your follows deliver.', 'Name the follow: /papers rate <paper id> up <follow number or topic>');
  return matching;
}
