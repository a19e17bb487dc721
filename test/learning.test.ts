import { beforeAll, describe, expect, it } from 'vitest';
import { createDigestPlanner } from '../src/core/digest.js';
import { more } from '../src/core/commands/more.js';
import { commands, parseCommandText, runCommand } from '../src/core/commands/index.js';
import { isQuiet, learnedCandidates, LEARNING, relevanceCut } from '../src/core/learning/rerank.js';
import { learnedMatch } from '../src/core/learning/topic-learning.js';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import { paper } from './fixtures/fake-search.js';
import { followLikeAction, itemActions, withRatedPapers, type Action, type PaperItem, type Reply } from '../src/core/reply.js';
import { renderText } from '../src/platforms/console/render.js';
import { renderReply as renderDiscord } from '../src/platforms/discord/render.js';
import type { SearchHit } from '../src/core/search-port.js';
import type { UserKey } from '../src/core/types.js';
import { createTestContext, seedPaperIndex } from './support/context.js';

let index: PaperIndex;
const ids = (hits: SearchHit[]) => hits.map((h) => h.paper.id);
const cos = (a: string, b: string) => {
  const x = index.paperVector(a)!;
  const y = index.paperVector(b)!;
  return x.reduce((s, v, k) => s + v * y[k]!, 0);
};

beforeAll(async () => {
  index = await seedPaperIndex();
});

