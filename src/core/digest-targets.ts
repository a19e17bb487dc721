import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/index.js';
import { partKey } from './deliverer.js';
import { channelTarget } from './digest.js';
import { dailyAt, parseSchedule, type Schedule } from './schedule.js';
import type { ChannelDigest, Follow, Store, UserPrefs } from './store/port.js';
import { dmTarget, targetKey, type Target, type UserKey } from './types.js';

/** One active digest with its schedule: a user's DM digest or one channel digest. */
export type ScheduledTarget = {
  target: Target;
  schedule: Schedule;
  timeZone: string;
  /** Slots at or before this instant are never delivered (created, resumed or rescheduled after them). */
  since: Date;
} & ({ kind: 'user'; user: UserKey; follows: Follow[] } | { kind: 'channel'; digest: ChannelDigest });

/** What changed, so the scheduler re-reads only that: one user's follows or delivery settings, or the channel digests. */
export type ScheduleChange = { user: UserKey } | { channels: true };

/** Parses each schedule text once per read (many targets share a few). */
type ScheduleCache = (text: string, make: () => Schedule) => Schedule;

function scheduleCache(): ScheduleCache {
  const schedules = new Map<string, Schedule>();
  return (text, make) => {
    let s = schedules.get(text);
    if (!s) schedules.set(text, (s = make()));
    return s;
  };
}

/** The scheduler's key of a target: one per user, one per channel digest (a channel may have several). */
export function scheduledKey(t: ScheduledTarget): string {
  return t.kind === 'user' ? targetKey(t.target) : `digest:${t.digest.id}`;
}

type OnInvalid = (what: string, err: unknown) => void;

/** A user's DM digest, or undefined when it is paused, has no follows, or its delivery time is invalid (told to onInvalid). */
function userTarget(user: UserKey, follows: Follow[], prefs: UserPrefs | undefined, config: AppConfig, parsed: ScheduleCache, onInvalid: OnInvalid): ScheduledTarget | undefined {
  if (prefs?.paused || follows.length === 0) return undefined;
  const time = prefs?.time ?? config.digests.defaultTime;
  let firstFollow = Infinity;
  for (const f of follows) firstFollow = Math.min(firstFollow, f.created.getTime());
  try {
    return {
      kind: 'user', user, follows,
      target: dmTarget(user),
      schedule: parsed(`daily ${time}`, () => dailyAt(time)),
      timeZone: prefs?.timeZone ?? config.digests.defaultTimeZone,
      since: new Date(Math.max(firstFollow, prefs?.since?.getTime() ?? 0)),
    };
  } catch (err) {
    onInvalid(`DM digest of ${user.platform}:${user.workspace}:${user.user}`, err);
    return undefined;
  }
}

/** Every unpaused channel digest in the store. */
export function channelTargets(store: Store, onInvalid: OnInvalid, parsed: ScheduleCache = scheduleCache()): ScheduledTarget[] {
  const out: ScheduledTarget[] = [];
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

/** One user's DM digest as the store holds it now (two small reads), or undefined when there is none to schedule. */
export function scheduledUserTarget(store: Store, config: AppConfig, user: UserKey, onInvalid: OnInvalid): ScheduledTarget | undefined {
  return userTarget(user, store.listFollows(user), store.getPrefs(user), config, scheduleCache(), onInvalid);
}

/** Users per page when the scheduler reads every digest: about 5k follows, some 30 ms a page. */
export const TARGETS_PAGE = 1_000;

/**
 * Every unpaused digest in the store, a page at a time: up to `pageSize` users' DM digests a page,
 * the channel digests with the first. The caller may let other work run between pages; `last`
 * marks the final one.
 */
export function* scheduledTargetPages(store: Store, config: AppConfig, onInvalid: OnInvalid, pageSize = TARGETS_PAGE): Generator<{ targets: ScheduledTarget[]; last: boolean }> {
  const parsed = scheduleCache();
  let targets = channelTargets(store, onInvalid, parsed);
  for (let after: UserKey | undefined; ; targets = []) {
    const page = store.followersPage(after, pageSize);
    for (const { user, follows } of page) {
      const t = userTarget(user, follows, store.getPrefs(user), config, parsed, onInvalid);
      if (t) targets.push(t);
    }
    const last = page.length < pageSize;
    yield { targets, last };
    if (last) return;
    after = page[page.length - 1]!.user;
  }
}

/** Every unpaused digest in the store, read at once: one per user with follows, one per channel digest. */
export function scheduledTargets(store: Store, config: AppConfig, onInvalid: OnInvalid): ScheduledTarget[] {
  return [...scheduledTargetPages(store, config, onInvalid)].flatMap((page) => page.targets);
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
