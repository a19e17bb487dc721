import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import { retryWithBackoff, type BackoffOptions } from '../../core/flow/backoff.js';
import { InflightGate, LOOP_LAG_LIMIT_MS } from '../../core/flow/inflight-gate.js';
import { loopLagOver } from '../../core/flow/loop-lag.js';
import { SeenKeys } from '../../core/flow/seen-keys.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platform.js';
import { errorSummary } from './admin.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackDeliverer } from './deliverer.js';
import { INBOUND_KEY, INBOUND_SIGNED_AT, inboundGuards } from './guards.js';
import { inboundListener, SIGNATURE_WINDOW_SEC, FUTURE_SKEW_SEC } from './inbound.js';
import { refusedSlackToken } from './startup.js';
import { register as registerActions } from './listeners/actions.js';
import { register as registerCommands } from './listeners/commands.js';
import { createPacer } from './pacer.js';
import { createSentLookup } from './sent-lookup.js';
import { createTurns } from './turns.js';

export { renderReply, SLACK_LIMITS, type SlackMessage } from './render.js';
export { createSlackDeliverer } from './deliverer.js';

export interface SlackAdapterOptions {
  botToken: string;
  /** Required in HTTP mode: every request's signature is checked against it. */
  signingSecret?: string;
  /** Set: Socket Mode (no public URL needed). Unset: HTTP mode on host:port. */
  appToken?: string;
  /** Web API base, e.g. a fake server's http://127.0.0.1:PORT/api/ (null: Slack's). */
  apiUrl?: string | null;
  port: number;
  host: string;
  /** Extra GET routes (/healthz, /metrics) served on Slack's port in HTTP mode. */
  routes?: HttpRoute[];
  digestAdmins: string[];
  /** Extra WebClient options, e.g. a fast retryConfig in tests. */
  clientOptions?: Partial<webApi.WebClientOptions>;
  /** Commands worked on at once; past it the ack says "busy" (default 64). */
  commandsInFlight?: number;
  /** Waits between start attempts while Slack is unreachable (tests shorten it). */
  startBackoff?: BackoffOptions;
  /** Least time between two history look-ups in one workspace (default HISTORY_INTERVAL_MS). */
  historyIntervalMs?: number;
}

/** conversations.history is Tier 3 (about 50 a minute per workspace): one look-up every 1.2 s stays under it. */
export const HISTORY_INTERVAL_MS = 1200;

export interface SlackAdapter extends PlatformAdapter {
  readonly app: App;
  /** Where the HTTP receiver listens, once started in HTTP mode. */
  address(): AddressInfo | undefined;
}

/** Bounded defaults: the WebClient's own are 10 retries over ~30 minutes and no timeout. */
export const SLACK_CLIENT_DEFAULTS = {
  timeout: 10_000,
  retryConfig: { retries: 5, factor: 2, minTimeout: 1000, maxTimeout: 30_000 },
} satisfies webApi.WebClientOptions;

