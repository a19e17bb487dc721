import { capturedLogger } from './support/log-capture.js';
import { startSlackRig, type SlackRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import { type SlackAdapter } from '../src/platforms/slack/index.js';
import { SLACK_LIMITS } from '../src/platforms/slack/render.js';
import { buttonBody, FakeSlack, postSigned, slashCommandBody } from './fakes/slack.js';
import { seedPaperIndex, testConfig } from './support/context.js';

/** Follows and digest adds through bolt against the fake Slack: what is refused, skipped, told once, and set up. */

const SECRET = 'trust-secret';
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };
type Block = { type: string; text?: { text: string }; accessory?: Button; elements?: Button[] };
type Button = { action_id: string; value: string; text: { text: string } };

const clock = { now: new Date('2026-11-23T07:00:00Z') };
const store = createMemoryStore();
const config = testConfig();
const { log, lines: logLines } = capturedLogger();
let rig: SlackRig;
let fake: FakeSlack;
let adapter: SlackAdapter;
let context: CommandContext;
let eventsUrl: string;

beforeAll(async () => {
  context = { index: await seedPaperIndex(), store, config, log: silentLogger, now: () => clock.now, schedulesChanged() {} };
  rig = await startSlackRig(context, SECRET, { prepare: (f) => f.users.set('UADMIN', { is_admin: true }) });
  ({ fake, adapter, eventsUrl } = rig);
});

afterAll(() => rig?.stop());

async function slash(text: string, who: { user?: string; channel?: string } = {}): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  expect((await postSigned(eventsUrl, slashCommandBody(text, url, who), SECRET)).status).toBe(200);
  return fake.response(id);
}

async function press(button: Button, who: { user?: string } = {}): Promise<Record<string, unknown>> {
  const { id, url } = fake.newResponseUrl();
  expect((await postSigned(eventsUrl, buttonBody(button, url, who), SECRET)).status).toBe(200);
  return fake.response(id);
}

const blocks = (body: Record<string, unknown>) => body.blocks as Block[];
const text = (body: Record<string, unknown>) => JSON.stringify(body.blocks);
const buttons = (body: Record<string, unknown>) => blocks(body).flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.type === 'actions' ? b.elements! : [])]);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('topics with no searchable word', () => {
  it('are refused by follow in the same words as search, while a rare but searchable topic is accepted', async () => {
    for (const topic of ['🚀🔥', '?!...', 'the']) {
      const searched = await slash(`search ${topic}`, { user: 'UNEW' });
      const followed = await slash(`follow ${topic}`, { user: 'UNEW' });
      const refusal = blocks(searched)[0]!.text!.text.split('\n')[0]!;
      expect(refusal).toMatch(/^:warning: /);
      expect(blocks(followed)[0]!.text!.text.split('\n')[0]).toBe(refusal);
    }
    expect(store.listFollows({ platform: 'slack', workspace: 'T1', user: 'UNEW' })).toEqual([]);
    const rare = await slash('follow quantum chromodynamics lattice', { user: 'UNEW' });
    expect(text(rare)).toContain('Following “quantum chromodynamics lattice”');
  });

  it('are refused by digest add the same way', async () => {
    const answer = await slash('digest add "the" daily 09:00', { user: 'UADMIN', channel: 'CREFUSE' });
    expect(text(answer)).toContain(':warning: Type what to search for');
    expect(store.listDigests({ platform: 'slack', workspace: 'T1', channel: 'CREFUSE' })).toEqual([]);
  });

  it('already stored, never block the other follows of a digest: skipped, logged once, its owner told once', async () => {
    const user = { platform: 'slack' as const, workspace: 'T1', user: 'UOLD' };
    const at = new Date('2026-11-22T07:00:00Z');
    // Rows a store may already hold from before the rule.
    store.addFollow(user, 'the', at);
    store.addFollow(user, 'diffusion models', at);
    store.addFollow(user, '🚀🔥', at);
    const scheduler = createScheduler({ store, index: context.index, config, log, cron: inertCron, deliverers: new Map([['slack', adapter.deliverer]]), clock: () => clock.now, sleep: async () => {} });
    const only = (t: { target: { id: string } }) => t.target.id === 'UOLD';

    clock.now = new Date('2026-11-23T08:00:30Z');
    expect(await scheduler.runDue(clock.now, only)).toMatchObject({ sent: 1, failed: 0 });
    const first = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'DUOLD');
    expect(first).toHaveLength(1);
    const body = JSON.stringify(first[0]!.params.blocks);
    expect(body).toContain('diffusion models: ');
    expect(body).toContain('I can’t search for your follow “the”');
    expect(body).toContain('I can’t search for your follow “🚀🔥”');
    expect(body).toContain('/papers unfollow the');
    expect(store.deliveredPapers({ platform: 'slack', workspace: 'T1', kind: 'user', id: 'UOLD' }, context.index.match('diffusion models').map((h) => h.paper.id)).size).toBeGreaterThan(0);

    clock.now = new Date('2026-11-24T08:00:30Z');
    await scheduler.runDue(clock.now, only);
    const all = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'DUOLD');
    for (const later of all.slice(1)) expect(JSON.stringify(later.params.blocks)).not.toContain('I can’t search');
    expect(logLines.filter((l) => l.msg === 'a digest topic cannot be searched; skipped it and told its owner')).toHaveLength(2);
  });
});

