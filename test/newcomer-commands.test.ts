import { beforeEach, describe, expect, it } from 'vitest';
import { commands, parseCommandText, runCommand, type CommandContext, type CommandRequest } from '../src/core/commands/index.js';
import { EXAMPLE_PAPER_ID } from '../src/core/paper-id.js';
import type { Reply } from '../src/core/reply.js';
import { createTestContext } from './support/context.js';

const admin: Omit<CommandRequest, 'args'> = { platform: 'slack', workspace: 'T1', channel: 'C1', user: 'UADMIN', isAdmin: true };

let context: CommandContext & { changes: number };

async function run(text: string): Promise<Reply & { outcome: string }> {
  try {
    const { def, args } = parseCommandText(commands, text);
    const { reply, outcome } = await runCommand(context, def, admin, args);
    return { ...reply, outcome };
  } catch (err) {
    return { visibility: 'ephemeral', text: (err as Error).message, outcome: 'parse_error' };
  }
}

beforeEach(async () => {
  context = await createTestContext();
});

describe('digest add reads every schedule form the README shows', () => {
  it.each([
    ['digest add MoE 0 9 * * 1-5', '“MoE” 0 9 * * 1-5 (UTC)'],
    ['digest add MoE "0 9 * * 1-5"', '“MoE” 0 9 * * 1-5 (UTC)'],
    ['digest add MoE cron 0 9 * * 1-5', '“MoE” 0 9 * * 1-5 (UTC)'],
    ['digest add MoE daily 00:00 utc', '“MoE” daily 00:00 (UTC)'],
    ['digest add MoE daily 09:00 EST', '“MoE” daily 09:00 (America/New_York: EST taken as US Eastern time)'],
    ['digest add MoE Daily 09:00 Asia/Kolkata', '“MoE” daily 09:00 (Asia/Kolkata)'],
  ])('%s', async (text, echo) => {
    const reply = await run(text);
    expect(reply.outcome).toBe('ok');
    expect(reply.text).toContain(echo);
  });

  it('refuses a schedule that posts more often than digests.minChannelIntervalMinutes, saying why', async () => {
    const reply = await run('digest add MoE * * * * *');
    expect(reply.outcome).toBe('user_error');
    expect(reply.text).toMatch(/would post every minute; a channel digest may post at most once every hour, so the channel is not flooded/);
    expect(context.store.listDigests(admin)).toEqual([]);
    const config = { ...context.config, digests: { ...context.config.digests, minChannelIntervalMinutes: 30 } };
    context = { ...context, config };
    expect((await run('digest add MoE */30 9-17 * * mon-fri')).outcome).toBe('ok');
  });

  it('settings time takes the same zones and echoes what was meant', async () => {
    expect((await run('settings time 07:30 asia/kolkata')).text).toBe('Your digest will come daily at 07:30 (Asia/Kolkata).');
    expect((await run('settings time daily 09:00 EST')).text).toBe('Your digest will come daily at 09:00 (America/New_York: EST taken as US Eastern time).');
  });
});

describe('pause, resume and empty lists say what is true', () => {
  it('says there are no digests rather than "to remove"', async () => {
    const reply = await run('digest pause 1');
    expect(reply.text).toMatch(/^This channel has no digests yet\./);
    expect(reply.text).not.toMatch(/remove/);
  });

  it('pausing a paused digest and resuming a running one say so', async () => {
    await run('digest add MoE daily 09:00');
    expect((await run('digest resume 1')).text).toBe('The digest on “MoE” is already running: daily 09:00 (UTC).');
    expect((await run('digest pause 1')).text).toBe('Paused the digest on “MoE”.');
    expect((await run('digest pause 1')).text).toMatch(/^The digest on “MoE” is already paused\. \/papers digest resume 1 starts it again\./);
    expect((await run('settings resume')).text).toMatch(/^Your digest is already on/);
    await run('settings pause');
    expect((await run('settings pause')).text).toMatch(/^Your digest is already paused/);
  });
});

describe('help and ids', () => {
  it('help <command> explains that command', async () => {
    const reply = await run('help search');
    expect(reply.outcome).toBe('ok');
    expect(reply.title).toBe('Help: /papers search');
    expect(reply.text).toContain('/papers search <query>');
    expect(reply.text).toContain('Example:');
    expect((await run('help digest')).text).toContain('/papers digest add <topic> <schedule> [time zone]');
    expect((await run('help frobnicate')).outcome).toBe('user_error');
  });

  it('shows the example id (a real seed paper) typed in upper case', async () => {
    const reply = await run(`show ${EXAMPLE_PAPER_ID.toUpperCase()}`);
    expect(reply.outcome).toBe('ok');
    expect(reply.papers?.[0]?.title).toBe('Sliced Recursive Transformer');
    expect(commands.find((c) => c.path[0] === 'show')!.example).toContain(EXAMPLE_PAPER_ID);
  });
});
