import { describe, expect, it } from 'vitest';
import { parseDigestAdd } from '../src/core/commands/digest-add.js';
import { parseSettingsTime } from '../src/core/commands/settings-time.js';
import { UserError } from '../src/core/errors.js';
import { parseScheduleWords, parseTime, shortestInterval, parseSchedule } from '../src/core/schedule.js';
import { describeZone, resolveTimeZone } from '../src/core/time-zone-input.js';

const words = (text: string) => text.split(' ');

describe('one reader of schedules and zones', () => {
  it.each([
    ['daily 00:00 utc', 'daily 00:00', 'UTC'],
    ['DAILY 09:00 EST', 'daily 09:00', 'America/New_York'],
    ['Weekdays 8:30 europe/berlin', 'weekdays 08:30', 'Europe/Berlin'],
    ['weekly FRIDAY 17:00 Asia/Kolkata', 'weekly fri 17:00', 'Asia/Kolkata'],
    ['cron 0 9 * * 1-5', '0 9 * * 1-5', undefined],
    ['0 9 * * MON-FRI cet', '0 9 * * mon-fri', 'Europe/Berlin'],
    ['daily 9am', 'daily 09:00', undefined],
    ['daily 5:30pm', 'daily 17:30', undefined],
  ])('%s -> %s in %s', (input, schedule, zone) => {
    const parsed = parseScheduleWords(words(input));
    expect(parsed.schedule.text).toBe(schedule);
    expect(parsed.zone?.zone).toBe(zone);
  });

  it('refuses words after the schedule that are not one zone, and unknown zones', () => {
    expect(() => parseScheduleWords(words('daily 09:00 Europe/Berlin please'))).toThrow(/only a time zone may follow/);
    expect(() => parseScheduleWords(words('daily 09:00 Mars/Olympus'))).toThrow(/not a time zone I know/);
    expect(() => parseTime('13pm')).toThrow(UserError);
  });
});

describe('zones are echoed as the user meant them', () => {
  it('keeps the IANA name typed (not its canonical alias), properly cased', () => {
    expect(resolveTimeZone('Asia/Kolkata')).toEqual({ zone: 'Asia/Kolkata' });
    expect(resolveTimeZone('asia/kolkata')).toEqual({ zone: 'Asia/Kolkata' });
    expect(resolveTimeZone('america/new_york')).toEqual({ zone: 'America/New_York' });
    expect(resolveTimeZone('europe/kyiv').zone).toBe('Europe/Kyiv');
    expect(resolveTimeZone('utc')).toEqual({ zone: 'UTC' });
  });

  it('says what an abbreviation was taken as', () => {
    expect(describeZone(resolveTimeZone('EST'))).toBe('America/New_York: EST taken as US Eastern time');
    expect(describeZone(resolveTimeZone('cet'))).toBe('Europe/Berlin: cet taken as Central European time');
    expect(describeZone(resolveTimeZone('Japan'))).toBe('Asia/Tokyo, for Japan');
  });
});

describe('digest add text', () => {
  it.each([
    ['MoE 0 9 * * 1-5', 'MoE', '0 9 * * 1-5', undefined],
    ['MoE "0 9 * * 1-5"', 'MoE', '0 9 * * 1-5', undefined],
    ['MoE cron 0 9 * * 1-5 UTC', 'MoE', '0 9 * * 1-5', 'UTC'],
    ['graph neural networks daily 00:00 utc', 'graph neural networks', 'daily 00:00', 'utc'],
    ['"graph neural networks" weekdays 09:00 Europe/Berlin', 'graph neural networks', 'weekdays 09:00', 'Europe/Berlin'],
    ['GPT 4 evals Daily 09:00 EST', 'GPT 4 evals', 'Daily 09:00', 'EST'],
  ])('%s', (text, topic, schedule, timezone) => {
    expect(parseDigestAdd(text)).toEqual({ topic, schedule, timezone });
  });

  it('splits an unreadable schedule at its keyword, for the handler to explain', () => {
    expect(parseDigestAdd('MoE daily 25:00')).toEqual({ topic: 'MoE', schedule: 'daily 25:00', timezone: undefined });
    expect(parseDigestAdd('MoE 61 9 * * *')).toEqual({ topic: 'MoE', schedule: '61 9 * * *', timezone: undefined });
    expect(() => parseDigestAdd('MoE whenever')).toThrow(/topic and then a schedule/);
  });

  it('settings time takes "daily" too', () => {
    expect(parseSettingsTime('daily 07:30 EST')).toEqual({ time: '07:30', timezone: 'EST' });
    expect(parseSettingsTime('7am')).toEqual({ time: '7am', timezone: undefined });
  });
});

describe('shortestInterval', () => {
  it.each([
    ['* * * * *', 1],
    ['*/30 9-17 * * mon-fri', 30],
    ['0 0,23 * * *', 60],
    ['daily 09:00', 1440],
    ['weekly mon 09:00', 7 * 1440],
  ])('%s -> %i minutes', (text, minutes) => {
    expect(shortestInterval(parseSchedule(text))).toBe(minutes);
  });
});
