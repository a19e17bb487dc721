/** `npm run register:discord [-- --guild <id>]`: puts /papers on Discord, in one server or globally. */
import { ConfigError, loadConfig } from '../../config/index.js';
import { commands } from '../../core/commands/index.js';
import { registerCommands } from './registration.js';

function guildFrom(argv: string[]): string | undefined {
  const at = argv.indexOf('--guild');
  if (at === -1) return undefined;
  const id = argv[at + 1];
  if (!id || !/^\d{5,25}$/.test(id)) throw new ConfigError('--guild needs a server id (enable Developer Mode, right-click the server, Copy Server ID)');
  return id;
}

async function main(): Promise<number> {
  try {
    const config = loadConfig();
    const discord = config.secrets.discord;
    if (!discord) {
      console.error('register:discord: DISCORD_TOKEN is not set. Set DISCORD_TOKEN (the bot token) and DISCORD_APPLICATION_ID (from the Discord developer portal), then run it again.');
      return 1;
    }
    const guildId = guildFrom(process.argv.slice(2));
    const { route, count } = await registerCommands(commands, { ...discord, apiUrl: config.discord.apiUrl, guildId });
    console.log(guildId
      ? `Registered /papers (${count} command) in server ${guildId}: it is usable there now.`
      : `Registered /papers (${count} command) globally: Discord may take up to an hour to show changes. (${route})`);
    return 0;
  } catch (err) {
    console.error(`register:discord: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main();
