import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, SocketModeReceiver, webApi, type CustomRoute } from '@slack/bolt';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platform.js';
import { errorSummary } from './admin.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackDeliverer } from './deliverer.js';
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

  // Socket Mode gets its own client options: it keeps fast, many retries for reconnecting,
  // while the bot's own calls keep the bounded retryConfig above.
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: options.appToken!,
        logger,
        installerOptions: { clientOptions: { timeout: clientOptions.timeout, ...(slackApiUrl ? { slackApiUrl } : {}) } },
      })
    : undefined;
  const app = receiver
    ? new App({ token: options.botToken, receiver, clientOptions, logger })
    : new App({ token: options.botToken, signingSecret: options.signingSecret, customRoutes: toCustomRoutes(options.routes ?? []), clientOptions, logger });

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
      if (receiver) {
        await app.start();
        connected = true;
        deps.log.info({ mode: 'socket' }, 'slack connected');
        return;
      }
      server = (await app.start({ port: options.port, host: options.host })) as Server;
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
        const stopping = app.stop();
        server.closeIdleConnections();
        await stopping;
        server = undefined;
      }
    },
    isConnected: () => (receiver ? connected : server?.listening === true),
    address: () => (server?.address() as AddressInfo | null) ?? undefined,
  };
}

function toCustomRoutes(routes: HttpRoute[]): CustomRoute[] {
  return routes.map((route) => ({ path: route.path, method: route.method, handler: (req, res) => route.handler(req, res) }));
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
