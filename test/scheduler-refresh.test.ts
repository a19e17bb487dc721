import { describe, expect, it } from 'vitest';
import { commands, parseCommandText, runCommand, type CommandContext, type CommandRequest } from '../src/core/commands/index.js';
import { scheduledKey, scheduledTargets, type ScheduledTarget } from '../src/core/digest-targets.js';
import { silentLogger } from '../src/core/log.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import type { UserKey } from '../src/core/types.js';
import { harness } from './scheduler-support.js';

/** The memory store, counting its full reads of every follower (each starts with a first page). */
function countingStore() {
  const inner = createMemoryStore();
  const reads = { full: 0 };
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'allFollowers') reads.full++;
      if (name === 'followersPage') {
        return (after: UserKey | undefined, limit: number) => {
          if (after === undefined) reads.full++;
          return inner.followersPage(after, limit);
        };
      }
      return Reflect.get(target, name, receiver) as unknown;
    },
  }) as Store;
  return { inner, store, reads };
}

/** What a scheduler would do for each target, comparable across reads. */
const summary = (targets: ScheduledTarget[]) =>
  targets
    .map((t) => ({ key: scheduledKey(t), cron: t.schedule.cron, zone: t.timeZone, since: t.since.toISOString(), topics: t.kind === 'user' ? t.follows.map((f) => f.topic) : [t.digest.topic] }))
    .sort((a, b) => a.key.localeCompare(b.key));

const member = (user: string, over: Partial<CommandRequest> = {}): Omit<CommandRequest, 'args'> => ({ platform: 'slack', workspace: 'T', channel: 'C1', user, isAdmin: false, ...over });

describe('scheduler targets, kept current change by change', () => {
  it('re-reads only the user or the channel digests a command changed, and schedules any new group', async () => {
    const { inner, store, reads } = countingStore();
    const h = harness({ store, now: '2026-03-02T07:00:00Z' });
    const context: CommandContext = { index: h.index, store, config: h.config, log: silentLogger, now: () => h.clock.now, schedulesChanged: (change) => h.scheduler.refresh(change) };
    const run = async (text: string, who: Omit<CommandRequest, 'args'>) => {
      const { def, args } = parseCommandText(commands, text);
      const { reply, outcome } = await runCommand(context, def, who, args);
      expect(outcome, `${text}: ${reply.text}`).toBe('ok');
    };
    await run('follow diffusion', member('U1'));
    await h.scheduler.start();
    await h.scheduler.idle();
    const fullReads = reads.full;
    expect(fullReads).toBeGreaterThan(0);

    const steps: [string, Omit<CommandRequest, 'args'>][] = [
      ['follow graph networks', member('U2')],
      ['follow robot learning', member('U1')],
      ['settings time 10:00 Asia/Tokyo', member('U1')],
      ['digest add diffusion daily 09:30 Europe/Berlin', member('UA', { isAdmin: true })],
      ['settings pause', member('U2')],
      ['unfollow diffusion', member('U1')],
      ['digest pause 1', member('UA', { isAdmin: true })],
      ['settings resume', member('U2')],
      ['unfollow robot learning', member('U1')],
    ];
    for (const [text, who] of steps) {
      await run(text, who);
      // What a full read of the store says now, made on the uncounted store.
      expect(summary(h.scheduler.targets()), text).toEqual(summary(scheduledTargets(inner, h.config, () => {})));
    }
    expect(reads.full).toBe(fullReads);
    // U1's Tokyo time and the Berlin digest each got their cron job when they appeared.
    const live = h.cron.live().map((j) => `${j.expression} ${j.timezone}`);
    expect(live).toContain('0 10 * * * Asia/Tokyo');
    expect(live).toContain('30 9 * * * Europe/Berlin');

    // With no change named, it reads everything again.
    h.scheduler.refresh();
    await h.scheduler.idle();
    expect(reads.full).toBe(fullReads + 1);
    await h.scheduler.stop();
  });

  it('a new group\u2019s job delivers the user who moved to it', async () => {
    const h = harness({ now: '2026-03-02T07:00:00Z' });
    const alice = { platform: 'slack' as const, workspace: 'T', user: 'U1' };
    h.store.addFollow(alice, 'diffusion', new Date('2026-03-01T00:00:00Z'));
    await h.scheduler.start();
    await h.scheduler.idle();
    h.store.setPrefs(alice, { time: '09:15', timeZone: 'UTC', paused: false, since: h.clock.now });
    h.scheduler.refresh({ user: alice });
    const job = h.cron.live().find((j) => j.expression === '15 9 * * *');
    expect(job).toBeDefined();
    h.at('2026-03-02T09:15:00.010Z');
    job!.fn();
    await h.scheduler.idle();
    expect(h.deliverer.to('U1')).toHaveLength(1);
    await h.scheduler.stop();
  });
});

