import type { AppConfig } from '../config/index.js';
import type { Deliverer, SendOptions } from './deliverer.js';
import type { DeliveryChanges } from './digest.js';
import { recordFollowUp, type DigestFollowUp } from './digest-cap.js';
import { idempotencyKey, digestIdOfSlot, type ScheduleChange } from './digest-targets.js';
import { DeliveryError } from './errors.js';
import type { ChannelPacing } from './flow/channel-pacing.js';
import { DeadlineError, withDeadline } from './flow/deadline.js';
import type { SendSlots } from './flow/send-slots.js';
import type { Logger } from './log.js';
import type { Reply } from './reply.js';
import type { Store, UserPrefs } from './store/port.js';
import { targetKey, type Platform, type Target } from './types.js';

export type RunResult = 'sent' | 'empty' | 'skipped' | 'failed' | 'unreachable' | 'interrupted';

export interface DeliveryContext {
  store: Store;
  /** Told of every run this finishes, so prefetched deliveries never go stale. */
  changes: DeliveryChanges;
  deliverers: Map<Platform, Deliverer>;
  config: AppConfig;
  log: Logger;
  clock: () => Date;
  /** Waits between retries; rejects or resolves early when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by stop(): no new attempt starts; the run stays claimed for the next start. */
  signal: AbortSignal;
  /** Called after the bot paused a digest (a user's, or a channel's), so schedules are recomputed. */
  paused: (change: ScheduleChange) => void;
  /** Aborts attempts already in flight (stop() after its grace period); default: `signal`. */
  abortAttempts?: AbortSignal;
  /** Longest one attempt may take before it is abandoned and retried (default 20 s). */
  sendTimeoutMs?: number;
  /** Shared bound on attempts at once; a slow attempt gives its slot back early (see SendSlots). */
  slots?: SendSlots;
  /** Per-destination Retry-After waits, so one channel's rate limit pauses only that channel. */
  pacing?: ChannelPacing;
}

export const DEFAULT_SEND_TIMEOUT_MS = 20_000;

/** One attempt: its own deadline and abort signal, inside a send slot when there are slots. */
function attemptSend(ctx: DeliveryContext, deliverer: Deliverer, target: Target, reply: Reply, options: SendOptions): Promise<{ messageId: string }> {
  const timed = () => withDeadline(ctx.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS, ctx.abortAttempts ?? ctx.signal, (signal) => deliverer.send(target, reply, { ...options, signal }));
  return ctx.slots ? ctx.slots.run(timed) : timed();
}

/** A claimed run to send: its target, slot key and the exact message planned with the claim. */
export interface ClaimedRun {
  target: Target;
  slot: string;
  reply: Reply;
  paperIds: string[];
  /**
   * Recorded once sent (offered papers, aged out ones, topics told about). Not kept with the claim:
   * a run re-sent after a crash skips it, and the next digest simply plans those papers again.
   */
  followUp?: DigestFollowUp;
  /** Left claimed by a process that died after this time: the platform may already have it. */
  unsureSince?: Date;
}

const describeError = (err: unknown) => (err instanceof DeliveryError ? `${err.failure}${err.code !== undefined ? ` (${err.code})` : ''}: ${err.message}` : String((err as Error)?.message ?? err));

/**
 * Sends a claimed run: retries transient failures with exponential backoff, then records it
 * failed; on 'unreachable' records it failed, pauses the digest and tells its creator. Records
 * deliveries with the run's end in one transaction. Never throws.
 */
