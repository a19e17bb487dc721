import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import type { CommandDef } from '../src/core/commands/index.js';
import type { Action, PaperItem, Reply } from '../src/core/reply.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { ActionMemory, decodeAction, encodeAction } from '../src/platforms/discord/action-ids.js';
import { buildCommandsPayload } from '../src/platforms/discord/commands-payload.js';
import { nonceFor } from '../src/platforms/discord/deliverer.js';
import { toDeliveryError } from '../src/platforms/discord/delivery-errors.js';
import { createPausedNotices, DMS_BLOCKED_NOTICE } from '../src/platforms/discord/paused-notice.js';
import { renderReply, type RenderedMessage } from '../src/platforms/discord/render.js';

const memory = new ActionMemory();
const render = (reply: Reply) => renderReply(reply, (action, used) => encodeAction(action, memory, used));

function embedChars(message: RenderedMessage): number {
  return message.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
}

const similar = (id: string): Action => ({ kind: 'similar', label: 'More like this', command: 'similar', args: { id } });
const paper = (i: number, over: Partial<PaperItem> = {}): PaperItem => ({ id: `p-${i}`, title: `Paper ${i}`, snippet: `About ${i}.`, url: `https://example.org/${i}`, actions: [similar(`p-${i}`)], ...over });

describe('renderReply', () => {
  it('keeps every limit whatever the text', () => {
    const huge = 'Ω'.repeat(9000);
    const papers = Array.from({ length: 10 }, (_, i) => paper(i, { title: huge, snippet: `${huge} *bold* ${huge}` }));
    const actions: Action[] = [
      { kind: 'next-page', label: `Next ${huge}`, command: 'search', args: { query: huge, offset: 10 } },
      { kind: 'follow', label: 'Follow this topic', command: 'follow', args: { topic: huge } },
      { kind: 'share', label: 'Share to channel', command: 'search', args: { query: huge, offset: 0 }, visibility: 'channel' },
    ];
    const [message, ...rest] = render({ visibility: 'ephemeral', title: huge, text: huge, papers, notices: [huge], actions });
    expect(rest).toEqual([]);
    expect(message!.content!.length).toBeLessThanOrEqual(2000);
    expect(message!.embeds).toHaveLength(10);
    expect(embedChars(message!)).toBeLessThanOrEqual(6000);
    for (const embed of message!.embeds) {
      expect(embed.title!.length).toBeLessThanOrEqual(256);
      expect(embed.description!.length).toBeLessThanOrEqual(4096);
    }
    expect(message!.components.length).toBeLessThanOrEqual(5);
    const buttons = message!.components.flatMap((row) => row.components);
    for (const b of buttons) {
      expect(b.label!.length).toBeLessThanOrEqual(80);
      expect(b.custom_id.length).toBeLessThanOrEqual(100);
    }
    expect(new Set(buttons.map((b) => b.custom_id)).size).toBe(buttons.length);
    // The reply's own buttons survive when paper buttons fill the rows.
    expect(message!.components.at(-1)!.components.map((b) => b.label)).toEqual([expect.stringMatching(/^Next/), 'Follow this topic', 'Share to channel']);
  });

  it('a text reply fits one embed of at most 4,096 characters', () => {
    const [message] = render({ visibility: 'ephemeral', title: 'T', text: 'a '.repeat(5000) });
    expect(message!.embeds).toHaveLength(1);
    expect(message!.embeds[0]!.description!.length).toBeLessThanOrEqual(4096);
    expect(message!.embeds[0]!.description!.endsWith('…')).toBe(true);
  });

  it('escapes markdown in titles, snippets and text but leaves mentions for allowed_mentions', () => {
    const [message] = render({ visibility: 'ephemeral', title: '**x** @everyone', papers: [paper(1, { title: '__under__ <@1>', snippet: '`code` [link](https://evil.example)' })] });
    expect(message!.content).toBe('**\\*\\*x\\*\\* @everyone**');
    expect(message!.embeds[0]!.title).toBe('1. \\_\\_under\\_\\_ <@1>');
    expect(message!.embeds[0]!.description).toContain('\\`code\\`');
    expect(message!.embeds[0]!.description).toContain('\\[link]');
    const [text] = render({ visibility: 'ephemeral', text: '# Heading\n- item\n1. first' });
    expect(text!.embeds[0]!.description).toBe('\\# Heading\n\\- item\n1\\. first');
  });

  it('links a paper only when its URL is http(s)', () => {
    const [message] = render({ visibility: 'ephemeral', papers: [paper(1), paper(2, { url: 'javascript:alert(1)' })] });
    expect(message!.embeds[0]!.url).toBe('https://example.org/1');
    expect(message!.embeds[1]!.url).toBeUndefined();
  });

  it('labels paper buttons "More like #n" and colours errors', () => {
    const [ok] = render({ visibility: 'ephemeral', papers: [paper(1), paper(2)] });
    expect(ok!.components[0]!.components.map((b) => b.label)).toEqual(['More like #1', 'More like #2']);
    const [error] = render({ visibility: 'ephemeral', text: 'No.', isError: true });
    expect(error!.embeds[0]!.color).not.toBe(ok!.embeds[0]!.color);
  });

  it('splits more than ten papers into messages numbered on, buttons on the last', () => {
    const papers = Array.from({ length: 12 }, (_, i) => paper(i));
    const parts = render({ visibility: 'channel', title: 'Digest', papers, notices: ['n'], actions: [{ kind: 'follow', label: 'Follow', command: 'follow', args: { topic: 't' } }] });
    expect(parts.map((p) => p.embeds.length)).toEqual([10, 2]);
    expect(parts[0]!.content).toBe('**Digest**');
    expect(parts[1]!.content).toBeUndefined();
    expect(parts[1]!.embeds[0]!.title).toBe('11. Paper 10');
    expect(parts[1]!.embeds[1]!.footer!.text).toBe('n');
    expect(parts[1]!.components.flatMap((r) => r.components).map((b) => b.label)).toEqual(['More like #11', 'More like #12', 'Follow']);
  });
});