describe('a follow that learns from 👍 / 👎', () => {
  it('with no ratings delivers exactly what an unrated follow does, in the same order', () => {
    for (const topic of ['LLM inference', 'category theory', 'optical character recognition']) {
      expect(ids(learnedMatch(index, topic, new Map()))).toEqual(ids(index.match(topic)));
    }
  });

  it('stops sending papers like a 👎 one, and sends the rest', () => {
    const topic = 'LLM inference';
    const base = ids(index.match(topic));
    const disliked = base[0]!;
    const after = ids(learnedMatch(index, topic, new Map([[disliked, -1]])));
    expect(after).not.toContain(disliked);
    // Gone: exactly the candidates nearer the 👎 paper than the rule allows; kept: all the others.
    const near = base.filter((id) => id !== disliked && cos(id, disliked) >= LEARNING.DISLIKE_NEAR + LEARNING.DISLIKE_MARGIN);
    expect(near.length).toBeGreaterThan(0);
    for (const id of near) expect(after).not.toContain(id);
    expect(after.length).toBeGreaterThan(0);
    for (const id of after) expect(base).toContain(id);
  });

  it('brings papers like a 👍 one, first, from the topic’s wider search', () => {
    const topic = 'category theory';
    const base = ids(index.match(topic));
    const liked = base[base.length - 1]!;
    const after = learnedMatch(index, topic, new Map([[liked, 1]]));
    const joined = ids(after).filter((id) => !base.includes(id));
    expect(joined.length).toBeGreaterThan(0);
    // Each paper says whether the 👍 brought it (its "Why:" line depends on it).
    expect(ids(after.filter((h) => h.joined))).toEqual(joined);
    for (const id of joined) expect(cos(id, liked)).toBeGreaterThanOrEqual(LEARNING.LIKE_NEAR - 1e-6);
    // Papers near the 👍 one rise: the liked paper itself, last before, and its nearest match move up.
    const order = ids(after).filter((id) => base.includes(id));
    expect(order.indexOf(liked)).toBeLessThan(base.indexOf(liked));
    const nearest = base.filter((id) => id !== liked).sort((a, b) => cos(b, liked) - cos(a, liked))[0]!;
    expect(order.indexOf(nearest)).toBeLessThanOrEqual(base.indexOf(nearest));
  });

  it('goes quiet on a topic the corpus lacks once what it delivered was rated 👎', async () => {
    // The seeds have nothing on face recognition; these mention it in passing, as a live feed's junk does.
    const fields = ['protein design', 'compiler testing', 'market making', 'soil chemistry', 'music generation', 'tax law'];
    const junk = fields.map((f, i) => paper(`p-facejunk0${i}`, `Face recognition style benchmarks for ${f}`, `We borrow the face recognition evaluation protocol to study ${f}, a topic far from faces: ${f} data, ${f} models and ${f} baselines.`));
    const { papers } = await loadCorpus('seeds');
    const withJunk = new PaperIndex([...papers, ...junk]);
    const topic = 'face recognition';
    const delivered = ids(withJunk.match(topic));
    expect(delivered.length).toBeGreaterThan(3);
    const feedback = new Map(delivered.slice(0, 3).map((id) => [id, -1 as const]));
    expect(feedback.size).toBe(3);
    expect(isQuiet(feedback)).toBe(true);
    expect(learnedMatch(withJunk, topic, feedback)).toEqual([]);
    // One 👍 among them: not quiet, the follow keeps learning.
    expect(isQuiet(new Map([...feedback, ['x', 1 as const]]))).toBe(false);
  });

  it('learns where its list turns to junk: below the least relevant 👎 under every 👍, only papers nearer a 👍 stay', () => {
    // Unit vectors in a plane: "a" papers point one way, "b" papers another (cosine 0 between the two ways).
    const way = { a: Float32Array.from([1, 0]), b: Float32Array.from([0, 1]), mid: Float32Array.from([Math.SQRT1_2, Math.SQRT1_2]) };
    const list: [string, number, Float32Array][] = [
      ['up1', 1, way.a], ['x1', 0.9, way.b], ['down1', 0.6, way.b], ['x2', 0.5, way.a], ['down2', 0.4, way.b],
      ['tail-a', 0.3, way.a], ['tail-b', 0.2, way.b], ['tail-mid', 0.1, way.mid],
    ];
    const hits = list.map(([id, score]) => ({ paper: paper(`p-${id}`, id), score }));
    const input = {
      hits,
      relevance: (h: SearchHit) => h.score,
      wider: () => [],
      vector: (id: string) => list.find(([x]) => `p-${x}` === id)?.[2],
    };
    const feedback = new Map<string, 1 | -1>([['p-up1', 1], ['p-down1', -1], ['p-down2', -1]]);
    expect(relevanceCut(hits, input.relevance, feedback)).toBe(0.4);
    const after = ids(learnedCandidates({ ...input, feedback }));
    // x1 goes as before (it is a 👎 lookalike); of the tail only the 👍 lookalike stays; x2, above the cut, stays.
    expect(after).toEqual(['p-up1', 'p-x2', 'p-tail-a']);
    // A 👍 below the 👎s means the list had not turned: no cut.
    expect(relevanceCut(hits, input.relevance, new Map([...feedback, ['p-tail-mid', 1]]))).toBe(-Infinity);
    // Nor without a 👍: 👎 alone say what to avoid, not where the list ends.
    expect(relevanceCut(hits, input.relevance, new Map([['p-down1', -1]]))).toBe(-Infinity);
  });

  it('never asks the wider search without a 👍', () => {
    let asked = 0;
    const hits = index.match('LLM inference');
    learnedCandidates({ hits, relevance: () => 1, wider: () => (asked++, []), vector: (id) => index.paperVector(id), feedback: new Map([[hits[0]!.paper.id, -1]]) });
    expect(asked).toBe(0);
  });
});

