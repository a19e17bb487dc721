import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One Web API call the bot made. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

/** One message posted to a response_url. */
export interface ResponsePost {
  id: string;
  body: Record<string, unknown>;
}

/** A scripted answer for the next call of a method: a rate limit, a Slack error, or a 5xx. */
export type Failure = { status: 429; retryAfter: number } | { error: string } | { status: 500 | 502 | 503 } | { stall: true };

export interface FakeUser {
  is_admin?: boolean;
  is_owner?: boolean;
}

/** A message the fake accepted: stored the moment chat.postMessage arrived, whenever it answers. */
export interface StoredMessage {
  type: 'message';
  ts: string;
  text: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

interface Waiter {
  check(): boolean;
  resolve(): void;
}

/**
 * A fake Slack on 127.0.0.1: the Web API methods the bot uses, response_url endpoints and a
 * Socket Mode WebSocket. It records everything, and `waitFor` resolves as soon as a recorded
 * event matches: tests await events, never sleep.
 */
export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponsePost[] = [];
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly failures = new Map<string, Failure[]>();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private waiters: Waiter[] = [];
  /** Messages by channel, oldest first. */
  readonly messages = new Map<string, StoredMessage[]>();
  /** Answer delays by method (ms, or a function for a new delay each call): the work is done on arrival. */
  readonly delays = new Map<string, number | (() => number)>();
  /** Called as each call arrives, and as its answer is written (tests use them to kill a bot at that moment). */
  onCall?: (call: ApiCall) => void;
  onAnswer?: (call: ApiCall) => void;
  private held = new Set<string>();
  private holding: (() => void)[] = [];
  private lastTsMicros = 0;
  private nextResponseId = 1;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url; posts to it are recorded under its id. */
  newResponseUrl(): { id: string; url: string } {
    const id = String(this.nextResponseId++);
    return { id, url: `${this.url}/response/${id}` };
  }

  /** Makes the next calls of `method` fail, in order, before it answers normally again. */
  fail(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /** Answers of `method` wait (the call itself is carried out on arrival) until release(). */
  hold(method: string): void {
    this.held.add(method);
  }

  /** Stops holding and sends every held answer. */
  release(): void {
    this.held.clear();
    for (const answer of this.holding.splice(0)) answer();
  }

  /** Every message posted to the channel, oldest first. */
  messagesIn(channel: string): StoredMessage[] {
    return this.messages.get(channel) ?? [];
  }

  /** Every stored message whose metadata carries this idempotency key. */
  messagesWithKey(key: string): StoredMessage[] {
    return [...this.messages.values()].flat().filter((m) => m.metadata?.event_payload.idempotency_key === key);
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `predicate` holds over the recordings; rejects after `ms`. */
  waitFor(predicate: () => boolean, what = 'event', ms = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`fake slack: timed out waiting for ${what}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** The n-th (1-based) post to the response_url with this id. */
  async response(id: string, nth = 1, ms = 5000): Promise<Record<string, unknown>> {
    const posts = () => this.responses.filter((r) => r.id === id);
    await this.waitFor(() => posts().length >= nth, `response_url ${id} post #${nth}`, ms);
    return posts()[nth - 1]!.body;
  }

  /** Sends a Socket Mode envelope and resolves with the bot's ack for it. */
  async sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: object): Promise<{ envelope_id: string; payload?: unknown }> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error('fake slack: no Socket Mode connection');
    const envelopeId = randomUUID();
    socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    await this.waitFor(() => this.acks.some((a) => a.envelope_id === envelopeId), `ack of ${envelopeId}`);
    return this.acks.find((a) => a.envelope_id === envelopeId)!;
  }

