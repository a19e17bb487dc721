import { describe, expect, it } from 'vitest';
import { paperByline, type Reply } from '../src/core/reply.js';
import { renderText } from '../src/platforms/console/render.js';
import { renderReply as renderDiscord } from '../src/platforms/discord/render.js';
import { renderReply as renderSlack } from '../src/platforms/slack/render.js';

const reply: Reply = {
  visibility: 'ephemeral',
  papers: [{ id: 'p-abcdefghij', title: 'Quokka', snippet: 'An abstract.', url: 'https://arxiv.org/abs/2611.01234', byline: paperByline({ authors: ['Mia <Wombat>', 'Leo Quoll', 'Ivy Dunnart', '@everyone'], published: '2026-11-19T17:59:58.000Z', upvotes: 42 }) }],
};

describe('paper bylines: authors, date and upvotes where there is room', () => {
  it('are built from what is known, and absent when nothing is', () => {
    expect(reply.papers![0]!.byline).toBe('Mia <Wombat>, Leo Quoll, Ivy Dunnart et al. · 2026-11-19 · 42 upvotes');
    expect(paperByline({ upvotes: 1 })).toBe('1 upvote');
    expect(paperByline({})).toBeUndefined();
  });

  it('are shown on the console, in Slack (escaped) and on Discord', () => {
    expect(renderText(reply).text).toContain('    Mia <Wombat>, Leo Quoll, Ivy Dunnart et al. · 2026-11-19 · 42 upvotes');
    expect(JSON.stringify(renderSlack(reply))).toContain('Mia &lt;Wombat&gt;, Leo Quoll, Ivy Dunnart et al. · 2026-11-19 · 42 upvotes');
    const discord = renderDiscord(reply, (a) => a.kind);
    expect(JSON.stringify(discord)).toContain('2026-11-19 · 42 upvotes');
  });
});