describe('ratings in DM digests', () => {
  const ann: UserKey = { platform: 'console', workspace: 'local', user: 'ann' };
  const bob: UserKey = { platform: 'console', workspace: 'local', user: 'bob' };

  it('change the rater’s digest only; the other follower of the topic gets the unrated digest; buttons carry the follow', async () => {
    const context = await createTestContext();
    const { store, config } = context;
    const at = new Date('2026-11-23T08:00:00Z');
    const topic = 'LLM inference';
    store.addFollow(ann, topic, new Date('2026-11-01T00:00:00Z'));
    store.addFollow(bob, topic, new Date('2026-11-01T00:00:00Z'));
    const plan = (u: UserKey) => createDigestPlanner(store, index, config).planUser(u, store.listFollows(u), at);
    const before = plan(ann);
    const first = before.paperIds[0]!;
    const near = ids(index.match(topic)).filter((id) => id !== first && cos(id, first) >= LEARNING.DISLIKE_NEAR + LEARNING.DISLIKE_MARGIN);
    expect(before.paperIds.some((id) => near.includes(id))).toBe(true);
    // Every paper offers 👍 / 👎 for ann's follow.
    const follow = store.listFollows(ann)[0]!;
    for (const p of withRatedPapers(before.reply!).papers!) expect(itemActions(p).filter((a) => a.command === 'rate').map((a) => [a.kind, a.args.follow, a.args.paper])).toEqual([['rate-up', follow.id, p.id], ['rate-down', follow.id, p.id]]);

    const who = { ...context, platform: 'console' as const, workspace: 'local', channel: 'console', isAdmin: false };
    const run = async (user: string, text: string) => {
      const { def, args } = parseCommandText(commands, text);
      return runCommand(context, def, { platform: who.platform, workspace: who.workspace, channel: who.channel, user, isAdmin: false }, args);
    };
    const rated = await run('ann', `rate ${first} down ${topic}`);
    expect(rated.outcome).toBe('ok');
    const after = plan(ann);
    for (const id of near) expect(after.paperIds).not.toContain(id);
    expect(plan(bob).paperIds).toEqual(before.paperIds);

    // /papers follows counts the ratings; reset forgets them and the digest is the unrated one again.
    expect((await run('ann', 'follows')).reply.text).toContain(`1. ${topic} (0 👍, 1 👎)`);
    expect((await run('bob', 'follows')).reply.text).toBe(`1. ${topic}`);
    expect((await run('ann', 'reset 1')).reply.text).toContain('Forgot your rating on “LLM inference”');
    expect(plan(ann).paperIds).toEqual(before.paperIds);
  });

  it('keep each paper’s follow through a stored payload and a reply split over messages (rateFor)', () => {
    // 12 papers: more than one Discord message holds with three buttons each; the 4th came for no follow.
    const papers: PaperItem[] = Array.from({ length: 12 }, (_, i) => ({ id: `p${i + 1}`, title: `T${i + 1}`, snippet: 's', url: 'https://example.org', actions: [followLikeAction(`p${i + 1}`)] }));
    const rateFor = papers.map((_, i) => (i === 3 ? null : i < 6 ? 7 : 8));
    const stored = JSON.parse(JSON.stringify({ visibility: 'channel', papers, rateFor } satisfies Reply)) as Reply;
    const want = (i: number) => (rateFor[i] == null ? [] : [`p${i + 1} up ${rateFor[i]}`, `p${i + 1} down ${rateFor[i]}`]);
    const rating = (a: Pick<Action, 'args'>) => `${a.args.paper} ${a.args.rating} ${a.args.follow}`;

    const seen: string[] = [];
    const messages = renderDiscord(stored, (a, used) => {
      if (a.command === 'rate') seen.push(rating(a));
      used.add(`b${used.size}`);
      return `b${used.size - 1}`;
    });
    expect(messages.length).toBeGreaterThan(1);
    expect(seen).toEqual(papers.flatMap((_, i) => want(i)));

    const { choices } = renderText(stored);
    const keyed = [...choices.values()].filter((c) => c.command === 'rate');
    expect(keyed.map(rating)).toEqual(papers.flatMap((_, i) => want(i)));
  });

  it('say why a paper a 👍 brought in came, in the digest and in /papers more', async () => {
    const context = await createTestContext();
    const { store, config } = context;
    const at = new Date('2026-11-23T08:00:00Z');
    const topic = 'category theory';
    store.addFollow(ann, topic, new Date('2026-11-01T00:00:00Z'));
    const base = ids(index.match(topic));
    store.rate(ann, topic, base[base.length - 1]!, 1, at);
    const plan = createDigestPlanner(store, index, { ...config, digests: { ...config.digests, size: 50 } }).planUser(ann, store.listFollows(ann), at);
    const papers = plan.reply!.papers!;
    const joined = papers.filter((p) => !base.includes(p.id));
    expect(joined.length).toBeGreaterThan(0);
    for (const p of joined) expect(p.reason).toBe('Why: “category theory”, like papers you rated 👍');
    for (const p of papers.filter((p) => base.includes(p.id))) expect(p.reason).toMatch(/^Why: “category theory”, (found|close to)/);

    // Offered but not yet shown: "more" gives the same reason.
    context.store.offerPapers({ ...ann, kind: 'user', id: ann.user }, [{ paperId: joined[0]!.id, topic, relevance: 1 }], at);
    const shown = await more.handle({ ...ann, channel: 'c', isAdmin: false, args: {} }, context);
    expect(shown.papers!.map((p) => [p.id, p.reason])).toEqual([[joined[0]!.id, 'Why: “category theory”, like papers you rated 👍']]);
  });

  it('never give one person a “you rated 👍” reason that came from another’s ratings, whoever is planned first', async () => {
    const context = await createTestContext();
    const { store, config } = context;
    const at = new Date('2026-11-23T08:00:00Z');
    const topic = 'category theory';
    store.addFollow(ann, topic, new Date('2026-11-01T00:00:00Z'));
    store.addFollow(bob, topic, new Date('2026-11-01T00:00:00Z'));
    const base = ids(index.match(topic));
    store.rate(ann, topic, base[base.length - 1]!, 1, at);
    const wide = { ...config, digests: { ...config.digests, size: 50 } };
    const annPapers = createDigestPlanner(store, index, wide).planUser(ann, store.listFollows(ann), at).reply!.papers!;
    const liked = annPapers.find((p) => !base.includes(p.id))!;
    expect(liked.reason).toBe('Why: “category theory”, like papers you rated 👍');
    // Bob rated nothing; a paper only ann's 👍 brought in reaches him as an earlier offer.
    store.offerPapers({ ...bob, kind: 'user', id: bob.user }, [{ paperId: liked.id, topic, relevance: 1 }], at);
    const bobsItem = (order: UserKey[]) => {
      const planner = createDigestPlanner(store, index, wide);
      const plans = new Map(order.map((u) => [u.user, planner.planUser(u, store.listFollows(u), at)]));
      return plans.get('bob')!.reply!.papers!.find((p) => p.id === liked.id)!;
    };
    const alone = bobsItem([bob]);
    expect(alone.reason).toBeUndefined();
    expect(bobsItem([ann, bob])).toEqual(alone);
    expect(bobsItem([bob, ann, bob])).toEqual(alone);
  });

  it('refuses a rating for a follow that is not the presser’s, and a paper or rating that does not exist', async () => {
    const context = await createTestContext();
    const { follow } = context.store.addFollow(ann, 'category theory', new Date('2026-11-01T00:00:00Z'));
    const paper = index.match('category theory')[0]!.paper.id;
    const def = commands.find((c) => c.path[0] === 'rate')!;
    const as = (user: string, args: Record<string, string | number>) => runCommand(context, def, { platform: 'console', workspace: 'local', channel: 'c', user, isAdmin: false }, args);
    const stolen = await as('bob', { paper, rating: 'up', follow: follow.id });
    expect(stolen).toMatchObject({ outcome: 'user_error' });
    expect(stolen.reply.text).toMatch(/no longer follow/);
    expect(context.store.followRatings(ann).size).toBe(0);
    expect((await as('ann', { paper: 'p-nothere000', rating: 'up', follow: follow.id })).reply.text).toMatch(/no paper with that id/);
    expect((await as('ann', { paper, rating: 'sideways', follow: follow.id })).reply.text).toMatch(/not a rating/);
    const ok = await as('ann', { paper, rating: 'up', follow: follow.id });
    expect(ok.reply.rated).toEqual({ paperId: paper, followId: follow.id, rating: 1 });
    expect((await as('ann', { paper, rating: 'clear', follow: follow.id })).reply.rated?.rating).toBe(0);
    expect(context.store.followRatings(ann).size).toBe(0);
  });
});