export async function sendClaimedRun(ctx: DeliveryContext, run: ClaimedRun): Promise<RunResult> {
  const { store, config, log, clock } = ctx;
  const { target, slot } = run;
  const where = { target: targetKey(target), slot };
  const deliverer = ctx.deliverers.get(target.platform);
  if (!deliverer) {
    finish(ctx, run, { state: 'failed', error: `no deliverer for platform ${target.platform}` });
    log.error(where, 'digest not sent: platform not running');
    return 'failed';
  }
  const key = idempotencyKey(target, slot);
  const max = config.digests.maxAttempts;
  const destination = targetKey(target);
  // Set once an attempt may have reached the platform without our knowing (it was abandoned at
  // its deadline, or the request failed mid-way): later attempts then check before posting.
  let unsureSince = run.unsureSince;
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal.aborted) return 'interrupted';
    const paced = ctx.pacing?.waitMs(destination) ?? 0;
    if (paced > 0) {
      try {
        await ctx.sleep(paced, ctx.signal);
      } catch {
        return 'interrupted';
      }
    }
    let sent: { messageId: string };
    const attemptStarted = clock();
    try {
      sent = await attemptSend(ctx, deliverer, target, run.reply, { idempotencyKey: key, ...(unsureSince ? { unsureSince } : {}) });
    } catch (caught) {
      // Stopping: the run stays claimed and the next start resolves it.
      if (caught instanceof DeadlineError && caught.reason === 'stopping') return 'interrupted';
      const err = caught instanceof DeadlineError ? new DeliveryError(`send gave no answer within ${ctx.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS} ms`, 'transient', 'deadline') : caught;
      if (err instanceof DeliveryError && err.retryAfterMs !== undefined) ctx.pacing?.hold(destination, err.retryAfterMs);
      if (err instanceof DeliveryError && (err.code === 'deadline' || err.code === 'request_error')) unsureSince ??= attemptStarted;
      if (err instanceof DeliveryError && err.failure === 'unreachable') {
        finish(ctx, run, { state: 'failed', error: describeError(err) });
        await pauseUnreachable(ctx, run, deliverer, err);
        return 'unreachable';
      }
      store.recordAttempt(target, slot, describeError(err), clock());
      if (attempt >= max) {
        finish(ctx, run, { state: 'failed', error: describeError(err) });
        log.error({ ...where, attempts: attempt, err: describeError(err) }, 'digest failed after retries');
        return 'failed';
      }
      const backoff = config.digests.retryBaseMs * 2 ** (attempt - 1);
      // A rate limit is waited out by the pacing above (for this destination only), not twice.
      const delay = err instanceof DeliveryError && err.retryAfterMs !== undefined && ctx.pacing ? 0 : backoff;
      log.warn({ ...where, attempt, delay, err: describeError(err) }, 'digest send failed, retrying');
      try {
        if (delay > 0) await ctx.sleep(delay, ctx.signal);
      } catch {
        // Aborted by stop(): the run stays claimed and the next start resolves it.
      }
      continue;
    }
    // Outside the try: a failure to record must never be mistaken for a failed send and re-sent.
    finish(ctx, run, { state: 'sent', messageId: sent.messageId, paperIds: run.paperIds });
    if (run.followUp) followUp(ctx, run, run.followUp);
    log.info({ ...where, papers: run.paperIds.length, messageId: sent.messageId }, 'digest sent');
    return 'sent';
  }
}

function finish(ctx: DeliveryContext, run: ClaimedRun, outcome: Parameters<Store['finishRun']>[2]): void {
  ctx.changes.note(run.target);
  try {
    ctx.store.finishRun(run.target, run.slot, outcome, ctx.clock());
  } catch (err) {
    ctx.log.error({ target: targetKey(run.target), slot: run.slot, err }, 'could not record the end of a digest run');
  }
}

function followUp(ctx: DeliveryContext, run: ClaimedRun, what: DigestFollowUp): void {
  const where = { target: targetKey(run.target), slot: run.slot };
  // Logged here, once per target and topic: the digest that told its owner is the one sent.
  for (const topic of what.told) ctx.log.warn({ ...where, topic }, 'a digest topic cannot be searched; skipped it and told its owner');
  try {
    recordFollowUp(ctx.store, run.target, what, ctx.clock());
  } catch (err) {
    ctx.log.error({ ...where, err }, 'could not record the papers a digest offered');
  }
}

/** Pauses what could not be reached and tells the channel digest's creator; logs, never throws. */
async function pauseUnreachable(ctx: DeliveryContext, run: ClaimedRun, deliverer: Deliverer, err: DeliveryError): Promise<void> {
  const { store, config, log, clock } = ctx;
  const reason = String(err.code ?? 'unreachable');
  const where = { target: targetKey(run.target), slot: run.slot, reason };
  try {
    if (run.target.kind === 'user') {
      const user = { platform: run.target.platform, workspace: run.target.workspace, user: run.target.id };
      const current = store.getPrefs(user);
      const prefs: UserPrefs = { time: current?.time ?? config.digests.defaultTime, timeZone: current?.timeZone ?? config.digests.defaultTimeZone, paused: true, pausedReason: reason };
      store.setPrefs(user, prefs);
      log.warn(where, 'DM digest paused: user unreachable');
      ctx.paused({ user });
      return;
    }
    const id = digestIdOfSlot(run.slot);
    const digest = store.allDigests().find((d) => d.id === id);
    if (!digest) return;
    store.setDigestPaused(digest.id, true, reason, clock());
    ctx.paused({ channels: true });
    log.warn({ ...where, digest: digest.id }, 'channel digest paused: channel unreachable');
    const creator: Target = { platform: digest.platform, workspace: digest.workspace, kind: 'user', id: digest.createdBy };
    const notice: Reply = {
      visibility: 'channel',
      title: 'Channel digest paused',
      text: `I could not post your digest on “${digest.topic}” (${digest.schedule}, ${digest.timeZone}) to channel ${digest.channel} (${reason}), so I paused it. Add me back to the channel or let me post there, then add the same digest again to resume it.`,
    };
    await attemptSend(ctx, deliverer, creator, notice, { idempotencyKey: idempotencyKey(creator, `${run.slot}/paused`) });
  } catch (notifyErr) {
    log.warn({ ...where, err: describeError(notifyErr) }, 'could not tell the digest creator it was paused');
  }
}
