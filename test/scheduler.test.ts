import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/core/errors.js';
import { alice, bob, channelDigest, harness, testConfig } from './scheduler-support.js';
import { paper } from './fixtures/fake-search.js';

const before = new Date('2026-03-01T00:00:00Z');
const ids = (s: { reply: { papers?: { id: string }[] } }) => s.reply.papers?.map((p) => p.id);

describe('scheduler', () => {
  it('schedules one cron job per schedule and zone plus a sweep, and a job delivers only its group', async () => {
    const h = harness({ now: '2026-03-02T07:00:00Z' });
    h.store.addFollow(alice, 'diffusion', before);
    h.store.addFollow(bob, 'graph', before);
    channelDigest(h.store, 'robot', { schedule: 'weekdays 09:00', timeZone: 'Europe/Berlin' });
    await h.scheduler.start();
    await h.scheduler.idle();
    expect(h.cron.live().map((j) => [j.expression, j.timezone]).sort()).toEqual([['*/5 * * * *', 'UTC'], ['0 8 * * *', 'UTC'], ['0 9 * * 1-5', 'Europe/Berlin']]);
    h.at('2026-03-02T08:00:00.020Z');
    h.cron.live().find((j) => j.expression === '0 8 * * *')!.fn();
    await h.scheduler.idle();
    expect(h.deliverer.sent.map((s) => s.target.id).sort()).toEqual(['U1', 'U2']);
    h.store.setPrefs(alice, { time: '10:00', timeZone: 'Asia/Tokyo', paused: false });
    h.scheduler.refresh();
    await h.scheduler.idle();
    expect(h.cron.live()).toHaveLength(4);
    await h.scheduler.stop();
    expect(h.cron.live()).toHaveLength(0);
  });

  it('delivers each due digest once, however often it is asked', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    h.store.addFollow(alice, 'graph', before);
    channelDigest(h.store, 'diffusion', { schedule: 'daily 07:30' });
    const first = await h.scheduler.runDue();
    expect(first).toMatchObject({ sent: 2, skipped: 0 });
    expect(await h.scheduler.runDue(new Date('2026-03-02T08:04:00Z'))).toMatchObject({ sent: 0, skipped: 2 });
    expect(h.deliverer.sent).toHaveLength(2);
    const dm = h.deliverer.to('U1')[0]!;
    expect(ids(dm)).toEqual(['d1', 'd2', 'g1', 'g2']);
    expect(dm.key).toMatch(/^pb[0-9a-f]{23}$/);
    expect(ids(h.deliverer.to('C1')[0]!)).toEqual(['d1', 'd2']);
  });

  it('never sends the same paper twice to a target, and sends nothing to a user once all is delivered', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
    for (const day of days) await h.scheduler.runDue(new Date(`${day}T08:00:00Z`));
    const sent = h.deliverer.to('U1').flatMap(ids);
    expect(sent).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    expect(h.deliverer.to('U1')).toHaveLength(3);
    expect(h.store.getRun({ platform: 'slack', workspace: 'T', kind: 'user', id: 'U1' }, '2026-03-05T08:00:00.000Z')?.state).toBe('empty');
  });

  it('delivers a 02:30 New York digest once on the spring-forward day, at 03:00 EDT, via the sweep', async () => {
    const h = harness({ now: '2026-03-08T06:00:00Z' });
    h.store.addFollow(alice, 'diffusion', before);
    h.store.setPrefs(alice, { time: '02:30', timeZone: 'America/New_York', paused: false, since: before });
    await h.scheduler.start();
    await h.scheduler.idle();
    const sweep = h.cron.live().find((j) => j.name === 'digest sweep')!;
    for (const t of ['2026-03-08T06:55:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:05:00Z', '2026-03-08T09:00:00Z']) {
      h.at(t);
      sweep.fn();
      await h.scheduler.idle();
    }
    expect(h.deliverer.sent).toHaveLength(1);
    expect(h.store.getRun({ platform: 'slack', workspace: 'T', kind: 'user', id: 'U1' }, '2026-03-08T07:00:00.000Z')?.state).toBe('sent');
    await h.scheduler.stop();
  });

  it('delivers a 01:30 New York digest once on the fall-back day, though cron may fire at both 01:30s', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    h.store.setPrefs(alice, { time: '01:30', timeZone: 'America/New_York', paused: false, since: before });
    expect(await h.scheduler.runDue(new Date('2026-11-01T05:30:00Z'))).toMatchObject({ sent: 1 });
    expect(await h.scheduler.runDue(new Date('2026-11-01T06:30:00Z'))).toMatchObject({ sent: 0, skipped: 1 });
    expect(h.deliverer.sent).toHaveLength(1);
  });

  it('catches up a slot missed while down within catchUpHours, once, and not one outside it', async () => {
    const store = harness().store;
    store.addFollow(alice, 'diffusion', before);
    const late = harness({ store, now: '2026-03-02T19:59:00Z' });
    await late.scheduler.start();
    await late.scheduler.idle();
    await late.scheduler.stop();
    expect(late.deliverer.sent).toHaveLength(1);
    const again = harness({ store, now: '2026-03-02T20:30:00Z' });
    await again.scheduler.start();
    await again.scheduler.idle();
    await again.scheduler.stop();
    expect(again.deliverer.sent).toHaveLength(0);

    const tooLate = harness({ now: '2026-03-02T20:01:00Z' });
    tooLate.store.addFollow(alice, 'diffusion', before);
    await tooLate.scheduler.start();
    await tooLate.scheduler.idle();
    await tooLate.scheduler.stop();
    expect(tooLate.deliverer.sent).toHaveLength(0);
  });

  it('does not catch up slots from before a follow or digest existed', async () => {
    const h = harness({ now: '2026-03-02T10:00:00Z' });
    h.store.addFollow(alice, 'diffusion', new Date('2026-03-02T09:00:00Z'));
    channelDigest(h.store, 'graph', { created: new Date('2026-03-02T09:30:00Z') });
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 0, empty: 0 });
    expect(await h.scheduler.runDue(new Date('2026-03-03T08:00:00Z'))).toMatchObject({ sent: 1 });
  });

  it('retries transient failures with exponential backoff, then records the run failed; others still get theirs', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    h.store.addFollow(bob, 'diffusion', before);
    h.deliverer.fail = (t) => (t.id === 'U1' ? new DeliveryError('503 from platform', 'transient', 503) : undefined);
    const summary = await h.scheduler.runDue();
    expect(summary).toMatchObject({ sent: 1, failed: 1 });
    expect(h.delays).toEqual([100, 200]);
    expect(h.deliverer.to('U2')).toHaveLength(1);
    const run = h.store.getRun({ platform: 'slack', workspace: 'T', kind: 'user', id: 'U1' }, '2026-03-02T08:00:00.000Z');
    expect(run).toMatchObject({ state: 'failed', attempts: 3 });
    expect(run?.error).toMatch(/transient \(503\)/);
    // Nothing was recorded as delivered, so tomorrow's digest can carry the same papers.
    h.deliverer.fail = undefined;
    await h.scheduler.runDue(new Date('2026-03-03T08:00:00Z'));
    expect(ids(h.deliverer.to('U1')[0]!)).toEqual(['d1', 'd2']);
  });

  it('treats an unexpected error like a transient one and recovers when a retry succeeds', async () => {
    const h = harness({ config: testConfig({ maxAttempts: 5, retryBaseMs: 1000 }) });
    h.store.addFollow(alice, 'diffusion', before);
    h.deliverer.fail = (_t, attempt) => (attempt <= 2 ? new Error('socket hang up') : undefined);
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 1, failed: 0 });
    expect(h.delays).toEqual([1000, 2000]);
    const keys = new Set(h.deliverer.sent.map((s) => s.key));
    expect(keys.size).toBe(1);
  });

  it('pauses an unreachable channel digest, tells its creator by DM, and stops scheduling it', async () => {
    const h = harness();
    const d = channelDigest(h.store, 'diffusion', { schedule: 'daily 07:00', createdBy: 'U7' });
    h.deliverer.fail = (t) => (t.kind === 'channel' ? new DeliveryError('not in channel', 'unreachable', 'not_in_channel') : undefined);
    expect(await h.scheduler.runDue()).toMatchObject({ unreachable: 1 });
    expect(h.delays).toEqual([]);
    expect(h.store.listDigests({ platform: 'slack', workspace: 'T', channel: 'C1' })[0]).toMatchObject({ id: d.id, paused: true, pausedReason: 'not_in_channel' });
    const notice = h.deliverer.to('U7');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.target.kind).toBe('user');
    expect(notice[0]!.reply.text).toMatch(/“diffusion”.*not_in_channel.*paused/);
    expect(h.scheduler.targets()).toEqual([]);
  });

  it("pauses an unreachable user's DM digest and stops scheduling it, not the others'", async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    h.store.addFollow(bob, 'graph', before);
    h.deliverer.fail = (t) => (t.id === alice.user ? new DeliveryError('cannot DM', 'unreachable', 50007) : undefined);
    await h.scheduler.runDue();
    expect(h.store.getPrefs(alice)).toMatchObject({ paused: true, pausedReason: '50007', time: '08:00' });
    expect(h.deliverer.sent.map((s) => s.target.id)).toEqual([bob.user]);
    expect(h.scheduler.targets().map((t) => t.target.id)).toEqual([bob.user]);
  });

  it('runs two digests of one channel at the same instant separately, never repeating a paper in the channel', async () => {
    const h = harness();
    channelDigest(h.store, 'diffusion', { schedule: 'daily 08:00' });
    channelDigest(h.store, 'Diffusion', { schedule: 'daily 08:00' });
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 2 });
    expect(h.deliverer.to('C1').map(ids)).toEqual([['d1', 'd2'], ['d3', 'd4']]);
  });

  it('never plans from deliveries read before another pass claimed papers for the same target', async () => {
    const h = harness();
    h.store.addFollow(bob, 'graph', before);
    h.store.addFollow(alice, 'diffusion', before);
    // Pass A reads its deliveries and plans bob; before it reaches alice, pass B claims alice's earlier slot.
    const a = h.scheduler.runDue(new Date('2026-03-02T08:00:30Z'));
    const b = h.scheduler.runDue(new Date('2026-03-01T08:00:30Z'), (t) => t.target.id === 'U1');
    expect(await b).toMatchObject({ sent: 1 });
    expect(await a).toMatchObject({ sent: 2 });
    expect(h.deliverer.to('U1').map(ids)).toEqual([['d1', 'd2'], ['d3', 'd4']]);
  });

  it('puts newly added papers first in the next digest', async () => {
    const h = harness();
    h.store.recordFirstSeen(['d1', 'd2', 'd3', 'd4', 'd5'], before);
    h.store.addFollow(alice, 'diffusion', new Date('2026-03-01T12:00:00Z'));
    await h.scheduler.runDue();
    h.at('2026-03-02T12:00:00Z');
    expect(h.scheduler.addPapers([paper('d9', 'diffusion news'), paper('d1', 'dup')]).map((p) => p.id)).toEqual(['d9']);
    await h.scheduler.runDue(new Date('2026-03-03T08:00:00Z'));
    expect(ids(h.deliverer.to('U1')[1]!)).toEqual(['d9', 'd3']);
  });

  it('stop() waits for a send in flight and interrupts retries; the next start re-sends the same message once', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inSend = new Promise<void>((r) => (entered = r));
    const slow = h.deliverer.send.bind(h.deliverer);
    h.deliverer.send = async (...args) => { entered(); await gate; return slow(...args); };
    const pass = h.scheduler.runDue();
    await inSend;
    const stopping = h.scheduler.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    await pass;
    expect(h.deliverer.sent).toHaveLength(1);

    const retry = harness({ now: '2026-03-03T08:00:00Z', store: h.store });
    let stopping2: Promise<void> | undefined;
    retry.deliverer.fail = () => {
      stopping2 ??= retry.scheduler.stop();
      return new DeliveryError('timeout', 'transient');
    };
    expect(await retry.scheduler.runDue()).toMatchObject({ interrupted: 1 });
    await stopping2;
    expect(retry.deliverer.attempts).toBe(1);
    expect(retry.store.pendingRuns()).toHaveLength(1);

    const next = harness({ now: '2026-03-03T08:10:00Z', store: h.store });
    await next.scheduler.start();
    await next.scheduler.idle();
    await next.scheduler.stop();
    expect(next.deliverer.sent).toHaveLength(1);
    expect(ids(next.deliverer.sent[0]!)).toEqual(['d3', 'd4']);
    expect(next.store.pendingRuns()).toEqual([]);
  });

  it('prunes finished runs older than 30 days on start', async () => {
    const h = harness();
    const dm = { platform: 'slack' as const, workspace: 'T', kind: 'user' as const, id: 'U1' };
    h.store.claimRun(dm, '2026-01-01T08:00:00.000Z', null, before);
    h.store.claimRun(dm, '2026-02-20T08:00:00.000Z', null, before);
    await h.scheduler.start();
    await h.scheduler.idle();
    await h.scheduler.stop();
    expect(h.store.getRun(dm, '2026-01-01T08:00:00.000Z')).toBeUndefined();
    expect(h.store.getRun(dm, '2026-02-20T08:00:00.000Z')).toBeDefined();
  });

  it('on start, records an interrupted run the platform reports as sent instead of sending it again', async () => {
    const h = harness();
    h.store.addFollow(alice, 'diffusion', before);
    const dm = { platform: 'slack' as const, workspace: 'T', kind: 'user' as const, id: 'U1' };
    h.store.claimRun(dm, '2026-03-02T08:00:00.000Z', { paperIds: ['d1'], payload: JSON.stringify({ visibility: 'channel', papers: [] }) }, h.clock.now);
    const asked: string[] = [];
    h.deliverer.wasSent = async (_t, key) => { asked.push(key); return { messageId: 'found' }; };
    await h.scheduler.start();
    await h.scheduler.idle();
    await h.scheduler.stop();
    expect(asked).toHaveLength(1);
    expect(h.deliverer.sent).toHaveLength(0);
    expect(h.store.getRun(dm, '2026-03-02T08:00:00.000Z')).toMatchObject({ state: 'sent', messageId: 'found' });
    expect(h.store.deliveredPapers(dm, ['d1'])).toEqual(new Set(['d1']));
  });
});
