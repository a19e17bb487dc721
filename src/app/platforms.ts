import type { AppConfig } from '../config/index.js';
import type { ConsoleEnd } from '../platforms/console/index.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platforms/platform.js';

export interface ConsoleIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** Where the console keeps its Up/Down history (interactive only). */
  historyFile?: string;
}

/**
 * One adapter per configured platform; console when none is configured. Each platform's SDK is
 * loaded only when it is configured: loading Slack's and Discord's took about 2.5 s of every start.
 */
export async function createPlatformAdapters(config: AppConfig, deps: AdapterDeps, routes: HttpRoute[], io: ConsoleIo & { onEnd(info: ConsoleEnd): void }): Promise<PlatformAdapter[]> {
  const { slack, discord } = config.secrets;
  const adapters: PlatformAdapter[] = [];
  if (slack) {
    const { createSlackAdapter } = await import('../platforms/slack/index.js');
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
  if (discord) {
    const { createDiscordAdapter } = await import('../platforms/discord/index.js');
    adapters.push(createDiscordAdapter(deps, { ...discord, apiUrl: config.discord.apiUrl, commandsInFlight: config.flow.commandsInFlight }));
  }
  if (adapters.length === 0) {
    const { createConsoleAdapter } = await import('../platforms/console/index.js');
    adapters.push(createConsoleAdapter(deps, io));
  }
  return adapters;
}