export function createSlackAdapter(deps: AdapterDeps, options: SlackAdapterOptions): SlackAdapter {
  const logger = boltLogger(deps.log);
  const slackApiUrl = options.apiUrl ?? undefined;
  const clientOptions: webApi.WebClientOptions = { ...SLACK_CLIENT_DEFAULTS, ...(slackApiUrl ? { slackApiUrl } : {}), ...options.clientOptions };
  // Bolt's respond() posts to response_url with this fetch and no timeout of its own.
  clientOptions.fetch ??= fetchWithTimeout(clientOptions.timeout ?? SLACK_CLIENT_DEFAULTS.timeout);
  const socketMode = Boolean(options.appToken);
  if (!socketMode && !options.signingSecret) {
    throw new Error('paperboy: Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN to use Socket Mode).');
  }

  // Every delivery of an inbound request is known by one key (see guards.ts), remembered past
  // Slack's replay window so a replayed signed request or a redelivered envelope runs once.
  const seen = new SeenKeys((SIGNATURE_WINDOW_SEC + FUTURE_SKEW_SEC + 60) * 1000);
  const gate = new InflightGate(options.commandsInFlight ?? 64, loopLagOver(LOOP_LAG_LIMIT_MS));
  const containErrors = (what: string) => (error: unknown) => deps.log.error({ err: errorSummary(error) }, `slack ${what} failed`);

  // Socket Mode gets its own client options: it keeps fast, many retries for reconnecting,
  // while the bot's own calls keep the bounded retryConfig above.
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: options.appToken!,
        logger,
        installerOptions: { clientOptions: { timeout: clientOptions.timeout, ...(slackApiUrl ? { slackApiUrl } : {}) } },
        customPropertiesExtractor: (event) => ({ [INBOUND_KEY]: `envelope:${String((event as { envelope_id?: unknown }).envelope_id)}` }),
        // A payload bolt cannot route (e.g. null) is logged and acked, so Slack does not redeliver it.
        processEventErrorHandler: async ({ error }) => {
          containErrors('event')(error);
          return true;
        },
      })
    : undefined;
  // HTTP: our front door (inbound.ts) checks size, time window, signature and shape; bolt's
  // receiver then parses and routes what passed, without reading or verifying it again.
  const httpReceiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret!,
        signatureVerification: false,
        logger,
        customPropertiesExtractor: (req) => ({
          [INBOUND_KEY]: `signature:${String(req.headers['x-slack-signature'])}`,
          [INBOUND_SIGNED_AT]: Number(req.headers['x-slack-request-timestamp']),
        }),
        processEventErrorHandler: async ({ error, response }) => {
          containErrors('request')(error);
          if (!response.headersSent) response.writeHead(200).end();
          return false;
        },
      });
  const app = new App({ token: options.botToken, receiver: receiver ?? httpReceiver, clientOptions, logger, deferInitialization: true });
  app.use(inboundGuards(seen, gate, deps.log));

  // Digest posts and history look-ups: no retries of the client's own (a post that timed out may
  // have landed), and a 429 comes back to us instead of pausing every call of the app's client.
  const digestClient = new webApi.WebClient(options.botToken, { ...clientOptions, logger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });

  const listenerDeps = { ...deps, digestAdmins: options.digestAdmins, turn: createTurns() };
  registerCommands(app, listenerDeps);
  registerActions(app, listenerDeps);
  app.error(async (error) => {
    deps.log.error({ err: errorSummary(error) }, 'slack listener failed');
  });

  let server: Server | undefined;
  let connected = false;
  receiver?.client.on('connected', () => (connected = true));
  receiver?.client.on('disconnected', () => (connected = false));

  return {
    platform: 'slack',
    app,
    deliverer: createSlackDeliverer({
      client: app.client,
      postClient: digestClient,
      lookup: createSentLookup(digestClient, createPacer(options.historyIntervalMs ?? HISTORY_INTERVAL_MS), deps.log),
      log: deps.log,
      rateLimitRetries: clientOptions.retryConfig?.retries ?? SLACK_CLIENT_DEFAULTS.retryConfig.retries,
    }),
    async start() {
      // auth.test: a refused token stops the start with one clear line; an outage is waited out.
      await retryWithBackoff('slack auth.test', () => app.init(), (err) => refusedSlackToken(err, 'SLACK_BOT_TOKEN'), deps.log, options.startBackoff);
      if (receiver) {
        await retryWithBackoff('slack socket connection', () => app.start(), (err) => refusedSlackToken(err, 'SLACK_APP_TOKEN'), deps.log, options.startBackoff);
        connected = true;
        deps.log.info({ mode: 'socket' }, 'slack connected');
        return;
      }
      const listener = inboundListener({
        signingSecret: options.signingSecret!,
        routes: options.routes ?? [],
        log: deps.log,
        pass: (req, res) => httpReceiver!.requestListener(req, res),
      });
      server = createServer(listener);
      // Slack's requests are small and sent at once: a client trickling one in is cut off.
      server.requestTimeout = 10_000;
      server.headersTimeout = 10_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(options.port, options.host, () => resolve());
      });
      deps.log.info({ mode: 'http', port: (server.address() as AddressInfo).port, host: options.host }, 'slack listening');
    },
    async stop() {
      if (receiver) {
        connected = false;
        // app.stop() does not wait for the socket's close handshake; this does, within a bound.
        await withinMs(receiver.client.disconnect(), 3000);
        return;
      }
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await withinMs(closing, 2000);
        server.closeAllConnections();
        server = undefined;
      }
    },
    isConnected: () => (receiver ? connected : server?.listening === true),
    address: () => (server?.address() as AddressInfo | null) ?? undefined,
  };
}

function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) });
}

function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