describe('a message too small for its papers', () => {
  it('goes to Slack as several messages, every paper on exactly one, the buttons on the last, each part tagged', async () => {
    const papers = Array.from({ length: 14 }, (_, i) => ({ id: `p-long-${i}`, title: `Paper ${i}`, snippet: 'lorem ipsum '.repeat(240), url: `https://example.org/${i}` }));
    const reply = { visibility: 'channel' as const, title: 'Your paper digest', papers, notices: ['the end'], actions: [{ kind: 'show-more' as const, label: '3 more: Show them', command: 'more', args: {} }] };
    await adapter.deliverer.send({ platform: 'slack', workspace: 'T1', kind: 'channel', id: 'CSPLIT' }, reply, { idempotencyKey: 'pbsplit' });
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CSPLIT');
    expect(posts.length).toBeGreaterThan(1);
    const ids = posts.flatMap((p) => JSON.stringify(p.params.blocks).match(/p-long-\d+/g) ?? []);
    expect(ids).toEqual(papers.map((p) => p.id));
    for (const p of posts) {
      expect((p.params.blocks as Block[]).length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(JSON.stringify(p.params.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.blocksChars);
      expect(JSON.stringify(p.params.blocks)).not.toContain('not shown here');
    }
    expect(JSON.stringify(posts.at(-1)!.params.blocks)).toContain('3 more: Show them');
    // Each part carries its own idempotency key (issue 14's part keys).
    const keys = posts.map((p) => (p.params.metadata as { event_payload: { idempotency_key: string } }).event_payload.idempotency_key);
    expect(new Set(keys).size).toBe(posts.length);
  });
});

describe('search and follow limits', () => {
  it('a 250-character search offers "Follow this topic", and pressing it follows', async () => {
    const query = 'diffusion models for image generation with transformers and attention '.repeat(4).slice(0, 250).trim();
    const found = await slash(`search ${query}`, { user: 'ULONG' });
    const follow = buttons(found).find((b) => b.text.text === 'Follow this topic');
    expect(follow).toBeDefined();
    const answer = await press(follow!, { user: 'ULONG' });
    expect(text(answer)).toContain('Following “');
    expect(store.listFollows({ platform: 'slack', workspace: 'T1', user: 'ULONG' }).map((f) => f.topic)).toEqual([query]);
  });

  it('a query that normalizes past the topic limit gets no Follow button rather than one that fails', async () => {
    // "ﬁ" (one unit) becomes "fi" (two) when topics are normalized.
    const query = `diffusion ${'ﬁ'.repeat(200)}`;
    const found = await slash(`search ${query}`, { user: 'ULONG' });
    expect(buttons(found).map((b) => b.text.text)).not.toContain('Follow this topic');
  });
});

describe('text cut to a limit', () => {
  it('never ends in half an emoji in a Slack header', async () => {
    const query = `diffusion ${'🚀'.repeat(80)}`;
    const found = await slash(`search ${query}`, { user: 'UEMOJI' });
    const header = blocks(found)[0]!;
    expect(header.type).toBe('header');
    expect(header.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header.text!.text).toMatch(/…$/);
    // Tested on the string itself: JSON.stringify would spell a lone surrogate out as \ud83d.
    expect(LONE_SURROGATE.test(header.text!.text)).toBe(false);
  });
});

describe('digest add, twice', () => {
  it('answers that it is set up, not with an error, and adds one digest', async () => {
    const first = await slash('digest add "graph neural networks" daily 09:00 UTC', { user: 'UADMIN', channel: 'CTWICE' });
    const second = await slash('digest add "graph neural networks" daily 09:00 UTC', { user: 'UADMIN', channel: 'CTWICE' });
    expect(text(first)).toContain('This channel will get new papers on “graph neural networks” daily 09:00 (UTC)');
    expect(text(second)).not.toContain(':warning:');
    expect(text(second)).toContain('set up to get new papers on “graph neural networks” daily 09:00 (UTC)');
    expect(store.listDigests({ platform: 'slack', workspace: 'T1', channel: 'CTWICE' })).toHaveLength(1);
  });
});
