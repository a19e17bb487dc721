import { beforeEach, describe, expect, it } from 'vitest';
import { commands, findCommand, parseCommandText, runAction, runCommand, type CommandContext, type CommandRequest } from '../src/core/commands/index.js';
import type { Reply } from '../src/core/reply.js';
import { createTestContext } from './support/context.js';

const member: Omit<CommandRequest, 'args'> = { platform: 'slack', workspace: 'T1', channel: 'C1', user: 'U1', isAdmin: false };
const admin = { ...member, user: 'UADMIN', isAdmin: true };

let context: CommandContext & { changes: number };

async function run(text: string, who: typeof member = member): Promise<Reply & { outcome: string }> {
  const { def, args } = parseCommandText(commands, text);
  const { reply, outcome } = await runCommand(context, def, who, args);
  return { ...reply, outcome };
}

beforeEach(async () => {
  context = await createTestContext();
});

describe('search', () => {
  it('shows a page of results with paging, follow and share buttons', async () => {
    const reply = await run('search diffusion');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers).toHaveLength(5);
    expect(reply.notices?.[0]).toMatch(/^Showing 1-5 of \d+$/);
    expect(reply.actions?.map((a) => a.kind)).toEqual(['next-page', 'follow', 'share']);
    expect(reply.papers?.[0]?.actions?.[0]).toMatchObject({ kind: 'similar', command: 'similar' });
  });

  it('pages on with the Next button and never repeats a paper', async () => {
    const first = await run('search language models');
    const next = first.actions!.find((a) => a.kind === 'next-page')!;
    const second = (await runAction(context, commands, next, member)).reply;
    expect(second.notices?.[0]).toMatch(/^Showing 6-10 of/);
    const ids = new Set(first.papers!.map((p) => p.id));
    expect(second.papers!.some((p) => ids.has(p.id))).toBe(false);
  });

  it('shares the same results to the channel without the paging buttons', async () => {
    const first = await run('search graph neural networks');
    const share = first.actions!.find((a) => a.kind === 'share')!;
    const shared = (await runAction(context, commands, share, member)).reply;
    expect(shared.visibility).toBe('channel');
    expect(shared.actions).toBeUndefined();
    expect(shared.papers!.map((p) => p.id)).toEqual(first.papers!.map((p) => p.id));
  });

  it('says so politely when nothing matches, and refuses an over-long query', async () => {
    const none = await run('search zzqxv wpqkj');
    expect(none.title).toContain('No papers found');
    const long = await run(`search ${'word '.repeat(80)}`);
    expect(long.outcome).toBe('user_error');
    expect(long.text).toMatch(/too long/);
  });
});

describe('show and similar', () => {
  it('shows a paper by id and finds others like it', async () => {
    const id = (await run('search transformers enumerative geometry')).papers![0]!.id;
    const shown = await run(`show ${id}`);
    expect(shown.papers![0]!.title).toBe('Can Transformers Do Enumerative Geometry?');
    const like = await run(`similar ${id}`);
    expect(like.papers!.length).toBeGreaterThan(0);
    expect(like.papers!.some((p) => p.id === id)).toBe(false);
  });

  it('explains an unknown id instead of failing', async () => {
    const reply = await run('show p-nope');
    expect(reply.outcome).toBe('user_error');
    expect(reply.text).toContain('I have no paper with id "p-nope"');
  });
});

