import type { AppConfig } from '../config/index.js';
import { UserError } from './errors.js';
import { parseTime, parseTimeZone } from './schedule.js';
import { topicKey, type Follow, type Store, type UserPrefs } from './store/port.js';
import { cleanTopic, pickByNumberOrTopic } from './topics.js';
import { likeTopic } from './follows/by-example.js';
import type { UserKey } from './types.js';

const asUser = (u: UserKey): UserKey => ({ platform: u.platform, workspace: u.workspace, user: u.user });

/** Follows a topic (1-200 characters, at most follows.maxPerUser per user); a repeat returns the existing follow. */
export function followTopic(store: Store, config: AppConfig, user: UserKey, topic: string, now: Date): { follow: Follow; created: boolean } {
  const clean = cleanTopic(topic);
  const current = store.listFollows(asUser(user));
  const max = config.follows.maxPerUser;
  const isRepeat = current.some((f) => topicKey(f.topic) === topicKey(clean));
  if (!isRepeat && current.length >= max) {
    throw new UserError(`You already follow ${current.length} topics, the most allowed is ${max}. Please unfollow one first.`, 'See them with /papers follows; remove one with /papers unfollow <number>.');
  }
  return store.addFollow(asUser(user), clean, now);
}

/**
 * Follows papers like the given ones (already checked to exist): one follow, its topic the
 * canonical "like <id>...", the same cap as topics; a repeat returns the existing follow.
 */
export function followByExample(store: Store, config: AppConfig, user: UserKey, paperIds: string[], now: Date): { follow: Follow; created: boolean } {
  const ids = [...new Set(paperIds)];
  const topic = likeTopic(ids);
  const current = store.listFollows(asUser(user));
  const max = config.follows.maxPerUser;
  if (!current.some((f) => topicKey(f.topic) === topicKey(topic)) && current.length >= max) {
    throw new UserError(`You already follow ${current.length} topics, the most allowed is ${max}. Please unfollow one first.`, 'See them with /papers follows; remove one with /papers unfollow <number>.');
  }
  return store.addFollow(asUser(user), topic, now, ids);
}

/** Unfollows by the 1-based number shown in /papers follows, or by the topic text (any case); returns what was removed. */
export function unfollow(store: Store, user: UserKey, numberOrTopic: string): Follow {
  const follow = pickByNumberOrTopic(store.listFollows(asUser(user)), numberOrTopic, 'follow', '/papers follows');
  if (!store.removeFollow(asUser(user), follow.id)) throw new UserError('That follow was just removed.', 'See /papers follows.');
  return follow;
}

/** The user's effective delivery preferences: their own, or the configured defaults. */
export function effectivePrefs(store: Store, config: AppConfig, user: UserKey): UserPrefs {
  return store.getPrefs(asUser(user)) ?? { time: config.digests.defaultTime, timeZone: config.digests.defaultTimeZone, paused: false };
}

/** Sets when the user's DM digest goes out ("HH:MM", optional IANA zone; the zone is kept when omitted). */
export function setDeliveryTime(store: Store, config: AppConfig, user: UserKey, time: string, timeZone?: string): UserPrefs {
  const { text } = parseTime(time);
  const current = effectivePrefs(store, config, user);
  const prefs: UserPrefs = { ...current, time: text, timeZone: timeZone === undefined ? current.timeZone : parseTimeZone(timeZone) };
  delete prefs.since;
  store.setPrefs(asUser(user), prefs);
  return store.getPrefs(asUser(user))!;
}

/** Pauses or resumes the user's DM digest; resuming clears a pause the bot made. */
export function setUserDigestPaused(store: Store, config: AppConfig, user: UserKey, paused: boolean): UserPrefs {
  const prefs: UserPrefs = { ...effectivePrefs(store, config, user), paused };
  delete prefs.since;
  if (!paused) delete prefs.pausedReason;
  store.setPrefs(asUser(user), prefs);
  return store.getPrefs(asUser(user))!;
}
