import type { AppConfig } from '../config/index.js';
import { UserError } from './errors.js';
import { parseScheduleWords, SCHEDULE_EXAMPLES, shortestInterval, type Schedule } from './schedule.js';
import type { ZoneInput } from './time-zone-input.js';
import { topicKey, type ChannelDigest, type Store } from './store/port.js';
import { cleanTopic, pickByNumberOrTopic } from './topics.js';
import type { ChannelKey } from './types.js';

const asChannel = (c: ChannelKey): ChannelKey => ({ platform: c.platform, workspace: c.workspace, channel: c.channel });

export interface ChannelDigestInput {
  topic: string;
  /** daily HH:MM, weekdays HH:MM, weekly DAY HH:MM or a 5-field cron expression, optionally followed by a zone. */
  schedule: string;
  /** IANA zone or abbreviation; the configured digests.defaultTimeZone when omitted. */
  timeZone?: string;
}

/** What adding a digest did: made it, resumed the same paused one, or found it already there. */
export type AddOutcome = 'created' | 'resumed' | 'unchanged';

/**
 * Adds a digest to the channel (at most digests.maxPerChannel; the same topic, schedule and zone
 * once: adding it again changes nothing, adding a paused one again resumes it). `by.user` becomes
 * its creator. Refuses a request that names no channel.
 */
export function addChannelDigest(store: Store, config: AppConfig, by: ChannelKey & { user: string }, input: ChannelDigestInput, now: Date): { digest: ChannelDigest; outcome: AddOutcome; zoneInput?: ZoneInput } {
  if (!by.channel) {
    throw new UserError('I can’t tell which channel this came from, so I set up nothing.', 'Please run the command again from the channel that should get the digest.');
  }
  const topic = cleanTopic(input.topic);
  const parsed = parseScheduleWords(input.timeZone?.trim() ? [input.schedule, input.timeZone] : [input.schedule]);
  const { schedule } = parsed;
  checkChannelInterval(schedule, config.digests.minChannelIntervalMinutes);
  const timeZone = parsed.zone?.zone ?? config.digests.defaultTimeZone;
  const existing = store.listDigests(asChannel(by));
  const same = existing.find((d) => topicKey(d.topic) === topicKey(topic) && d.schedule === schedule.text && d.timeZone === timeZone);
  if (same?.paused) {
    // Adding a paused digest again is how people resume one the bot paused.
    store.setDigestPaused(same.id, false, undefined, now);
    return { digest: store.listDigests(asChannel(by)).find((d) => d.id === same.id) ?? { ...same, paused: false }, outcome: 'resumed', zoneInput: parsed.zone };
  }
  if (same) return { digest: same, outcome: 'unchanged', zoneInput: parsed.zone };
  const max = config.digests.maxPerChannel;
  if (existing.length >= max) {
    throw new UserError(`This channel already has ${existing.length} digests, the most allowed is ${max}. Please remove one first.`, 'See /papers digest list; remove one with /papers digest remove <number>.');
  }
  return { digest: store.addDigest({ ...asChannel(by), topic, schedule: schedule.text, timeZone, size: config.digests.size, createdBy: by.user, created: now }), outcome: 'created', zoneInput: parsed.zone };
}

/** A channel digest more often than `minutes` would flood the channel: refused, saying why. */
function checkChannelInterval(schedule: Schedule, minutes: number): void {
  const shortest = shortestInterval(schedule);
  if (shortest >= minutes) return;
  const every = (m: number) => (m === 1 ? 'minute' : m === 60 ? 'hour' : m % 60 === 0 ? `${m / 60} hours` : `${m} minutes`);
  throw new UserError(
    `“${schedule.text}” would post every ${every(shortest)}; a channel digest may post at most once every ${every(minutes)}, so the channel is not flooded.`,
    `${SCHEDULE_EXAMPLES} (the limit is digests.minChannelIntervalMinutes in the bot's configuration)`,
  );
}

/** The channel's digests, numbered from 1 in this order. */
export function listChannelDigests(store: Store, channel: ChannelKey): ChannelDigest[] {
  return store.listDigests(asChannel(channel));
}

/** Removes a digest by its number in /papers digest list or by its topic; returns what was removed. */
export function removeChannelDigest(store: Store, channel: ChannelKey, numberOrTopic: string): ChannelDigest {
  const digest = pickByNumberOrTopic(store.listDigests(asChannel(channel)), numberOrTopic, 'digest', '/papers digest list');
  if (!store.removeDigest(asChannel(channel), digest.id)) throw new UserError('That digest was just removed.', 'See /papers digest list.');
  return digest;
}

/**
 * Pauses or resumes a digest by number or topic; resuming clears the bot's pause reason. Returns it
 * as it is now, and whether it changed (pausing a paused digest does nothing).
 */
export function setChannelDigestPaused(store: Store, channel: ChannelKey, numberOrTopic: string, paused: boolean, now: Date): ChannelDigest & { changed: boolean } {
  const digest = pickByNumberOrTopic(store.listDigests(asChannel(channel)), numberOrTopic, 'digest', '/papers digest list');
  if (digest.paused === paused) return { ...digest, changed: false };
  store.setDigestPaused(digest.id, paused, undefined, now);
  return { ...(store.listDigests(asChannel(channel)).find((d) => d.id === digest.id) ?? { ...digest, paused }), changed: true };
}