describe('follows', () => {
  it('follows, lists, refuses a duplicate, and unfollows by number or text', async () => {
    expect((await run('follow diffusion models')).text).toContain('Following “diffusion models”');
    expect((await run('follow Diffusion Models')).text).toContain('You already follow');
    await run('follow graph neural networks');
    expect((await run('follows')).text).toBe('1. diffusion models\n2. graph neural networks');
    expect((await run('unfollow 1')).text).toBe('Unfollowed “diffusion models”.');
    expect((await run('unfollow GRAPH neural networks')).text).toBe('Unfollowed “graph neural networks”.');
    expect((await run('follows')).text).toContain('You follow no topics yet');
    expect(context.changes).toBe(4);
  });

  it('unfollow "x" finds the follow of x, and unfollow x the follow of "x", when nothing is spelt exactly so', async () => {
    await run('follow speculative decoding');
    await run('follow "optical illusions"');
    expect((await run('unfollow "speculative decoding"')).text).toBe('Unfollowed “speculative decoding”.');
    expect((await run('unfollow optical illusions')).text).toBe('Unfollowed “"optical illusions"”.');
    await run('follow graph neural networks');
    await run('follow "graph neural networks"');
    expect((await run('unfollow "graph neural networks"')).text).toBe('Unfollowed “"graph neural networks"”.');
  });

  it('a new follow says how many papers match so far and shows the latest, or that none do yet', async () => {
    const some = await run('follow diffusion models');
    expect(some.text).toMatch(/\d+ papers match so far/);
    expect(some.papers?.length).toBeGreaterThanOrEqual(1);
    expect(some.papers!.length).toBeLessThanOrEqual(3);
    const none = await run('follow speaker diarization');
    expect(none.text).toContain('Nothing matches it yet; new ones will come to you');
    expect(none.papers).toBeUndefined();
  });

  it('a search nothing matches says so and marks the nearest papers as such', async () => {
    const reply = await run('search emotion recognition from faces');
    expect(reply.title).toContain('Nothing matches');
    expect(reply.text).toContain('nearest papers, not matches');
  });

  it('keeps the follows of different people apart', async () => {
    await run('follow reinforcement learning');
    expect((await run('follows', { ...member, user: 'U2' })).text).toContain('no topics');
  });

  it('stops at the follow limit without losing the earlier follows', async () => {
    context.config = { ...context.config, follows: { maxPerUser: 2 } };
    await run('follow a1');
    await run('follow a2');
    const third = await run('follow a3');
    expect(third.outcome).toBe('user_error');
    expect(third.text).toMatch(/most allowed is 2/);
    expect(context.store.listFollows(member).map((f) => f.topic)).toEqual(['a1', 'a2']);
  });

  it('sets and shows the delivery time, refusing a bad zone', async () => {
    expect((await run('settings time 07:30 Europe/Berlin')).text).toBe('Your digest will come daily at 07:30 (Europe/Berlin).');
    const bad = await run('settings time 07:30 Mars/Olympus');
    expect(bad.outcome).toBe('user_error');
    expect(context.store.getPrefs(member)?.timeZone).toBe('Europe/Berlin');
  });
});

describe('channel digests', () => {
  it('only lets someone who may manage the channel add or remove one', async () => {
    const refused = await run('digest add diffusion models daily 09:00');
    expect(refused.outcome).toBe('user_error');
    expect(refused.text).toContain('Only a workspace admin');
    expect(context.store.listDigests(member)).toEqual([]);

    const added = await run('digest add "diffusion models" weekdays 09:00 Europe/Berlin', admin);
    expect(added.outcome).toBe('ok');
    expect(context.store.listDigests(member)).toMatchObject([{ topic: 'diffusion models', timeZone: 'Europe/Berlin', createdBy: 'UADMIN' }]);
    expect((await run('digest list')).text).toMatch(/^1\. diffusion models: weekdays 09:00 \(Europe\/Berlin\)$/);
    expect((await run('digest remove 1')).outcome).toBe('user_error');
    expect((await run('digest pause 1', admin)).text).toContain('Paused');
    expect((await run('digest list')).text).toContain('(paused)');
    expect((await run('digest remove 1', admin)).text).toContain('Removed the digest on “diffusion models”');
  });

  it('turns a bad schedule or zone into a clear message, storing nothing', async () => {
    for (const text of ['digest add llm daily 25:00', 'digest add llm weekly funday 09:00', 'digest add llm daily 09:00 Not/AZone', 'digest add llm cron 1 2 3']) {
      const reply = await run(text, admin);
      expect(reply.outcome, text).toBe('user_error');
    }
    expect(context.store.listDigests(member)).toEqual([]);
  });
});

describe('help and failures', () => {
  it('lists every command in the registry', async () => {
    const help = await run('help');
    for (const def of commands) expect(help.text).toContain(def.usage);
  });

  it('apologises and logs, without throwing, when a handler has a bug', async () => {
    const broken = { ...findCommand(commands, ['follows'])!, handle: () => { throw new Error('boom'); } };
    const logged: unknown[] = [];
    context.log = { ...context.log, error: (obj: unknown) => logged.push(obj), info: () => {} } as never;
    const { reply, outcome } = await runCommand(context, broken, member, {});
    expect(outcome).toBe('error');
    expect(reply.text).toContain('Sorry, something went wrong');
    expect(reply.text).not.toContain('boom');
    expect(logged).toHaveLength(1);
  });
});
