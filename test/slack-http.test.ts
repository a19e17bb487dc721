import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/log.js';
import type { Metrics } from '../src/core/metrics.js';
import { createSlackAdapter, type SlackAdapter } from '../src/platforms/slack/index.js';
import { buttonBody, FakeSlack, postSigned, slashCommandBody } from './fakes/slack.js';
import { createTestContext } from './support/context.js';

const SECRET = 'test-signing-secret';

type Block = { type: string; text?: { text: string }; accessory?: Button; elements?: Button[] };
type Button = { action_id: string; value: string; text: { text: string } };

let fake: FakeSlack;
let adapter: SlackAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
let eventsUrl: string;
const handled: { command: string; outcome: string }[] = [];

const metrics: Metrics = {
  commandHandled: (_p, command, outcome) => void handled.push({ command, outcome }),
  searchRan() {},
  digestSent() {},
  digestFailed() {},
};

beforeAll(async () => {
  fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { is_admin: true });
  fake.users.set('UPLAIN', {});
  context = await createTestContext();
  adapter = createSlackAdapter(
    { context, commands, log: silentLogger, metrics },
    {
      botToken: 'xoxb-test-token',
      signingSecret: SECRET,
      apiUrl: fake.apiUrl,
      port: 0,
      host: '127.0.0.1',
      digestAdmins: ['UCONFIG'],
      routes: [{ path: '/healthz', method: 'GET', handler: (_req, res) => res.end('healthy') }],
      clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } },
    },
  );
  await adapter.start();
  eventsUrl = `http://127.0.0.1:${adapter.address()!.port}/slack/events`;
});

afterAll(async () => {
  await adapter.stop();
  await fake.close();
});

beforeEach(() => {
  handled.length = 0;
});

/** Sends `/papers <text>` signed, checks the empty ack, and returns what came on the response_url. */
async function slash(text: string, who: { user?: string; channel?: string } = {}) {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, slashCommandBody(text, url, who), SECRET);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
  return fake.response(id);
}

async function press(button: Button, who: { user?: string } = {}) {
  const { id, url } = fake.newResponseUrl();
  const res = await postSigned(eventsUrl, buttonBody(button, url, who), SECRET);
  expect(res.status).toBe(200);
  return fake.response(id);
}

function blocks(body: Record<string, unknown>): Block[] {
  return body.blocks as Block[];
}

function buttons(body: Record<string, unknown>): Button[] {
  return blocks(body).flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.type === 'actions' ? b.elements! : [])]);
}

function button(body: Record<string, unknown>, label: string): Button {
  const found = buttons(body).find((b) => b.text.text === label);
  if (!found) throw new Error(`no "${label}" button`);
  return found;
}