describe('button custom ids', () => {
  it('round-trips a short action inline, without the memory', () => {
    const empty = new ActionMemory();
    const action = { kind: 'share' as const, command: 'show', args: { id: 'p-1a2b3c4d' }, visibility: 'channel' as const };
    const id = encodeAction(action, empty);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(empty.size).toBe(0);
    expect(decodeAction(id, new ActionMemory())).toEqual({ ok: true, action });
  });

  it('keeps a long action in a bounded memory; an evicted one is expired', () => {
    const small = new ActionMemory(2);
    const long = (n: number) => ({ kind: 'follow' as const, command: 'follow', args: { topic: `${n} ${'x'.repeat(150)}` } });
    const ids = [1, 2, 3].map((n) => encodeAction(long(n), small));
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(100);
    expect(small.size).toBe(2);
    expect(decodeAction(ids[0]!, small)).toEqual({ ok: false, reason: 'expired' });
    expect(decodeAction(ids[2]!, small)).toEqual({ ok: true, action: long(3) });
  });

  it('expires remembered actions after their age', () => {
    let now = 0;
    const aging = new ActionMemory(10, 1000, () => now);
    const id = encodeAction({ kind: 'follow', command: 'follow', args: { topic: 'y'.repeat(200) } }, aging);
    now = 1001;
    expect(decodeAction(id, aging)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects ids it did not make', () => {
    for (const id of ['', 'other', 'pbse{not json', 'pbxe["a",{}]', 'pbse["a",{"x":{}}]']) expect(decodeAction(id, memory).ok).toBe(false);
  });
});

describe('the /papers registration payload', () => {
  const [papers] = buildCommandsPayload(commands);
  const sub = (name: string, group?: string) => {
    const parent = group ? papers!.options!.find((o) => o.name === group) : papers;
    return (parent as { options: { name: string; type: number; options?: Record<string, unknown>[] }[] }).options.find((o) => o.name === name)!;
  };

  it('has one-word paths as subcommands and two-word paths in groups', () => {
    expect(papers!.name).toBe('papers');
    expect(sub('search').type).toBe(1);
    expect(sub('digest').type).toBe(2);
    expect((sub('digest') as unknown as { options: { name: string }[] }).options.map((o) => o.name)).toEqual(['add', 'list', 'remove', 'pause', 'resume']);
    expect(sub('time', 'settings').type).toBe(1);
    const registered = papers!.options!.flatMap((o) => ('options' in o && o.type === 2 ? o.options!.map((s) => `${o.name} ${s.name}`) : [o.name]));
    expect(registered.sort()).toEqual(commands.map((c) => c.path.join(' ')).sort());
  });

  it('types options, keeps limits, omits hidden ones and marks autocomplete', () => {
    expect(sub('search').options).toEqual([{ type: 3, name: 'query', description: expect.any(String), required: true, max_length: 300 }]);
    expect(sub('unfollow').options![0]).toMatchObject({ name: 'topic', autocomplete: true });
    const withInt: CommandDef = { path: ['x'], description: 'd', usage: 'u', example: 'e', options: [{ name: 'n', description: 'n', type: 'integer', required: false, minValue: 1 }, { name: 's', description: 's', type: 'string', required: true }], handle: () => ({ visibility: 'ephemeral' }) };
    const [one] = buildCommandsPayload([withInt]);
    expect((one!.options![0] as { options: unknown[] }).options).toEqual([
      { type: 3, name: 's', description: 's', required: true },
      { type: 4, name: 'n', description: 'n', required: false, min_value: 1 },
    ]);
  });

  it('is usable by everyone (Manage Channels is checked per subcommand by the bot) in servers and the bot DM', () => {
    expect(papers).not.toHaveProperty('default_member_permissions');
    expect(papers!.contexts).toEqual([0, 1]);
    for (const o of papers!.options!) expect(o.description.length).toBeLessThanOrEqual(100);
  });
});

describe('delivery errors and nonces', () => {
  const apiError = (code: number, status: number) => new DiscordAPIError({ code, message: 'no' }, code, status, 'POST', '/x', {});

  it('maps unreachable codes, other 4xx and 5xx', () => {
    expect(toDeliveryError(apiError(50007, 403))).toMatchObject({ failure: 'unreachable', code: 50007 });
    expect(toDeliveryError(apiError(50035, 400))).toMatchObject({ failure: 'transient' });
    expect(toDeliveryError(new HTTPError(503, 'Service Unavailable', 'POST', '/x', {}))).toMatchObject({ failure: 'transient', code: 503 });
    expect(toDeliveryError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ failure: 'transient', message: 'Discord: request timed out' });
  });

  it('uses a short key as the nonce and hashes anything else to 25 characters', () => {
    expect(nonceFor('abc123')).toBe('abc123');
    expect(nonceFor('discord:1:channel:2@2026-11-23T09:00:00Z')).toHaveLength(25);
    expect(nonceFor('abc123', 1)).not.toBe(nonceFor('abc123', 2));
    expect(nonceFor('abc123', 1)).toBe(nonceFor('abc123', 1));
  });
});

describe('the DMs-closed notice', () => {
  it('is given once per pause, only for a 50007 pause', () => {
    const store = createMemoryStore();
    const notices = createPausedNotices(store);
    const user = { platform: 'discord' as const, workspace: 'g', user: 'u' };
    expect(notices(user)).toBeUndefined();
    store.setPrefs(user, { time: '08:00', timeZone: 'UTC', paused: true, pausedReason: '10003' });
    expect(notices(user)).toBeUndefined();
    store.setPrefs(user, { time: '08:00', timeZone: 'UTC', paused: true, pausedReason: '50007', since: new Date(1) });
    expect(notices(user)).toBe(DMS_BLOCKED_NOTICE);
    expect(notices(user)).toBeUndefined();
    store.setPrefs(user, { time: '08:00', timeZone: 'UTC', paused: true, pausedReason: '50007', since: new Date(2) });
    expect(notices(user)).toBe(DMS_BLOCKED_NOTICE);
  });
});
