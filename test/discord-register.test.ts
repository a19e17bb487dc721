import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { buildCommandsPayload } from '../src/platforms/discord/commands-payload.js';
import { registerCommands } from '../src/platforms/discord/registration.js';
import { FakeDiscord } from './fakes/discord.js';

let fake: FakeDiscord;
const APP = '900000000000000001';
const TOKEN = 'register-secret-token';

/** Runs `npm run register:discord`'s script with only the given Discord/Slack variables set. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DISCORD_|SLACK_|PAPERBOY_)/.test(k)));
  return new Promise((resolve) => {
    execFile('node_modules/.bin/tsx', ['src/platforms/discord/register.ts', ...args], { env: { ...base, ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ applicationId: APP });
});

afterAll(async () => {
  await fake?.close();
});

describe('registering /papers', () => {
  it('PUTs the payload built from the registry to a guild, or globally', async () => {
    const guild = await registerCommands(commands, { token: TOKEN, applicationId: APP, apiUrl: fake.apiUrl, guildId: '800000000000000001' });
    expect(guild.route).toBe(`/applications/${APP}/guilds/800000000000000001/commands`);
    const global = await registerCommands(commands, { token: TOKEN, applicationId: APP, apiUrl: fake.apiUrl });
    expect(global.route).toBe(`/applications/${APP}/commands`);
    const puts = fake.restCalls((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([guild.route, global.route]);
    expect(puts[0]!.body).toEqual(JSON.parse(JSON.stringify(buildCommandsPayload(commands))));
    expect(puts[0]!.headers.authorization).toBe(`Bot ${TOKEN}`);
  });

  it('the CLI registers in the guild given by --guild', async () => {
    const from = fake.calls.length;
    const result = await runCli(['--guild', '800000000000000002'], { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: fake.apiUrl });
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('800000000000000002');
    const put = await fake.waitForCall((c) => c.method === 'PUT', { from });
    expect(put.path).toBe(`/applications/${APP}/guilds/800000000000000002/commands`);
  });

  it('the CLI without a token says what to set and exits non-zero', async () => {
    const result = await runCli([], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DISCORD_TOKEN');
  });
});