describe('Slack HTTP mode', () => {
  it('acks a signed /papers search with an empty body and answers ephemerally on the response_url', async () => {
    const body = await slash('search diffusion');
    expect(body.response_type).toBe('ephemeral');
    expect(body.replace_original).toBe(false);
    expect(blocks(body)[0]).toMatchObject({ type: 'header', text: { text: 'Papers for “diffusion”' } });
    expect(blocks(body).filter((b) => b.type === 'section').length).toBe(context.config.search.pageSize);
    expect(String(body.text)).toContain('Papers for “diffusion”');
    expect(handled).toEqual([{ command: 'search', outcome: 'ok' }]);
    // Bolt authorizes with the bot token; the token never appears in a body it posts.
    expect(fake.callsTo('auth.test')[0]?.authorization).toBe('Bearer xoxb-test-token');
    expect(fake.callsTo('users.info')).toHaveLength(0);
  });

  it('rejects a bad signature and a stale timestamp with 401 and runs nothing', async () => {
    const bad = fake.newResponseUrl();
    const body = slashCommandBody('search diffusion', bad.url);
    expect((await postSigned(eventsUrl, body, 'wrong-secret')).status).toBe(401);
    expect((await postSigned(eventsUrl, body, SECRET, { signature: 'v0=deadbeef' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSigned(eventsUrl, body, SECRET, { timestamp: stale })).status).toBe(401);
    await slash('help');
    expect(fake.responses.filter((r) => r.id === bad.id)).toHaveLength(0);
    expect(handled).toEqual([{ command: 'help', outcome: 'ok' }]);
  });

  it('escapes an injected <!channel> in the query so the reply pings no one', async () => {
    const body = await slash('search <!channel> <@U999> diffusion');
    // Button values are never displayed; they carry the query back verbatim.
    const json = JSON.stringify(body, (key, value: unknown) => (key === 'value' ? undefined : value));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U999>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('answers a mistyped command with usage, to that user only', async () => {
    const body = await slash('serch diffusion');
    expect(body.response_type).toBe('ephemeral');
    expect(String(body.text)).toContain('I don’t know the command'.replace('’', "'"));
    expect(String(body.text)).toContain('/papers help');
    expect(handled).toEqual([{ command: 'unparsed', outcome: 'user_error' }]);
  });

  it('lets a non-admin not add a channel digest, and an admin (users.info is_admin) add one', async () => {
    const channel = 'CDIGEST';
    const refused = await slash('digest add "graph neural networks" daily 09:00', { user: 'UPLAIN', channel });
    expect(String(refused.text)).toContain('Only a workspace admin');
    expect(context.store.listDigests({ platform: 'slack', workspace: 'T1', channel })).toHaveLength(0);

    const added = await slash('digest add "graph neural networks" daily 09:00', { user: 'UADMIN', channel });
    expect(String(added.text)).toContain('This channel will get new papers on “graph neural networks”');
    expect(context.store.listDigests({ platform: 'slack', workspace: 'T1', channel })).toMatchObject([{ topic: 'graph neural networks', createdBy: 'UADMIN' }]);
    expect(fake.callsTo('users.info').map((c) => c.params.user)).toEqual(['UPLAIN', 'UADMIN']);
    expect(handled.map((h) => h.outcome)).toEqual(['user_error', 'ok']);
  });

  it('trusts the configured digestAdmins without asking users.info', async () => {
    const before = fake.callsTo('users.info').length;
    const added = await slash('digest add diffusion weekdays 08:30', { user: 'UCONFIG', channel: 'CCONF' });
    expect(String(added.text)).toContain('This channel will get new papers on “diffusion”');
    expect(fake.callsTo('users.info')).toHaveLength(before);
  });

  it('"Next 5" shows the next page, ephemerally, without replacing the original', async () => {
    const first = await slash('search diffusion');
    const next = await press(button(first, `Next ${context.config.search.pageSize}`));
    expect(next.response_type).toBe('ephemeral');
    expect(next.replace_original).toBe(false);
    const size = context.config.search.pageSize;
    expect(JSON.stringify(next.blocks)).toContain(`Showing ${size + 1}-${2 * size} of`);
    const firstIds = blocks(first).filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
    const nextIds = blocks(next).filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
    expect(nextIds.some((id) => firstIds.includes(id) && id.includes('id:'))).toBe(false);
  });

  it('"More like this" answers with papers similar to that one', async () => {
    const first = await slash('search diffusion');
    const more = button(first, 'More like this');
    const { id } = JSON.parse(more.value).args as { id: string };
    const similar = await press(more);
    expect(similar.response_type).toBe('ephemeral');
    const title = context.index.get(id)!.title;
    expect(String(similar.text)).toContain('More like');
    expect(JSON.stringify(similar.blocks)).not.toContain(`id: \`${id}\``);
    expect(String(similar.text)).toContain(title.slice(0, 20).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('"Follow this topic" follows it for whoever pressed the button', async () => {
    const first = await slash('search state space models');
    const followed = await press(button(first, 'Follow this topic'), { user: 'UFOLLOW' });
    expect(followed.response_type).toBe('ephemeral');
    expect(String(followed.text)).toContain('Following “state space models”');
    expect(context.store.listFollows({ platform: 'slack', workspace: 'T1', user: 'UFOLLOW' })).toMatchObject([{ topic: 'state space models' }]);
  });

  it('"Share to channel" posts the results in_channel for everyone, without paging buttons', async () => {
    const first = await slash('search diffusion');
    const shared = await press(button(first, 'Share to channel'));
    expect(shared.response_type).toBe('in_channel');
    expect(shared.replace_original).toBe(false);
    // Only the papers' own buttons (a row of "Follow papers like this" under each), none of the asker's.
    const rows = blocks(shared).filter((b) => b.type === 'actions') as unknown as { elements: { text: { text: string } }[] }[];
    expect(rows.flatMap((r) => r.elements.map((e) => e.text.text)).every((t) => t === 'Follow papers like this')).toBe(true);
    expect(buttons(shared).map((b) => b.text.text)).toContain('More like this');
    expect(JSON.stringify(shared.blocks)).toContain('Shared by <@U1>');
    expect(handled.at(-1)).toEqual({ command: 'search', outcome: 'ok' });
  });

  it('answers a forged or stale button value politely', async () => {
    const body = await press({ action_id: 'papers:follow:a0', value: '{"command":"nope","args":{}}', text: { text: 'x' } });
    expect(String(body.text)).toContain('That button no longer works');
  });

  it('refuses HTTP mode without a signing secret rather than accept unsigned requests', () => {
    expect(() => createSlackAdapter({ context, commands, log: silentLogger, metrics }, { botToken: 'xoxb-x', port: 0, host: '127.0.0.1', digestAdmins: [] })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('serves the extra routes on the same port', async () => {
    const res = await fetch(`http://127.0.0.1:${adapter.address()!.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('healthy');
    expect(adapter.isConnected()).toBe(true);
  });
});