  /** Sends an envelope exactly as given (e.g. a redelivery with the same envelope_id, or a null payload); resolves with its first ack. */
  async sendRawEnvelope(envelope: { envelope_id: string } & Record<string, unknown>): Promise<{ envelope_id: string; payload?: unknown }> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error('fake slack: no Socket Mode connection');
    const before = this.acks.filter((a) => a.envelope_id === envelope.envelope_id).length;
    socket.send(JSON.stringify(envelope));
    await this.waitFor(() => this.acks.filter((a) => a.envelope_id === envelope.envelope_id).length > before, `ack of ${envelope.envelope_id}`);
    return this.acks.filter((a) => a.envelope_id === envelope.envelope_id)[before]!;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  /** Closes sockets first (their close handshake), then the HTTP server. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.sockets].map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000);
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      })),
    );
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.notify();
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
      this.acks.push(message);
      this.notify();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: 'A1' } }));
    this.notify();
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path.startsWith('/response/')) {
      this.responses.push({ id: path.slice('/response/'.length), body: JSON.parse(raw || '{}') as Record<string, unknown> });
      this.notify();
      return send(res, 200, { ok: true });
    }
    if (!path.startsWith('/api/')) return send(res, 404, { ok: false, error: 'unknown_path' });
    const method = path.slice('/api/'.length);
    const call: ApiCall = { method, params: parseParams(req, raw), authorization: req.headers.authorization, at: Date.now() };
    this.calls.push(call);
    this.notify();
    this.onCall?.(call);
    const failure = this.failures.get(method)?.shift();
    if (failure && 'stall' in failure) return; // never answers: the client's timeout must fire
    if (failure && 'error' in failure) return send(res, 200, failure.error === 'missing_scope' ? { ok: false, error: 'missing_scope', needed: 'channels:history', provided: 'commands,chat:write' } : { ok: false, error: failure.error });
    if (failure?.status === 429) return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
    if (failure) return send(res, failure.status, { ok: false });
    const body = this.answer(method, call.params);
    const answer = () => {
      if (res.destroyed) return;
      send(res, 200, body);
      this.onAnswer?.(call);
    };
    const delay = this.delays.get(method);
    const ms = typeof delay === 'function' ? delay() : (delay ?? 0);
    if (this.held.has(method)) this.holding.push(answer);
    else if (ms > 0) setTimeout(answer, ms);
    else answer();
  }

  /** A unique, increasing ts from the wall clock, as Slack's are. */
  private newTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTsMicros / 1e6)}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }

  private post(params: Record<string, unknown>): StoredMessage {
    const channel = String(params.channel);
    const metadata = params.metadata as StoredMessage['metadata'] | undefined;
    const message: StoredMessage = {
      type: 'message', ts: this.newTs(), text: String(params.text ?? ''), user: 'UBOT', bot_id: 'BBOT', app_id: 'A1', team: 'T1',
      ...(params.blocks ? { blocks: params.blocks } : {}),
      ...(metadata ? { metadata } : {}),
    };
    this.messages.set(channel, [...this.messagesIn(channel), message]);
    return message;
  }

  /** conversations.history: newest first, oldest/latest exclusive unless inclusive, metadata only on request, cursor paging. */
  private history(params: Record<string, unknown>): Record<string, unknown> {
    const channel = String(params.channel ?? '');
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const inclusive = params.inclusive === 'true' || params.inclusive === true || params.inclusive === '1';
    const oldest = Number(params.oldest ?? 0);
    const latest = params.latest === undefined ? Infinity : Number(params.latest);
    const limit = Math.min(999, Math.max(1, Number(params.limit ?? 100)));
    const offset = params.cursor ? Number(Buffer.from(String(params.cursor), 'base64').toString().replace('offset:', '')) : 0;
    const metadata = params.include_all_metadata === 'true' || params.include_all_metadata === true || params.include_all_metadata === '1';
    const inWindow = this.messagesIn(channel)
      .filter((m) => (inclusive ? Number(m.ts) >= oldest && Number(m.ts) <= latest : Number(m.ts) > oldest && Number(m.ts) < latest))
      .reverse();
    const page = inWindow.slice(offset, offset + limit).map(({ metadata: meta, ...m }) => (metadata && meta ? { ...m, metadata: meta } : m));
    const more = offset + limit < inWindow.length;
    return {
      ok: true, messages: page, has_more: more, pin_count: 0, channel_actions_ts: null, channel_actions_count: 0,
      response_metadata: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
    };
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'paperboy', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'users.info': {
        const id = String(params.user);
        const user = this.users.get(id);
        return user ? { ok: true, user: { id, team_id: 'T1', name: id, is_admin: false, is_owner: false, ...user } } : { ok: false, error: 'user_not_found' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(params.users)}` } };
      case 'chat.postMessage': {
        const { ts, text, user, bot_id, app_id, team, blocks } = this.post(params);
        return { ok: true, channel: params.channel, ts, message: { type: 'message', text, user, bot_id, app_id, team, ts, ...(blocks ? { blocks } : {}) } };
      }
      case 'conversations.history':
        return this.history(params);
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** WebClient posts form fields, with objects such as `blocks` as JSON strings. */
function parseParams(req: IncomingMessage, raw: string): Record<string, unknown> {
  if (req.headers['content-type']?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) params[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  return params;
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Slack's request signature: v0= HMAC-SHA256 of "v0:{timestamp}:{body}". */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts a form body to the bot's /slack/events as Slack would, signed with `secret`. */
export async function postSigned(eventsUrl: string, body: string, secret: string, options: { timestamp?: number; signature?: string; contentType?: string } = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signature(secret, timestamp, body),
    },
    body,
  });
}

/**
 * Where a request comes from: a user in a workspace (team) that may belong to an Enterprise Grid
 * org. In a Grid org the user id is the same in every workspace, payloads name the org
 * (slash commands: `enterprise_id`, `enterprise_name`; block actions: `enterprise`,
 * `team.enterprise_id`), and `is_enterprise_install` says whether the app was installed org-wide.
 */
export interface SlackWho {
  user?: string;
  channel?: string;
  /** Workspace (team) id; T1 unless said. */
  team?: string;
  /** The Grid org, when the workspace belongs to one. */
  enterprise?: string;
  /** Installed org-wide (org_deploy_enabled) rather than in one workspace of the org. */
  orgInstall?: boolean;
}

/** The form fields of a `/papers` slash command. */
export function slashCommandFields(text: string, responseUrl: string, who: SlackWho = {}): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: who.team ?? 'T1',
    team_domain: 'fake',
    ...(who.enterprise ? { enterprise_id: who.enterprise, enterprise_name: 'Fake Org' } : {}),
    channel_id: who.channel ?? 'C1',
    channel_name: 'general',
    user_id: who.user ?? 'U1',
    user_name: 'ada',
    command: '/papers',
    text,
    api_app_id: 'A1',
    is_enterprise_install: String(who.orgInstall ?? false),
    response_url: responseUrl,
    trigger_id: '1.2.3',
  };
}

export function slashCommandBody(text: string, responseUrl: string, who: SlackWho = {}): string {
  return new URLSearchParams(slashCommandFields(text, responseUrl, who)).toString();
}

/** A block_actions payload for one pressed button. */
export function buttonPayload(button: { action_id: string; value: string }, responseUrl: string, who: SlackWho = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const user = who.user ?? 'U1';
  const channel = who.channel ?? 'C1';
  const team = who.team ?? 'T1';
  return {
    type: 'block_actions',
    // An org-wide install sends no team on block actions; the user's team_id still names the workspace.
    team: who.orgInstall ? null : { id: team, domain: 'fake', ...(who.enterprise ? { enterprise_id: who.enterprise, enterprise_name: 'Fake Org' } : {}) },
    enterprise: who.enterprise ? { id: who.enterprise, name: 'Fake Org' } : null,
    is_enterprise_install: who.orgInstall ?? false,
    user: { id: user, username: 'ada', name: 'ada', team_id: team },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1700000000.000001', channel_id: channel, is_ephemeral: true },
    trigger_id: '1.2.4',
    channel: { id: channel, name: 'general' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', text: { type: 'plain_text', text: 'x' }, value: button.value, action_ts: '1700000001.000001' }],
    // e.g. `message`: the (non-ephemeral) message the button is on, as Slack sends it for a bot's post.
    ...extra,
  };
}

export function buttonBody(button: { action_id: string; value: string }, responseUrl: string, who: SlackWho = {}, extra: Record<string, unknown> = {}): string {
  return new URLSearchParams({ payload: JSON.stringify(buttonPayload(button, responseUrl, who, extra)) }).toString();
}
