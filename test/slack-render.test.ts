import { describe, expect, it } from 'vitest';
import type { Action, PaperItem, Reply } from '../src/core/reply.js';
import { decodeActionValue, encodeActionValue } from '../src/platforms/slack/action-value.js';
import { escapeMrkdwn, mrkdwnLink } from '../src/platforms/slack/mrkdwn.js';
import { renderReply, SLACK_LIMITS } from '../src/platforms/slack/render.js';

type AnyBlock = { type: string; text?: { type: string; text: string }; accessory?: Button; elements?: (Button & { text: string | { text: string } })[] };
type Button = { type: 'button'; action_id: string; value: string; text: { text: string } };

function paper(i: number, over: Partial<PaperItem> = {}): PaperItem {
  return {
    id: `p-${i}`,
    title: `Paper ${i}`,
    snippet: `Snippet ${i}`,
    url: `https://example.org/${i}`,
    actions: [{ kind: 'similar', label: 'More like this', command: 'similar', args: { id: `p-${i}` } }],
    ...over,
  };
}

const replyActions: Action[] = [
  { kind: 'next-page', label: 'Next 5', command: 'search', args: { query: 'q', offset: 5 } },
  { kind: 'follow', label: 'Follow this topic', command: 'follow', args: { topic: 'q' } },
  { kind: 'share', label: 'Share to channel', command: 'search', args: { query: 'q', offset: 0 }, visibility: 'channel' },
];

function blocksOf(reply: Reply) {
  return renderReply(reply).blocks as unknown as AnyBlock[];
}

function allButtons(blocks: AnyBlock[]): Button[] {
  return blocks.flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...((b.type === 'actions' ? b.elements : []) ?? [])]) as Button[];
}

