import { describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../src/config/index.js';
import { addChannelDigest, removeChannelDigest, setChannelDigestPaused } from '../src/core/channel-digests.js';
import { UserError } from '../src/core/errors.js';
import { followTopic, setDeliveryTime, setUserDigestPaused, unfollow } from '../src/core/follows.js';
import { createMemoryStore } from '../src/core/store/memory.js';

const base = loadConfig({});
const config: AppConfig = { ...base, follows: { maxPerUser: 3 }, digests: { ...base.digests, maxPerChannel: 2, defaultTimeZone: 'Europe/Paris' } };
const now = new Date('2026-03-01T08:00:00Z');
const user = { platform: 'slack' as const, workspace: 'T', user: 'U1', channel: 'C1', isAdmin: true, args: {} };
const topics = (store: ReturnType<typeof createMemoryStore>) => store.listFollows(user).map((f) => f.topic);

describe('follows', () => {
  it('trims and collapses the topic, and a repeat in another case is the same follow', () => {
    const store = createMemoryStore();
    expect(followTopic(store, config, user, '  Graph   Neural Networks ', now)).toMatchObject({ created: true, follow: { topic: 'Graph Neural Networks' } });
    expect(followTopic(store, config, user, 'graph neural networks', now).created).toBe(false);
    expect(topics(store)).toEqual(['Graph Neural Networks']);
  });

  it('rejects empty and over-long topics and a follow over the limit, but not a repeat at the limit', () => {
    const store = createMemoryStore();
    expect(() => followTopic(store, config, user, '   ', now)).toThrow(UserError);
    expect(() => followTopic(store, config, user, 'x'.repeat(301), now)).toThrow(/301 characters.*300/);
    followTopic(store, config, user, 'x'.repeat(300), now);
    followTopic(store, config, user, 'b', now);
    followTopic(store, config, user, 'c', now);
    expect(() => followTopic(store, config, user, 'd', now)).toThrow(/already follow 3 topics, the most allowed is 3/);
    expect(followTopic(store, config, user, 'B', now).created).toBe(false);
  });

  it('unfollows by number as listed or by text in any case', () => {
    const store = createMemoryStore();
    for (const t of ['alpha', 'Beta', 'gamma']) followTopic(store, config, user, t, now);
    expect(unfollow(store, user, '2').topic).toBe('Beta');
    expect(topics(store)).toEqual(['alpha', 'gamma']);
    expect(unfollow(store, user, 'GAMMA').topic).toBe('gamma');
    expect(() => unfollow(store, user, '5')).toThrow(/no follow number 5: the list has 1/);
    expect(() => unfollow(store, user, 'delta')).toThrow(/No follow on “delta”/);
    expect(() => unfollow(store, user, '0')).toThrow(UserError);
  });

  it('sets the delivery time, keeping the zone unless given, and pauses and resumes', () => {
    const store = createMemoryStore();
    expect(setDeliveryTime(store, config, user, '7:05')).toMatchObject({ time: '07:05', timeZone: 'Europe/Paris', paused: false });
    expect(setDeliveryTime(store, config, user, '18:30', 'America/New_York')).toMatchObject({ time: '18:30', timeZone: 'America/New_York' });
    expect(setDeliveryTime(store, config, user, '06:00')).toMatchObject({ time: '06:00', timeZone: 'America/New_York' });
    expect(() => setDeliveryTime(store, config, user, '24:00')).toThrow(/HH:MM/);
    expect(() => setDeliveryTime(store, config, user, '08:00', 'Nowhere/Land')).toThrow(/not a time zone/);
    store.setPrefs(user, { ...store.getPrefs(user)!, paused: true, pausedReason: 'cannot_dm' });
    expect(setUserDigestPaused(store, config, user, false)).toMatchObject({ paused: false, time: '06:00' });
    expect(store.getPrefs(user)?.pausedReason).toBeUndefined();
  });
});

describe('channel digests', () => {
  it('adds with a normalized schedule, the default zone and the configured size', () => {
    const store = createMemoryStore();
    const { digest: d } = addChannelDigest(store, config, user, { topic: ' LLM agents ', schedule: 'weekly Friday 9:00' }, now);
    expect(d).toMatchObject({ topic: 'LLM agents', schedule: 'weekly fri 09:00', timeZone: 'Europe/Paris', size: config.digests.size, createdBy: 'U1', channel: 'C1' });
    expect(addChannelDigest(store, config, user, { topic: 'robots', schedule: '0 9 * * 1-5', timeZone: 'Asia/Tokyo' }, now).digest.timeZone).toBe('Asia/Tokyo');
  });

  it('rejects bad schedules and zones and a channel over the limit; the same digest again is set up, not an error', () => {
    const store = createMemoryStore();
    expect(() => addChannelDigest(store, config, user, { topic: 'a', schedule: 'sometimes' }, now)).toThrow(/don't understand the schedule/);
    expect(() => addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 09:00', timeZone: 'Moon/Base' }, now)).toThrow(/not a time zone/);
    addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 09:00' }, now);
    expect(addChannelDigest(store, config, user, { topic: 'A', schedule: 'daily 9:00' }, now)).toMatchObject({ outcome: 'unchanged', digest: { topic: 'a', schedule: 'daily 09:00' } });
    addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 10:00' }, now);
    expect(() => addChannelDigest(store, config, user, { topic: 'b', schedule: 'daily 09:00' }, now)).toThrow(/already has 2 digests, the most allowed is 2/);
    expect(store.listDigests({ ...user, channel: 'C2' })).toEqual([]);
  });

  it('resumes a paused digest when it is added again', () => {
    const store = createMemoryStore();
    const { digest: d } = addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 09:00' }, now);
    store.setDigestPaused(d.id, true, 'not_in_channel', now);
    const again = addChannelDigest(store, config, user, { topic: 'A', schedule: 'daily 9:00' }, new Date('2026-03-02T00:00:00Z'));
    expect(again).toMatchObject({ outcome: 'resumed' });
    expect(again.digest).toMatchObject({ id: d.id, paused: false, activeSince: new Date('2026-03-02T00:00:00Z') });
    expect(store.listDigests(user)).toHaveLength(1);
  });

  it('removes and pauses by number or topic; an ambiguous topic asks for the number', () => {
    const store = createMemoryStore();
    addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 09:00' }, now);
    addChannelDigest(store, config, user, { topic: 'a', schedule: 'daily 10:00' }, now);
    expect(() => removeChannelDigest(store, user, 'a')).toThrow(/2 digests on “a”; please give the number/);
    expect(setChannelDigestPaused(store, user, '2', true, now)).toMatchObject({ paused: true, schedule: 'daily 10:00' });
    expect(setChannelDigestPaused(store, user, '2', false, now).paused).toBe(false);
    expect(removeChannelDigest(store, user, '1').schedule).toBe('daily 09:00');
    expect(removeChannelDigest(store, user, 'A').schedule).toBe('daily 10:00');
    expect(() => removeChannelDigest(store, user, '1')).toThrow(/no digests yet/);
  });
});
