import type { AppConfig } from '../config/index.js';
import { createConsoleAdapter } from '../platforms/console/index.js';
import { createDiscordAdapter } from '../platforms/discord/index.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platforms/platform.js';
import { createSlackAdapter } from '../platforms/slack/index.js';

export interface ConsoleIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
}

/** One adapter per configured platform; console when none is configured. */
export function createPlatformAdapters(config: AppConfig, deps: AdapterDeps, routes: HttpRoute[], io: ConsoleIo & { onEnd(): void }): PlatformAdapter[] {
  const { slack, discord } = config.secrets;
  const adapters: PlatformAdapter[] = [];
  if (slack) {
    adapters.push(
      createSlackAdapter(deps, {
        ...slack,
        apiUrl: config.slack.apiUrl,
        port: config.http.port,
        host: config.http.host,
        routes,
        digestAdmins: config.slack.digestAdmins,
        commandsInFlight: config.flow.commandsInFlight,
      }),
    );
  }
  if (discord) adapters.push(createDiscordAdapter(deps, { ...discord, apiUrl: config.discord.apiUrl, commandsInFlight: config.flow.commandsInFlight }));
  if (adapters.length === 0) adapters.push(createConsoleAdapter(deps, io));
  return adapters;
}
