import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandContext, CommandDef } from '../core/commands/index.js';
import type { Deliverer } from '../core/deliverer.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import type { Platform } from '../core/types.js';

/** What every platform adapter gives the app. */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Sends digests on this platform. */
  readonly deliverer: Deliverer;
  /** Connects (or starts listening) and resolves once commands can arrive. */
  start(): Promise<void>;
  /** Stops taking commands and disconnects; resolves when closed. */
  stop(): Promise<void>;
  /** For /healthz: is it connected right now? */
  isConnected(): boolean;
  /** Called once the whole app is up, with a short summary for a person watching (the console prints it before its first prompt). */
  ready?(summary: string[]): void;
}

/** What the app hands every adapter. */
export interface AdapterDeps {
  context: CommandContext;
  commands: readonly CommandDef[];
  log: Logger;
  metrics: Metrics;
}

/** An extra HTTP route (e.g. /healthz) served on the same port as Slack's HTTP receiver. */
export interface HttpRoute {
  path: string;
  method: 'GET';
  handler(req: IncomingMessage, res: ServerResponse): void;
}
