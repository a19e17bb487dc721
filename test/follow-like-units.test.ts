import { describe, expect, it } from 'vitest';
import { BY_EXAMPLE, followLabel, likeIds, matchByExample } from '../src/core/follows/by-example.js';
import { reasonText, REASON_MAX } from '../src/core/follows/why.js';
import { followLikeAction, type PaperItem, type Reply } from '../src/core/reply.js';
import { parseMatchLine } from '../src/cli/commands/match-input.js';
import { renderText } from '../src/platforms/console/render.js';
import { papersPerMessage, renderReply as renderDiscord } from '../src/platforms/discord/render.js';
import { renderReply as renderSlack } from '../src/platforms/slack/render.js';
import { LIMITS } from '../src/platforms/discord/limits.js';
import { more } from '../src/core/commands/more.js';
import { createTestContext, seedPaperIndex } from './support/context.js';

const SEED = 'p-ahy3wqk1qh';

describe('why this paper', () => {
  it('names the follow and the words found, the example, or the 👍 ratings, within REASON_MAX', () => {
    expect(reasonText({ topic: 'diffusion models', matched: ['diffusion', 'denoising'] })).toBe('Why: “diffusion models”, found “diffusion”, “denoising”');
    expect(reasonText({ like: { id: 'p', title: 'A  Paper\nTitle', abstract: '', url: '' } })).toBe('Why: like “A Paper Title”');
    expect(reasonText({ topic: 'x', likeRated: true })).toBe('Why: “x”, like papers you rated 👍');
    const long = reasonText({ topic: 'w'.repeat(300), matched: Array.from({ length: 4 }, (_, i) => `${'v'.repeat(40)}${i}`) });
    expect(long.length).toBeLessThanOrEqual(REASON_MAX);
  });

  it('search evidence is the topic\'s own words as the paper writes them, and match() order is what it was', async () => {
    const index = await seedPaperIndex();
    const hits = index.match('hypergraph');
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits.filter((x) => x.matched!.length > 0)) expect(h.matched!.every((w) => /^hypergraph/.test(w))).toBe(true);
    const phrase = index.match('"graph neural networks"');
    expect(phrase.some((h) => h.matched!.includes('graph neural networks'))).toBe(true);
  });

  it('"N more: Show them" gives each offered paper its reason too', async () => {
    const context = await createTestContext();
    const user = { platform: 'console' as const, workspace: 'local', user: 'you' };
    const follow = context.store.addFollow(user, `like ${SEED}`, new Date('2026-11-22T08:00:00Z'), [SEED]).follow;
    const hit = matchByExample(context.index, [SEED])[0]!;
    context.store.offerPapers({ ...user, kind: 'user', id: 'you' }, [{ paperId: hit.paper.id, topic: follow.topic, relevance: 1 }], new Date('2026-11-22T08:00:00Z'));
    const reply = await more.handle({ platform: 'console', workspace: 'local', channel: 'c', user: 'you', isAdmin: false, args: {} }, context);
    expect(reply.papers!.map((p) => p.reason)).toEqual(['Why: like “Scalable Second Order Optimization for Deep Learning”']);
  });

  it('is escaped like all user text on every platform: no pings, no markup, no terminal control', () => {
    const reason = reasonText({ topic: '<!channel> *bold* [x](https://e.x) \u001b[31mred', matched: ['red'] });
    const item: PaperItem = { id: 'p-aaaaaaaaaa', title: 'T', snippet: 's', url: 'https://example.org', reason };
    const reply: Reply = { visibility: 'channel', papers: [item] };
    const slack = JSON.stringify(renderSlack(reply).blocks);
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    const discord = renderDiscord(reply, () => 'x')[0]!.embeds[0]!.description!;
    expect(discord).toContain('\\*bold\\*');
    // A masked link is broken by escaping its bracket; mentions are off for the whole message (allowed_mentions).
    expect(discord).toContain('\\[x](https');
    expect(discord).not.toMatch(/[^\\]\[x\]\(https/);
    const text = renderText(reply).text;
    expect(text).toContain('Why: “<!channel> *bold*');
    expect(text).not.toContain('\u001b');
  });
});