function assertWithinLimits(reply: Reply): void {
  const { blocks, text } = renderReply(reply);
  const typed = blocks as unknown as AnyBlock[];
  expect(typed.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.blocksChars);
  expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  for (const b of typed) {
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (b.type === 'context') expect(b.elements!.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
  const buttons = allButtons(typed);
  for (const button of buttons) {
    expect(button.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    expect(button.value.length).toBeLessThanOrEqual(2000);
  }
  expect(new Set(buttons.map((b) => b.action_id)).size).toBe(buttons.length);
}

describe('mrkdwn escaping', () => {
  it('escapes the control characters so mentions ping no one', () => {
    expect(escapeMrkdwn('<!channel> & <@U123>')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('keeps a | in a title from ending the link label, and links only http(s)', () => {
    expect(mrkdwnLink('https://x.org/a', 'A | B <!here>')).toBe('<https://x.org/a|A ∣ B &lt;!here&gt;>');
    expect(mrkdwnLink('javascript:alert(1)', 'T')).toBe('T');
    expect(mrkdwnLink('https://x.org/a|<!channel>', 'T')).toBe('<https://x.org/a%7C%3C!channel%3E|T>');
  });
});

describe('renderReply', () => {
  it('renders a search page: header, a section per paper with its link and "More like this", notices, buttons', () => {
    const blocks = blocksOf({ visibility: 'ephemeral', title: 'Papers for “q”', papers: [paper(1), paper(2)], notices: ['Showing 1-2 of 9'], actions: replyActions });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'section', 'context', 'context', 'actions']);
    expect(blocks[1]!.text!.text).toBe('*<https://example.org/1|Paper 1>*\nSnippet 1');
    expect(blocks[1]!.accessory!.text.text).toBe('More like this');
    expect(decodeActionValue(blocks[1]!.accessory!.value)).toEqual({ command: 'similar', args: { id: 'p-1' } });
    expect(blocks[2]!.elements![0]!.text).toBe('id: `p-1`');
    expect(blocks[5]!.elements![0]!.text).toBe('Showing 1-2 of 9');
    const buttons = blocks[6]!.elements!;
    expect(buttons.map((b) => (b.text as { text: string }).text)).toEqual(['Next 5', 'Follow this topic', 'Share to channel']);
    expect(decodeActionValue(buttons[2]!.value)).toEqual({ command: 'search', args: { query: 'q', offset: 0 }, visibility: 'channel' });
  });

  it('escapes user and corpus text everywhere mrkdwn is used, and in the fallback text', () => {
    const evil = '<!channel> <@U123> & <https://evil.example|click>';
    const { blocks, text } = renderReply({ visibility: 'ephemeral', title: evil, text: evil, papers: [paper(1, { title: evil, snippet: evil, id: evil })], notices: [evil] });
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/<[!@]/);
    expect(text).toContain('&lt;!channel&gt; &lt;@U123&gt; &amp;');
  });

  it('sets verbatim on every mrkdwn text so a bare "@channel" or #name is not linked by Slack', () => {
    const { blocks } = renderReply({ visibility: 'channel', title: 't', text: '@channel look', papers: [paper(1, { title: '@here' })], notices: ['@everyone'] });
    const texts: { type: string; verbatim?: boolean }[] = [];
    JSON.stringify(blocks, (_k, v: unknown) => {
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'mrkdwn') texts.push(v as { type: string });
      return v;
    });
    expect(texts.length).toBeGreaterThanOrEqual(4);
    expect(texts.every((t) => t.verbatim === true)).toBe(true);
  });

  it('marks errors and keeps newlines of usage text', () => {
    const blocks = blocksOf({ visibility: 'ephemeral', isError: true, text: 'Bad.\nUsage: /papers search <query>' });
    expect(blocks[0]!.text!.text).toBe(':warning: Bad.\nUsage: /papers search &lt;query&gt;');
  });

  it('fits Block Kit limits with huge text, many papers, long labels and values', () => {
    const long = 'word & <x> '.repeat(2000);
    const papers = Array.from({ length: 60 }, (_, i) => paper(i, { title: long, snippet: long, url: `https://example.org/${'a'.repeat(50)}${i}` }));
    const actions: Action[] = Array.from({ length: 40 }, (_, i) => ({ kind: 'next-page', label: long, command: 'search', args: { query: 'q'.repeat(i % 2 ? 10 : 5000), offset: i } }));
    assertWithinLimits({ visibility: 'ephemeral', title: long, text: long, papers, notices: Array.from({ length: 30 }, () => long), actions });
  });

  it('keeps the buttons when the text is very long', () => {
    const blocks = blocksOf({ visibility: 'ephemeral', title: 't', text: 'long & text '.repeat(5000), actions: replyActions });
    expect(blocks.at(-1)!.type).toBe('actions');
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.blocksChars);
  });

  it('says how many papers were left out when not all fit', () => {
    const long = 'x'.repeat(2500);
    const blocks = blocksOf({ visibility: 'ephemeral', papers: Array.from({ length: 20 }, (_, i) => paper(i, { snippet: long })) });
    const shown = blocks.filter((b) => b.type === 'section').length;
    expect(shown).toBeLessThan(20);
    expect(JSON.stringify(blocks)).toContain(`${20 - shown} more not shown here`);
  });

  it('drops a button whose value would exceed 2,000 characters instead of truncating its JSON', () => {
    const huge: Action = { kind: 'follow', label: 'Follow', command: 'follow', args: { topic: 't'.repeat(2100) } };
    expect(encodeActionValue(huge)).toBeUndefined();
    const blocks = blocksOf({ visibility: 'ephemeral', text: 'hi', actions: [huge, replyActions[0]!] });
    expect(allButtons(blocks).map((b) => b.text.text)).toEqual(['Next 5']);
  });

  it('never cuts an escaped entity in half', () => {
    const blocks = blocksOf({ visibility: 'ephemeral', text: '&'.repeat(5000) });
    for (const b of blocks) expect(b.text!.text).toMatch(/^(&amp;)+…?$/);
  });
});

describe('button values', () => {
  it('round-trips and rejects what this bot did not produce', () => {
    const value = encodeActionValue({ command: 'search', args: { query: 'q', offset: 5 }, visibility: 'channel' })!;
    expect(decodeActionValue(value)).toEqual({ command: 'search', args: { query: 'q', offset: 5 }, visibility: 'channel' });
    expect(decodeActionValue('not json')).toBeUndefined();
    expect(decodeActionValue('{"command":"search","args":{"q":{"nested":1}}}')).toBeUndefined();
    expect(decodeActionValue('{"command":"search","args":{},"visibility":"everyone"}')).toBeUndefined();
  });
});
