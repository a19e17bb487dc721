import { startDiscordRig, type DiscordRig } from './support/adapters.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordPerson } from '../src/core/identity.js';
import { silentLogger } from '../src/core/log.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { type DiscordAdapter } from '../src/platforms/discord/index.js';
import { FakeDiscord, PERMISSIONS, type RestCall } from './fakes/discord.js';
import { createTestContext } from './support/context.js';

// One Discord user in two servers and the bot's DM: one list, one delivery time, one DM.
const SERVER_A = { id: '810000000000000001', channels: ['710000000000000001'] };
const SERVER_B = { id: '820000000000000002', channels: ['720000000000000002'] };
const DM_CHANNEL = '650000000000000077';
const USER = '100000000000000777';

let rig: DiscordRig;
let fake: FakeDiscord;
let adapter: DiscordAdapter;
let context: Awaited<ReturnType<typeof createTestContext>>;
const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

const inServerA = { userId: USER, guildId: SERVER_A.id, channelId: SERVER_A.channels[0]!, permissions: PERMISSIONS.sendMessages };
const inServerB = { userId: USER, guildId: SERVER_B.id, channelId: SERVER_B.channels[0]!, permissions: PERMISSIONS.sendMessages };
const inDm = { userId: USER, guildId: null, channelId: DM_CHANNEL };

async function answerTo(interaction: { token: string }): Promise<RestCall> {
  return fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`);
}

beforeAll(async () => {
  // Follows made "now" are older than the digest slot the test runs.
  context = await createTestContext({ now: new Date('2026-11-20T00:00:00Z') });
  rig = await startDiscordRig(context, { guilds: [SERVER_A, SERVER_B], restOptions: { timeout: 3000 } });
  ({ fake, adapter } = rig);
});

afterAll(() => rig?.stop());

describe('one Discord person across servers and the DM', () => {
  it('sees one follow list and one delivery time wherever they type', async () => {
    // Interactions as Discord sends them: `member.user` and guild_id in a server, `user` alone in the DM.
    await answerTo(fake.command(['follow'], { topic: 'diffusion models' }, inServerA));
    await answerTo(fake.command(['follow'], { topic: 'graph neural networks' }, inServerB));
    await answerTo(fake.command(['follow'], { topic: 'state space models' }, inDm));
    const repeat = await answerTo(fake.command(['follow'], { topic: 'Diffusion Models' }, inServerB));
    expect(repeat.body.embeds[0].description).not.toContain('Following “Diffusion Models”');
    await answerTo(fake.command(['settings', 'time'], { time: '07:30', timezone: 'UTC' }, inServerA));

    for (const where of [inServerA, inServerB, inDm]) {
      const listed = await answerTo(fake.command(['follows'], {}, where));
      const embed = listed.body.embeds[0];
      expect(embed.title).toContain('You follow 3 of');
      expect(embed.description).toBe('1\\. diffusion models\n2\\. graph neural networks\n3\\. state space models');
      expect(embed.footer.text).toContain('07:30 UTC');
    }
    expect(context.store.listFollows(discordPerson(USER))).toHaveLength(3);
    expect(context.store.allFollowers().filter((f) => f.user.user === USER)).toHaveLength(1);
  });

  it('gets one DM with every followed topic', async () => {
    const scheduler = createScheduler({
      store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron,
      deliverers: new Map([['discord', adapter.deliverer]]), sleep: async () => {},
    });
    // Changed prefs apply from the next slot after the change (stamped with the wall clock): two days on.
    const slot = new Date(Date.now() + 2 * 86_400_000);
    slot.setUTCHours(7, 30, 20, 0);
    const summary = await scheduler.runDue(slot, (t) => t.target.id === USER);
    expect(summary.sent).toBe(1);
    const opened = fake.restCalls((c) => c.method === 'POST' && c.path === '/users/@me/channels' && c.body.recipient_id === USER);
    expect(opened).toHaveLength(1);
    const dms = fake.restCalls((c) => c.method === 'POST' && c.path === `/channels/6${USER.slice(1)}/messages`);
    // One digest (a long one is split into parts; the header opens only the first).
    expect(dms.filter((c) => String(c.body.content).includes('Your paper digest'))).toHaveLength(1);
    const text = JSON.stringify(dms.map((c) => c.body));
    for (const topic of ['diffusion models', 'graph neural networks', 'state space models']) expect(text).toContain(topic);
  });
});
