import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/index.js';
import { partKey } from './deliverer.js';
import { channelTarget } from './digest.js';
import { dailyAt, parseSchedule, type Schedule } from './schedule.js';
import type { ChannelDigest, Follow, Store } from './store/port.js';
import { targetKey, type Target, type UserKey } from './types.js';

/** One active digest with its schedule: a user's DM digest or one channel digest. */
export type ScheduledTarget = {
  target: Target;
  schedule: Schedule;
  timeZone: string;
  /** Slots at or before this instant are never delivered (created, resumed or rescheduled after them). */
  since: Date;
} & ({ kind: 'user'; user: UserKey; follows: Follow[] } | { kind: 'channel'; digest: ChannelDigest });

/** Every unpaused digest in the store: one per user with follows, one per channel digest. */
export function scheduledTargets(store: Store, config: AppConfig, onInvalid: (what: string, err: unknown) => void): ScheduledTarget[] {
  const schedules = new Map<string, Schedule>();
  const parsed = (text: string, make: () => Schedule) => {
    let s = schedules.get(text);
    if (!s) schedules.set(text, (s = make()));
    return s;
  };
  const out: ScheduledTarget[] = [];
  const allPrefs = store.followerPrefs();
  for (const { user, follows } of store.allFollowers()) {
    const prefs = allPrefs.get(targetKey({ platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user }));
    if (prefs?.paused || follows.length === 0) continue;
    const time = prefs?.time ?? config.digests.defaultTime;
    try {
      const firstFollow = Math.min(...follows.map((f) => f.created.getTime()));
      out.push({
        kind: 'user', user, follows,
        target: { platform: user.platform, workspace: user.workspace, kind: 'user', id: user.user },
        schedule: parsed(`daily ${time}`, () => dailyAt(time)),
        timeZone: prefs?.timeZone ?? config.digests.defaultTimeZone,
        since: new Date(Math.max(firstFollow, prefs?.since?.getTime() ?? 0)),
      });
    } catch (err) {
      onInvalid(`DM digest of ${user.platform}:${user.workspace}:${user.user}`, err);
    }
  }
  for (const digest of store.allDigests()) {
    if (digest.paused) continue;
    try {
      out.push({
        kind: 'channel', digest, target: channelTarget(digest),
        schedule: parsed(digest.schedule, () => parseSchedule(digest.schedule)),
        timeZone: digest.timeZone,
        since: digest.activeSince ?? digest.created,
      });
    } catch (err) {
      onInvalid(`channel digest ${digest.id}`, err);
    }
  }
  return out;
}

/**
 * The run key of a slot: its instant, plus the digest id for channel digests, since several
 * digests may post to one channel at the same instant.
 */
export function runSlot(t: ScheduledTarget, slot: Date): string {
  return t.kind === 'channel' ? `${slot.toISOString()}/digest-${t.digest.id}` : slot.toISOString();
}

/** The digest id in a channel run's slot key, if any. */
export function digestIdOfSlot(slot: string): number | undefined {
  const m = /\/digest-(\d+)$/.exec(slot);
  return m ? Number(m[1]) : undefined;
}

/**
 * The deterministic idempotency key of one run (or of one part of it, when a digest goes as
 * several messages): 25 characters, the same on every attempt and restart.
 */
export function idempotencyKey(target: Target, slot: string, part = 0): string {
  return partKey('pb' + createHash('sha256').update(`${targetKey(target)}|${slot}`).digest('hex').slice(0, 23), part);
}