describe('follow by example', () => {
  it('reads "like <id>..." only when the word after like is a paper or arXiv id', () => {
    expect(likeIds('like p-h1gph9bfn5 p-ahy3wqk1qh')).toEqual(['p-h1gph9bfn5', 'p-ahy3wqk1qh']);
    expect(likeIds('Like arXiv:2401.12345v2')).toEqual(['arXiv:2401.12345v2']);
    expect(likeIds('like minded agents')).toBeUndefined();
    expect(likeIds('like')).toBeUndefined();
    expect(likeIds('diffusion like p-h1gph9bfn5')).toBeUndefined();
  });

  it('delivers only neighbours close by both measures, never an example, each with its closest example', async () => {
    const index = await seedPaperIndex();
    const hits = matchByExample(index, [SEED]);
    expect(hits.length).toBeGreaterThan(0);
    const close = new Map(index.neighbours(SEED, -1).map((n) => [n.paper.id, n]));
    for (const h of hits) {
      const n = close.get(h.paper.id)!;
      expect(n.latent).toBeGreaterThanOrEqual(BY_EXAMPLE.minLatent);
      expect(n.words).toBeGreaterThanOrEqual(BY_EXAMPLE.minWords);
      expect(h.like.id).toBe(SEED);
    }
    // Exactly the papers close by both measures: one measure alone is not enough.
    const both = [...close.values()].filter((n) => n.latent >= BY_EXAMPLE.minLatent && n.words >= BY_EXAMPLE.minWords).map((n) => n.paper.id);
    expect(new Set(hits.map((h) => h.paper.id))).toEqual(new Set(both));
    expect([...close.values()].some((n) => (n.latent >= BY_EXAMPLE.minLatent) !== (n.words >= BY_EXAMPLE.minWords))).toBe(true);
    const two = matchByExample(index, [SEED, hits[0]!.paper.id]);
    expect(two.map((h) => h.paper.id)).not.toContain(SEED);
    expect(two.map((h) => h.paper.id)).not.toContain(hits[0]!.paper.id);
    expect(matchByExample(index, ['p-nosuchpaper'])).toEqual([]);
    expect(followLabel(index, { topic: `like ${SEED} p-x`, examples: [SEED, 'p-x'] })).toBe('papers like “Scalable Second Order Optimization for Deep Learning” and 1 more');
  });

  it('a JSON match line is a topic or a like list, never both, checked by one schema', () => {
    expect(parseMatchLine('diffusion models')).toEqual({ ok: true, input: { topic: 'diffusion models' } });
    expect(parseMatchLine('{"like": ["p-a", "p-b"]}')).toEqual({ ok: true, input: { like: ['p-a', 'p-b'] } });
    expect(parseMatchLine('{"like": ["p-a"], "extra": 1}')).toMatchObject({ ok: false });
    expect(parseMatchLine('{"like": ["1","2","3","4","5","6"]}')).toMatchObject({ ok: false, error: expect.stringContaining('at most 5') });
  });

  it('Discord pages a reply so every paper keeps its buttons within 5 rows of 5', () => {
    const item = (i: number, buttons: number): PaperItem => ({ id: `p-${i}`, title: `T${i}`, snippet: '', url: '', actions: Array.from({ length: buttons }, () => followLikeAction(`p-${i}`)) });
    const show = { kind: 'show-more' as const, label: '3 more', command: 'more', args: {} };
    expect(papersPerMessage([item(1, 1)], [show])).toBe(10);
    expect(papersPerMessage([item(1, 3)], [show])).toBe(6);
    expect(papersPerMessage([item(1, 3)], [])).toBe(8);
    let n = 0;
    const messages = renderDiscord({ visibility: 'channel', papers: Array.from({ length: 10 }, (_, i) => item(i, 3)), actions: [show] }, () => `id${n++}`);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m.components.length).toBeLessThanOrEqual(LIMITS.rows);
    expect(messages.flatMap((m) => m.components.flatMap((r) => r.components))).toHaveLength(31);
  });
});
