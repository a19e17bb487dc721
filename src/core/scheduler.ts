import { schedule as cronSchedule } from 'node-cron';
import type { AppConfig } from '../config/index.js';
import type { Deliverer } from './deliverer.js';
import { createDeliveryChanges, createDigestPlanner, createMatchCache, type DigestPlanner } from './digest.js';
import { sendClaimedRun, type ClaimedRun, type DeliveryContext, type RunResult } from './digest-delivery.js';
import { channelTargets, digestIdOfSlot, idempotencyKey, runSlot, scheduledKey, scheduledTargetPages, scheduledUserTarget, type ScheduleChange, type ScheduledTarget } from './digest-targets.js';
import { KnownRuns } from './known-runs.js';
import type { Logger } from './log.js';
import type { Reply } from './reply.js';
import { ChannelPacing } from './flow/channel-pacing.js';
import { SendSlots } from './flow/send-slots.js';
import { slotsBetween } from './schedule.js';
import type { PaperSearch } from './search-port.js';
import type { DigestRun, Store } from './store/port.js';
import { dmTarget, targetKey, type Paper, type Platform } from './types.js';

/** The part of node-cron the scheduler uses, injectable for tests. */
export interface CronLike {
  schedule(expression: string, fn: () => unknown, options: { timezone: string; name: string }): { stop(): unknown; destroy(): unknown };
}

export interface SchedulerDeps {
  store: Store;
  index: PaperSearch;
  deliverers: Map<Platform, Deliverer>;
  config: AppConfig;
  log: Logger;
  clock?: () => Date;
  cron?: CronLike;
  /** Waits between retries (default: a timer that stop() cancels). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Sends in flight at once (default 4). */
  concurrency?: number;
  /** Longest one send attempt may take (default 20 s). */
  sendTimeoutMs?: number;
  /** How long a slow send keeps its concurrency slot before the next send may start (default 5 s). */
  slotHoldMs?: number;
  /** Users read per page when the scheduler reads every digest (default digest-targets' TARGETS_PAGE). */
  targetsPageSize?: number;
}

/** How a pass over due digests went, by outcome. */
export type RunSummary = Record<RunResult, number>;

/** A sweep catches what cron could not fire: slots skipped by DST changes, or missed while busy. */
const SWEEP_CRON = '*/5 * * * *';
/** The sweep's key among the jobs (every group key has a '|' in it). */
const SWEEP = 'sweep';
/** However small catchUpHours is, a sweep or a late cron tick still finds its slot. */
const MIN_WINDOW_MS = 10 * 60_000;
/** Finished runs are kept this long (well past any catch-up window), then pruned daily. */
const RUN_RETENTION_MS = 30 * 24 * 3600_000;
/** A cron tick a little early still counts as on time. */
const EARLY_MS = 1000;

const defaultCron: CronLike = { schedule: (expr, fn, options) => cronSchedule(expr, fn, options) };

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); }, { once: true });
  });
}