describe('runs a scheduler knows exist', () => {
  it('reads a slot\u2019s runs once, then asks the store nothing for later passes, and still sends nothing twice', async () => {
    const inner = createMemoryStore();
    const asked: string[] = [];
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'runTargets' || name === 'getRun') asked.push(name);
        return Reflect.get(target, name, receiver) as unknown;
      },
    }) as Store;
    const h = harness({ store });
    const before = new Date('2026-03-01T00:00:00Z');
    for (const user of ['U1', 'U2', 'U3']) store.addFollow({ platform: 'slack', workspace: 'T', user }, 'diffusion', before);
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 3 });
    expect(asked).toEqual(['runTargets']);
    expect(await h.scheduler.runDue(new Date('2026-03-02T08:05:00Z'))).toMatchObject({ sent: 0, skipped: 3 });
    expect(asked).toEqual(['runTargets']);
    // A new scheduler (a restart) reads the slot's runs again, once.
    const again = harness({ store, deliverer: h.deliverer });
    expect(await again.scheduler.runDue(new Date('2026-03-02T08:10:00Z'))).toMatchObject({ sent: 0, skipped: 3 });
    expect(asked).toEqual(['runTargets', 'runTargets']);
    expect(h.deliverer.sent).toHaveLength(3);
  });

  it('a run the store gained after the slot was read is still not claimed twice', async () => {
    const h = harness();
    const at = new Date('2026-03-01T00:00:00Z');
    for (const user of ['U1', 'U2']) h.store.addFollow({ platform: 'slack', workspace: 'T', user }, 'diffusion', at);
    const slot = '2026-03-02T08:00:00.000Z';
    const dm = (id: string) => ({ platform: 'slack' as const, workspace: 'T', kind: 'user' as const, id });
    // U2's pass reads the slot's runs; then a run for U1 appears behind the scheduler's back (as a person merge may move one in).
    expect(await h.scheduler.runDue(undefined, (t) => t.target.id === 'U2')).toMatchObject({ sent: 1 });
    h.store.claimRun(dm('U1'), slot, null, h.clock.now);
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 0, skipped: 2 });
    expect(h.deliverer.sent.map((s) => s.target.id)).toEqual(['U2']);
  });
});

describe('a stored delivery time the scheduler cannot read', () => {
  it('skips that user\u2019s digest, in a full read and in a re-read of the user, and keeps the others', async () => {
    const h = harness();
    const at = new Date('2026-03-01T00:00:00Z');
    const alice = { platform: 'slack' as const, workspace: 'T', user: 'U1' };
    const bob = { platform: 'slack' as const, workspace: 'T', user: 'U2' };
    h.store.addFollow(alice, 'diffusion', at);
    h.store.addFollow(bob, 'graph', at);
    // A hand-edited store: no command accepts this time.
    h.store.setPrefs(alice, { time: '25:99', timeZone: 'UTC', paused: false, since: at });
    await h.scheduler.runDue();
    expect(h.scheduler.targets().map((t) => t.target.id)).toEqual(['U2']);
    h.store.setPrefs(bob, { time: '25:99', timeZone: 'UTC', paused: false, since: at });
    h.scheduler.refresh({ user: bob });
    expect(h.scheduler.targets()).toEqual([]);
    h.store.setPrefs(alice, { time: '07:00', timeZone: 'UTC', paused: false, since: at });
    h.scheduler.refresh({ user: alice });
    expect(h.scheduler.targets().map((t) => t.target.id)).toEqual(['U1']);
  });
});

describe('reading every digest at start', () => {
  const user = (i: number) => ({ platform: 'slack' as const, workspace: 'T', user: `U${String(i).padStart(2, '0')}` });
  const at = new Date('2026-03-01T00:00:00Z');

  it('reads a page at a time, other work running between pages, and a due pass waits for the whole read', async () => {
    const pages: number[] = [];
    const inner = createMemoryStore();
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'followersPage') return (after: UserKey | undefined, limit: number) => { pages.push(limit); return inner.followersPage(after, limit); };
        return Reflect.get(target, name, receiver) as unknown;
      },
    }) as Store;
    for (let i = 0; i < 7; i++) store.addFollow(user(i), 'diffusion', at);
    const h = harness({ store, targetsPageSize: 2 });
    await h.scheduler.start();
    // start() returned with one page read; a command's change arrives between pages and is kept.
    expect(pages).toEqual([2]);
    store.addFollow(user(1), 'graph', at);
    h.scheduler.refresh({ user: user(1) });
    store.addFollow(user(9), 'graph', at);
    h.scheduler.refresh({ user: user(9) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.length).toBeLessThan(5);
    await h.scheduler.idle();
    expect(pages).toHaveLength(5);
    // Every user got today's digest once, from the start's due pass, none of them missed for being read late.
    expect(h.deliverer.sent.map((s) => s.target.id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 9].map((i) => user(i).user));
    expect(summary(h.scheduler.targets())).toEqual(summary(scheduledTargets(inner, h.config, () => {})));
    await h.scheduler.stop();
  });

  it('a read that fails fails that pass only: the next pass reads again', async () => {
    const inner = createMemoryStore();
    let broken = true;
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'followersPage' && broken) return () => { throw new Error('disk I/O error'); };
        return Reflect.get(target, name, receiver) as unknown;
      },
    }) as Store;
    store.addFollow(user(1), 'diffusion', at);
    const h = harness({ store });
    await expect(h.scheduler.runDue()).rejects.toThrow('disk I/O error');
    broken = false;
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 1 });
  });
});
