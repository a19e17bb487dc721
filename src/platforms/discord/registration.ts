import { REST, Routes } from 'discord.js';
import type { CommandDef } from '../../core/commands/index.js';
import { buildCommandsPayload } from './commands-payload.js';

export interface RegistrationOptions {
  token: string;
  applicationId: string;
  apiUrl?: string | null;
  /** Register in one server (updates at once) instead of globally. */
  guildId?: string;
}

/** Replaces the application's commands with /papers built from the registry; returns the route used. */
export async function registerCommands(commands: readonly CommandDef[], options: RegistrationOptions): Promise<{ route: string; count: number }> {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  const route = options.guildId ? Routes.applicationGuildCommands(options.applicationId, options.guildId) : Routes.applicationCommands(options.applicationId);
  const body = buildCommandsPayload(commands);
  const result = (await rest.put(route, { body })) as unknown[];
  return { route, count: Array.isArray(result) ? result.length : body.length };
}