/**
 * Delivers every digest exactly once: a cron tick (or a sweep, or catch-up on start) finds each
 * target's latest due slot, plans it, claims (target, slot) with the planned message in the
 * store, sends it, and records the deliveries with the run's end in one transaction. A run left
 * claimed by a crash is re-sent on the next start with the same message and idempotency key.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { store, index, config, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const cron = deps.cron ?? defaultCron;
  const concurrency = deps.concurrency ?? 4;
  const abort = new AbortController();
  const abortAttempts = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  /** One cron job per (expression, zone) group, by groupKey; the sweep's under SWEEP. */
  const jobs = new Map<string, { stop(): unknown; destroy(): unknown }>();
  /**
   * The active digests by scheduledKey: read in full a page of users at a time (readTargets), so a
   * start with 100k users never holds the event loop for seconds, then kept current change by change.
   */
  let targets = new Map<string, ScheduledTarget>();
  /** The full read under way or done; undefined before the first and after one failed. */
  let reading: Promise<void> | undefined;
  let complete = false;
  let reads = 0;
  // Shared by every pass until the index changes: the morning's many cron ticks search each topic once.
  const matchCache = createMatchCache(store, index);
  // Every run this scheduler claims or finishes is noted here, so no pass plans from a stale prefetch.
  const changes = createDeliveryChanges();
  const planner = () => createDigestPlanner(store, index, config, matchCache, changes);
  const knownRuns = new KnownRuns(store);
  let started = false;
  let stopped = false;
  let lastPrune = 0;

  function pruneOldRuns(now: Date): void {
    if (now.getTime() - lastPrune < 24 * 3600_000) return;
    lastPrune = now.getTime();
    const keep = Math.max(RUN_RETENTION_MS, config.digests.catchUpHours * 3600_000 * 2);
    try {
      const pruned = store.pruneRuns(new Date(now.getTime() - keep));
      if (pruned > 0) log.info({ pruned }, 'pruned old digest runs');
    } catch (err) {
      log.warn({ err }, 'could not prune old digest runs');
    }
  }

  const delivery: DeliveryContext = {
    store, changes, deliverers: deps.deliverers, config, log, clock, signal: abort.signal,
    sleep: deps.sleep ?? defaultSleep,
    paused: (change) => update(change),
    abortAttempts: abortAttempts.signal,
    sendTimeoutMs: deps.sendTimeoutMs,
    slots: new SendSlots(concurrency, Math.min(deps.slotHoldMs ?? 5000, deps.sendTimeoutMs ?? Infinity)),
    pacing: new ChannelPacing(() => clock().getTime()),
  };
  /** Runs claimed and not yet finished at once; their attempts share the `concurrency` slots. */
  const runsInProgress = concurrency * 16;

  const onInvalid = (what: string, err: unknown) => log.error({ err }, `skipping ${what}: its schedule is invalid`);
  const groupKey = (t: ScheduledTarget) => `${t.schedule.cron}|${t.timeZone}`;

  /**
   * Reads every digest into a fresh map, letting the event loop turn between pages; each page's
   * new (cron, zone) groups get their jobs as they appear. A change made meanwhile is applied to
   * the map being filled; pages read after it read it from the store too.
   */
  function readTargets(): Promise<void> {
    const read = ++reads;
    complete = false;
    const into = (targets = new Map());
    const work = (async () => {
      for (const { targets: page, last } of scheduledTargetPages(store, config, onInvalid, deps.targetsPageSize)) {
        if (read !== reads || stopped) return;
        for (const t of page) {
          into.set(scheduledKey(t), t);
          scheduleGroup(t);
        }
        if (!last) await new Promise((resolve) => setImmediate(resolve));
      }
      if (read !== reads) return;
      complete = true;
      log.debug({ targets: into.size, jobs: jobs.size }, 'digests read and scheduled');
    })().catch((err: unknown) => {
      if (read === reads) reading = undefined;
      log.error({ err }, 'could not read the digests to schedule; the next pass tries again');
      throw err;
    });
    reading = work;
    track(work).catch(() => {});
    return work;
  }

  /** Every active digest, once a full read has finished (starting one if none is under way). */
  async function allTargets(): Promise<Map<string, ScheduledTarget>> {
    while (!complete && !stopped) await (reading ?? readTargets());
    return targets;
  }

  /**
   * Re-reads what changed, not every follow: at 100k users a full read takes seconds, and a
   * follow or unfollow happens all day. A group no job serves yet gets one.
   */
  function update(change?: ScheduleChange): void {
    // Before the first read there is nothing to update: that read finds the change.
    if (!reading && !complete) return;
    if (!change) {
      void readTargets().catch(() => {});
      return;
    }
    let changed: ScheduledTarget[];
    if ('user' in change) {
      const key = targetKey(dmTarget(change.user));
      const t = scheduledUserTarget(store, config, change.user, onInvalid);
      if (t) targets.set(key, t);
      else targets.delete(key);
      changed = t ? [t] : [];
    } else {
      for (const [key, t] of targets) if (t.kind === 'channel') targets.delete(key);
      changed = channelTargets(store, onInvalid);
      for (const t of changed) targets.set(scheduledKey(t), t);
    }
    for (const t of changed) scheduleGroup(t);
  }

  /** Runs `work` counted as in flight, so stop() can wait for it. */
  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  }

  /** Plans and claims one slot synchronously, then returns the send (if any) to await. */
  function claim(t: ScheduledTarget, slot: Date, planner: DigestPlanner): { result: RunResult; send?: ClaimedRun } {
    const key = runSlot(t, slot);
    if (knownRuns.has(t.target, key)) return { result: 'skipped' };
    const plan = t.kind === 'user' ? planner.planUser(t.user, t.follows, slot) : planner.planChannel(t.digest);
    for (const s of plan.skipped) if (!s.fixable) log.error({ target: targetKey(t.target), topic: s.topic, err: s.reason }, 'could not plan a digest topic; skipped it');
    if (!plan.reply) {
      const claimed = store.claimRun(t.target, key, null, clock());
      knownRuns.add(t.target, key);
      return { result: claimed ? 'empty' : 'skipped' };
    }
    changes.note(t.target);
    const claimed = store.claimRun(t.target, key, { paperIds: plan.paperIds, payload: JSON.stringify(plan.reply) }, clock());
    knownRuns.add(t.target, key);
    if (!claimed) return { result: 'skipped' };
    return { result: 'sent', send: { target: t.target, slot: key, reply: plan.reply, paperIds: plan.paperIds, ...(plan.followUp ? { followUp: plan.followUp } : {}) } };
  }

  /**
   * Runs the given claimed sends; their attempts share `concurrency` slots (see SendSlots) and
   * retry waits hold none, so a slow or rate-limited target never holds up the others. One
   * failure never stops the rest.
   */
  async function sendAll(runs: AsyncIterable<ClaimedRun> | Iterable<ClaimedRun>, summary: RunSummary): Promise<void> {
    const running = new Set<Promise<void>>();
    for await (const run of runs) {
      const p = track(sendClaimedRun(delivery, run)).then(
        (r) => { summary[r]++; },
        (err) => { summary.failed++; log.error({ err, target: targetKey(run.target) }, 'digest send crashed'); },
      );
      running.add(p);
      void p.finally(() => running.delete(p));
      if (running.size >= runsInProgress) await Promise.race(running);
    }
    await Promise.all(running);
  }

  const emptySummary = (): RunSummary => ({ sent: 0, empty: 0, skipped: 0, failed: 0, unreachable: 0, interrupted: 0 });

  /**
   * Delivers, for each target (all, or those `only` selects), its latest slot that is due at
   * `now` within the catch-up window and after the target became active, unless already run.
   */
  async function runDue(now: Date = clock(), only?: (t: ScheduledTarget) => boolean): Promise<RunSummary> {
    const summary = emptySummary();
    const all = await allTargets();
    if (stopped) return summary;
    const from = new Date(now.getTime() - Math.max(config.digests.catchUpHours * 3600_000, MIN_WINDOW_MS));
    knownRuns.forgetBefore(from);
    const to = new Date(now.getTime() + EARLY_MS);
    const slotCache = new Map<string, Date[]>();
    const pass = planner();
    const due = function* (): Generator<ClaimedRun> {
      // First the targets with a slot due and not yet run, so their deliveries are read in one prefetch.
      const todo: { t: ScheduledTarget; slot: Date }[] = [];
      for (const t of all.values()) {
        if (only && !only(t)) continue;
        let slots = slotCache.get(groupKey(t));
        if (!slots) slotCache.set(groupKey(t), (slots = slotsBetween(t.schedule, t.timeZone, from, to)));
        const last = slots[slots.length - 1];
        const slot = last && last.getTime() > t.since.getTime() ? last : undefined;
        if (!slot) continue;
        try {
          if (knownRuns.has(t.target, runSlot(t, slot))) summary.skipped++;
          else todo.push({ t, slot });
        } catch (err) {
          summary.failed++;
          log.error({ err, target: targetKey(t.target) }, 'could not plan a digest');
        }
      }
      if (todo.length === 0) return;
      try {
        pass.prefetch(todo.map((d) => d.t));
      } catch (err) {
        log.warn({ err }, 'could not prefetch deliveries; reading them per target');
      }
      for (const { t, slot } of todo) {
        if (stopped) return;
        try {
          const { result, send } = claim(t, slot, pass);
          if (send) yield send;
          else summary[result]++;
        } catch (err) {
          summary.failed++;
          log.error({ err, target: targetKey(t.target) }, 'could not plan a digest');
        }
      }
    };
    await track(sendAll(due(), summary));
    if (summary.sent + summary.failed + summary.unreachable + summary.interrupted > 0) log.info({ ...summary }, 'digest pass finished');
    return summary;
  }

  /**
   * Resolves runs a previous process left claimed: records those the platform already has, and
   * re-sends the rest with the same message and key. A deliverer that checksBeforeSend looks each
   * part up inside send() (paced per platform workspace), so checks and re-sends run at the
   * sends' concurrency instead of one after the other; others are asked wasSent() first.
   */
  async function recover(now: Date = clock()): Promise<RunSummary> {
    const summary = emptySummary();
    const oldest = now.getTime() - Math.max(config.digests.catchUpHours * 3600_000, MIN_WINDOW_MS);
    const record = (run: DigestRun, paperIds: string[], messageId: string) => {
      changes.note(run.targetRef);
      store.finishRun(run.targetRef, run.slot, { state: 'sent', messageId, paperIds }, clock());
      summary.sent++;
      log.info({ target: run.target, slot: run.slot }, 'interrupted digest had been sent; recorded it');
    };
    const resend = async function* (): AsyncGenerator<ClaimedRun> {
      for (const run of store.pendingRuns()) {
        if (stopped) return;
        const claimed: ClaimedRun = { target: run.targetRef, slot: run.slot, reply: JSON.parse(run.plan?.payload ?? '{}') as Reply, paperIds: run.plan?.paperIds ?? [], unsureSince: run.claimed };
        const deliverer = deps.deliverers.get(run.targetRef.platform);
        const late = Date.parse(run.slot.slice(0, 24)) < oldest;
        const active = late || (await stillActive(run));
        // A stop while the digests were being read leaves them partly read: not a reason to fail the run.
        if (stopped) return;
        const why = late ? 'interrupted and now outside the catch-up window' : active ? undefined : 'interrupted, and its digest was since removed or paused';
        try {
          if (!why && deliverer?.checksBeforeSend) {
            yield claimed;
            continue;
          }
          const found = await findSent(deliverer, run);
          if (found) {
            record(run, claimed.paperIds, found.messageId);
            continue;
          }
          if (why) {
            changes.note(run.targetRef);
            store.finishRun(run.targetRef, run.slot, { state: 'failed', error: why }, clock());
            summary.failed++;
            continue;
          }
        } catch (err) {
          summary.failed++;
          log.error({ err, target: run.target, slot: run.slot }, 'could not resolve an interrupted digest');
          continue;
        }
        yield claimed;
      }
    };
    await track(sendAll(resend(), summary));
    return summary;
  }

  async function findSent(deliverer: Deliverer | undefined, run: DigestRun): Promise<{ messageId: string } | undefined> {
    if (!deliverer?.wasSent) return undefined;
    try {
      return await deliverer.wasSent(run.targetRef, idempotencyKey(run.targetRef, run.slot), { since: run.claimed });
    } catch (err) {
      log.warn({ err, target: run.target }, 'could not check whether an interrupted digest was sent; sending it');
      return undefined;
    }
  }

  /** Whether the run's digest is still active; waits for a complete read of the digests. */
  async function stillActive(run: DigestRun): Promise<boolean> {
    const id = digestIdOfSlot(run.slot);
    const t = (await allTargets()).get(id === undefined ? run.target : `digest:${id}`);
    return t !== undefined && targetKey(t.target) === run.target;
  }

  const fire = (only?: (t: ScheduledTarget) => boolean) => () => {
    // Tracked from the start: the pass may first wait for the digests to be read.
    void track(runDue(clock(), only)).catch((err) => log.error({ err }, 'digest pass crashed'));
  };

  /** Starts the cron job of the target's (expression, zone) group, unless it has one. */
  function scheduleGroup(t: ScheduledTarget): void {
    const key = groupKey(t);
    if (!started || stopped || jobs.has(key)) return;
    jobs.set(key, cron.schedule(t.schedule.cron, fire((x) => groupKey(x) === key), { timezone: t.timeZone, name: `digests ${key}` }));
  }

  /** Starts the sweep, and one cron job per (expression, zone) of the digests read so far; a read under way adds the rest. */
  function scheduleJobs(): void {
    const sweep = fire();
    jobs.set(SWEEP, cron.schedule(SWEEP_CRON, () => { pruneOldRuns(clock()); sweep(); }, { timezone: 'UTC', name: 'digest sweep' }));
    for (const t of targets.values()) scheduleGroup(t);
  }

  return {
    /**
     * Starts reading the digests (a page at a time: it returns before the read is done), schedules
     * the cron jobs as they appear, resolves interrupted runs and starts catch-up (see idle()).
     */
    async start(): Promise<void> {
      if (started || stopped) return;
      started = true;
      scheduleJobs();
      if (!reading && !complete) void readTargets().catch(() => {});
      const startup = (async () => {
        pruneOldRuns(clock());
        // Interrupted runs are checked and re-sent beside the due pass: neither waits for the other.
        await Promise.all([recover(), runDue()]);
      })().catch((err) => log.error({ err }, 'digest catch-up crashed'));
      track(startup);
    },
    /** Re-reads what changed (one user's follows and prefs, or the channel digests; everything when omitted) and schedules any new group: call after a change. */
    refresh(change?: ScheduleChange): void {
      update(change);
    },
    /**
     * Stops the jobs and retry waits at once; sends in flight get `graceMs` (default: their own
     * deadline) to finish and be recorded, then are abandoned. Unsent claimed runs resume on the
     * next start.
     */
    async stop(graceMs = Infinity): Promise<void> {
      stopped = true;
      abort.abort();
      for (const task of jobs.values()) task.destroy();
      jobs.clear();
      // Attempts in flight get `graceMs` to finish and be recorded; then they are abandoned.
      const timer = Number.isFinite(graceMs) ? setTimeout(() => abortAttempts.abort(), graceMs) : undefined;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      clearTimeout(timer);
    },
    /** Resolves when no pass or send is in flight (tests, shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    runDue,
    recover,
    /** Runs one target's slot now, if not already run (for tests and admin tools). */
    async runTargetSlot(t: ScheduledTarget, slot: Date): Promise<RunResult> {
      const { result, send } = claim(t, slot, planner());
      return send ? track(sendClaimedRun(delivery, send)) : result;
    },
    /** The active digests as the scheduler sees them (those read so far, while a full read is under way). */
    targets: (): ScheduledTarget[] => [...targets.values()],
    /** Adds papers to the index and records when they were first seen; they are eligible for the next digests. */
    addPapers(papers: Paper[]): Paper[] {
      const added = index.add(papers);
      store.recordFirstSeen(added.map((p) => p.id), clock());
      return added;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
