/**
 * A fake Discord for wire-level tests: REST on http://127.0.0.1:<port>/api/v10 and a JSON
 * gateway (ws) on the same port. Records every REST call and every gateway frame the bot sends;
 * tests await recorded events instead of sleeping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RestCall {
  method: string;
  /** Decoded path without the /api/v10 prefix, e.g. "/webhooks/1/tok/messages/@original". */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  status: number;
}

export interface GatewayFrame {
  op: number;
  d: any;
  s?: number | null;
  t?: string | null;
}

export interface CannedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Matcher = (call: Pick<RestCall, 'method' | 'path' | 'body'>) => boolean;

export interface FakeGuild {
  id: string;
  channels: string[];
}

export const BOT_USER = { id: '900000000000000001', username: 'Paperboy', discriminator: '0000', global_name: null, avatar: null, bot: true };
/** Permission bits as Discord sends them (decimal strings). */
export const PERMISSIONS = { none: '0', sendMessages: String(1n << 11n), manageChannels: String(1n << 4n) };

let nextSnowflake = 1_200_000_000_000_000_000n;
export function snowflake(): string {
  nextSnowflake += 1n;
  return nextSnowflake.toString();
}

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly frames: GatewayFrame[] = [];
  readonly applicationId: string;
  readonly guilds: FakeGuild[];
  private readonly overrides: { match: Matcher; response: CannedResponse }[] = [];
  private readonly holds: { match: Matcher; gate: Promise<void> }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly history: GatewayFrame[] = [];
  private socket: WebSocket | undefined;
  private seq = 0;
  private sessionId = '';
  private interactionCount = 0;
  private port = 0;
  private readonly http: Server;
  private readonly wss: WebSocketServer;

  private constructor(options: { applicationId?: string; guilds?: FakeGuild[] }) {
    this.applicationId = options.applicationId ?? '900000000000000001';
    this.guilds = options.guilds ?? [{ id: '800000000000000001', channels: ['700000000000000001'] }];
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(options: { applicationId?: string; guilds?: FakeGuild[] } = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.http.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.http.address() as AddressInfo).port;
    return fake;
  }

  /** For `new Client({ rest: { api } })`: discord.js appends /v10. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  // ---- waiting -------------------------------------------------------------------------

  /** Resolves with the first recorded call (at index `from` or later) that matches. */
  waitForCall(match: Matcher, options: { from?: number; timeoutMs?: number } = {}): Promise<RestCall> {
    return this.waitUntil(() => this.calls.slice(options.from ?? 0).find((c) => match(c)), options.timeoutMs, 'REST call');
  }

  /** Resolves with the first gateway frame from the bot (at index `from` or later) that matches. */
  waitForFrame(match: (f: GatewayFrame) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<GatewayFrame> {
    return this.waitUntil(() => this.frames.slice(options.from ?? 0).find(match), options.timeoutMs, 'gateway frame');
  }

  waitUntil<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryNow = (): boolean => {
        const value = check();
        if (value === undefined || value === false) return false;
        clearTimeout(timer);
        this.waiters.delete(tryNow);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(tryNow);
        reject(new Error(`fake discord: timed out waiting for ${what}`));
      }, timeoutMs);
      if (!tryNow()) this.waiters.add(tryNow);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // ---- REST ----------------------------------------------------------------------------

  /** The next matching request gets this response instead of the normal one. */
  respondOnce(match: Matcher, response: CannedResponse): void {
    this.overrides.push({ match, response });
  }

  /** Matching requests wait (unanswered) until the returned release() is called. */
  hold(match: Matcher): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const entry = { match, gate };
    this.holds.push(entry);
    return () => {
      this.holds.splice(this.holds.indexOf(entry), 1);
      release();
    };
  }

  /** Calls other than the gateway URL lookup, for assertions. */
  restCalls(match: Matcher = () => true): RestCall[] {
    return this.calls.filter((c) => c.path !== '/gateway/bot' && match(c));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const probe = { method, path, body };
    // Recorded on arrival (status 0 until answered), so a test can see a request it is holding.
    const call: RestCall = { method, path, query: url.searchParams, headers: req.headers, body, status: 0 };
    this.calls.push(call);
    this.notify();
    const held = this.holds.find((h) => h.match(probe));
    if (held) await held.gate;
    const overrideAt = this.overrides.findIndex((o) => o.match(probe));
    const response = overrideAt >= 0 ? this.overrides.splice(overrideAt, 1)[0]!.response : this.route(method, path, body, url.searchParams);
    call.status = response.status;
    res.writeHead(response.status, { ...(response.body === undefined ? {} : { 'content-type': 'application/json' }), ...response.headers });
    res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
    this.notify();
  }

  private route(method: string, path: string, body: unknown, query: URLSearchParams): CannedResponse {
    const ok = (b: unknown): CannedResponse => ({ status: 200, body: b });
    const parts = path.split('/').filter(Boolean);
    const at = (pattern: string): boolean => {
      const want = pattern.split('/').filter(Boolean);
      return want.length === parts.length && want.every((w, i) => w.startsWith(':') || w === parts[i]);
    };
    if (method === 'GET' && at('/gateway/bot')) {
      return ok({ url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'POST' && at('/interactions/:id/:token/callback')) {
      return query.get('with_response') === 'true' ? ok({ interaction: { id: parts[1], type: 2 } }) : { status: 204 };
    }
    if (method === 'PATCH' && at('/webhooks/:app/:token/messages/:message')) return ok(this.message(body, '700000000000000001'));
    if (method === 'POST' && at('/webhooks/:app/:token')) return ok(this.message(body, '700000000000000001'));
    if (method === 'POST' && at('/channels/:id/messages')) return ok(this.message(body, parts[1]!));
    if (method === 'POST' && at('/users/@me/channels')) {
      const recipient = (body as { recipient_id: string }).recipient_id;
      return ok({ id: `6${recipient.slice(1)}`, type: 1, recipients: [{ id: recipient, username: 'someone', discriminator: '0000', avatar: null }] });
    }
    if (method === 'PUT' && (at('/applications/:app/commands') || at('/applications/:app/guilds/:guild/commands'))) {
      return ok((body as object[]).map((c) => ({ ...c, id: snowflake(), application_id: parts[1], version: snowflake() })));
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private message(body: unknown, channelId: string): object {
    const b = (body ?? {}) as Record<string, unknown>;
    return {
      id: snowflake(), channel_id: channelId, type: 0, author: BOT_USER, content: b.content ?? '', embeds: b.embeds ?? [],
      components: b.components ?? [], attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false,
      tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: b.flags ?? 0,
    };
  }

  // ---- gateway -------------------------------------------------------------------------

  private onConnection(ws: WebSocket): void {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as GatewayFrame;
      this.frames.push(frame);
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null }));
      else if (frame.op === 2) this.onIdentify(ws);
      else if (frame.op === 6) this.onResume(ws, frame.d as { session_id: string; seq: number });
      this.notify();
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
      this.notify();
    });
  }

  private onIdentify(ws: WebSocket): void {
    this.sessionId = `session-${snowflake()}`;
    this.socket = ws;
    this.send(ws, 'READY', {
      v: 10, user: BOT_USER, session_id: this.sessionId, resume_gateway_url: this.gatewayUrl, shard: [0, 1],
      guilds: this.guilds.map((g) => ({ id: g.id, unavailable: true })), application: { id: this.applicationId, flags: 0 },
    });
    for (const guild of this.guilds) this.send(ws, 'GUILD_CREATE', guildPayload(guild));
  }

  private onResume(ws: WebSocket, d: { session_id: string; seq: number }): void {
    if (d.session_id !== this.sessionId) {
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    this.socket = ws;
    // Everything dispatched since the bot's last seen sequence, including while it was away.
    for (const frame of this.history.filter((f) => (f.s ?? 0) > d.seq)) ws.send(JSON.stringify(frame));
    this.send(ws, 'RESUMED', {});
  }

  private send(ws: WebSocket | undefined, t: string, d: unknown): void {
    const frame: GatewayFrame = { op: 0, t, s: ++this.seq, d };
    this.history.push(frame);
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  /** Sends a dispatch now, or (disconnected) keeps it for the bot's RESUME. */
  dispatch(t: string, d: unknown): void {
    this.send(this.socket, t, d);
  }

  /** Op 7: Discord asks the bot to reconnect and resume. */
  requestReconnect(): void {
    this.socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  /** Closes the bot's socket with a resumable close code. */
  dropConnection(code = 4000): void {
    this.socket?.close(code, 'fake: dropped');
    this.socket = undefined;
  }

  // ---- interactions --------------------------------------------------------------------

  /** INTERACTION_CREATE for a guild member; returns the interaction's id and token. */
  interact(type: 2 | 3 | 4, data: object, who: Partial<Actor> = {}, extra: object = {}): { id: string; token: string } {
    const actor = { ...defaultActor(this.guilds[0]!), ...who };
    const id = snowflake();
    const token = `itoken-${++this.interactionCount}`;
    const user = { id: actor.userId, username: `user${actor.userId.slice(-3)}`, discriminator: '0000', global_name: null, avatar: null };
    const where = actor.guildId === null
      ? {
          // The bot's own DM: a user instead of a member, a DM channel, context 1 (BotDM).
          channel_id: actor.channelId, user, context: 1, authorizing_integration_owners: { 0: '0' },
          channel: { id: actor.channelId, type: 1, recipients: [user], last_message_id: null, flags: 0 },
        }
      : {
          guild_id: actor.guildId, channel_id: actor.channelId, context: 0, authorizing_integration_owners: { 0: actor.guildId }, guild_locale: 'en-US',
          channel: { id: actor.channelId, type: 0, guild_id: actor.guildId, name: 'general', position: 0, permission_overwrites: [], nsfw: false, parent_id: null },
          member: { user, roles: [], permissions: actor.permissions, joined_at: '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null, premium_since: null, communication_disabled_until: null },
        };
    this.dispatch('INTERACTION_CREATE', {
      id, token, type, version: 1, application_id: this.applicationId, data,
      app_permissions: '2251799813685247', locale: 'en-US', entitlements: [],
      ...where,
      ...extra,
    });
    return { id, token };
  }

  /** `/papers <path...>` with string or integer options. */
  command(path: string[], options: Record<string, string | number> = {}, who: Partial<Actor> = {}): { id: string; token: string } {
    const leaf = { type: 1, name: path[path.length - 1]!, options: Object.entries(options).map(([name, value]) => ({ name, value, type: typeof value === 'number' ? 4 : 3 })) };
    const top = path.length === 2 ? { type: 2, name: path[0]!, options: [leaf] } : leaf;
    return this.interact(2, { id: '500000000000000001', name: 'papers', type: 1, options: [top] }, who);
  }

  /** Autocomplete while typing `focused` into option `name` of `/papers <path>`. */
  autocomplete(path: string[], name: string, typed: string, who: Partial<Actor> = {}): { id: string; token: string } {
    const leaf = { type: 1, name: path[path.length - 1]!, options: [{ name, value: typed, type: 3, focused: true }] };
    return this.interact(4, { id: '500000000000000001', name: 'papers', type: 1, options: [leaf] }, who);
  }

  /** A press of the button `customId` on a message the bot sent (ephemeral unless said). */
  press(customId: string, who: Partial<Actor> = {}, message: { embeds?: unknown[]; components?: unknown[]; flags?: number } = {}): { id: string; token: string } {
    const actor = { ...defaultActor(this.guilds[0]!), ...who };
    return this.interact(3, { custom_id: customId, component_type: 2 }, who, {
      message: { ...this.message({ flags: 64, ...message }, actor.channelId) },
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

export interface Actor {
  userId: string;
  /** null: the bot's DM. */
  guildId: string | null;
  channelId: string;
  permissions: string;
}

function defaultActor(guild: FakeGuild): Actor {
  return { userId: '100000000000000001', guildId: guild.id, channelId: guild.channels[0]!, permissions: PERMISSIONS.sendMessages };
}

function guildPayload(guild: FakeGuild): object {
  return {
    id: guild.id, name: 'Fake Guild', icon: null, owner_id: '100000000000000999', unavailable: false, large: false, member_count: 2,
    joined_at: '2025-01-01T00:00:00.000Z', features: [], emojis: [], stickers: [], members: [], voice_states: [], presences: [],
    threads: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    roles: [{ id: guild.id, name: '@everyone', permissions: PERMISSIONS.sendMessages, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    channels: guild.channels.map((id, i) => ({ id, type: 0, name: `channel-${i}`, position: i, permission_overwrites: [], nsfw: false, parent_id: null, guild_id: guild.id })),
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
