import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import { latestSlot, nextSlot, parseSchedule, parseTimeZone, slotsBetween } from '../src/core/schedule.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const at = (s: string) => new Date(s);

describe('parseSchedule', () => {
  it.each([
    ['daily 9:05', 'daily 09:05', '5 9 * * *'],
    ['  Weekdays   08:30 ', 'weekdays 08:30', '30 8 * * 1-5'],
    ['weekly Monday 09:00', 'weekly mon 09:00', '0 9 * * 1'],
    ['weekly sun 23:59', 'weekly sun 23:59', '59 23 * * 0'],
    ['weekly thurs 07:00', 'weekly thu 07:00', '0 7 * * 4'],
    ['*/15 9-17 * * MON-FRI', '*/15 9-17 * * mon-fri', '0,15,30,45 9,10,11,12,13,14,15,16,17 * * 1,2,3,4,5'],
    ['0 8 1 jan,jul 7', '0 8 1 jan,jul 7', '0 8 1 1,7 0'],
  ])('%s -> %s (%s)', (input, text, cron) => {
    expect(parseSchedule(input)).toMatchObject({ text, cron });
  });

  it.each([
    ['daily 25:00', /not a time/],
    ['weekly someday 09:00', /not a day of the week/],
    ['every morning', /don't understand/],
    ['', /No schedule/],
    ['61 * * * *', /minute field .* out of range \(0-59\)/],
    ['0 9 * * 1-x', /day-of-week field/],
    ['0 9 5-1 * *', /backwards/],
    ['0 9 31 2 *', /never happens/],
  ])('rejects %j politely', (input, message) => {
    let error: unknown;
    try {
      parseSchedule(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).hint).toMatch(/e\.g\.|Example/);
  });
});

describe('parseTimeZone', () => {
  it('accepts IANA names in canonical spelling and rejects others with an example', () => {
    expect(parseTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone('utc')).toBe('UTC');
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(UserError);
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(/not a time zone/);
  });
});

describe('slotsBetween', () => {
  it('gives daily slots in the zone, from exclusive to inclusive', () => {
    const s = parseSchedule('daily 09:00');
    expect(iso(slotsBetween(s, 'Europe/Berlin', at('2026-01-05T08:00:00Z'), at('2026-01-07T08:00:00Z')))).toEqual([
      '2026-01-06T08:00:00.000Z', '2026-01-07T08:00:00.000Z',
    ]);
    expect(slotsBetween(s, 'Europe/Berlin', at('2026-01-06T08:00:00Z'), at('2026-01-06T08:00:00Z'))).toEqual([]);
  });

  it('follows summer time and half-hour zones', () => {
    const s = parseSchedule('daily 09:00');
    expect(iso(slotsBetween(s, 'Europe/Berlin', at('2026-07-01T00:00:00Z'), at('2026-07-01T23:00:00Z')))).toEqual(['2026-07-01T07:00:00.000Z']);
    expect(iso(slotsBetween(s, 'Asia/Kolkata', at('2026-07-01T00:00:00Z'), at('2026-07-01T23:00:00Z')))).toEqual(['2026-07-01T03:30:00.000Z']);
  });

  it('keeps weekdays and weekly to their days', () => {
    // 2026-03-02 is a Monday.
    const week = [at('2026-03-01T12:00:00Z'), at('2026-03-08T12:00:00Z')] as const;
    expect(slotsBetween(parseSchedule('weekdays 08:30'), 'UTC', ...week)).toHaveLength(5);
    expect(iso(slotsBetween(parseSchedule('weekly wed 10:00'), 'America/Los_Angeles', ...week))).toEqual(['2026-03-04T18:00:00.000Z']);
  });

  it('requires both day-of-month and day-of-week in cron, as node-cron does', () => {
    // The 13th that is a Friday, in 2026: February and March and November.
    const slots = slotsBetween(parseSchedule('0 12 13 * 5'), 'UTC', at('2026-01-01T00:00:00Z'), at('2026-12-31T00:00:00Z'));
    expect(iso(slots)).toEqual(['2026-02-13T12:00:00.000Z', '2026-03-13T12:00:00.000Z', '2026-11-13T12:00:00.000Z']);
  });

  it('delivers a 02:30 New York slot once on the spring-forward day, at 03:00 EDT', () => {
    const s = parseSchedule('daily 02:30');
    const slots = slotsBetween(s, 'America/New_York', at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z'));
    expect(iso(slots)).toEqual([
      '2026-03-08T07:00:00.000Z', // 2026-03-08 02:30 does not exist: 03:00 EDT
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('delivers a 01:30 New York slot once on the fall-back day, at its first occurrence', () => {
    const s = parseSchedule('daily 01:30');
    const slots = slotsBetween(s, 'America/New_York', at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z'));
    expect(iso(slots)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:30 EST (06:30Z) is the same wall time again
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('merges cron times that a spring-forward gap folds onto one instant', () => {
    const s = parseSchedule('0,30 2 * * *');
    const slots = slotsBetween(s, 'America/New_York', at('2026-03-08T00:00:00Z'), at('2026-03-08T12:00:00Z'));
    expect(iso(slots)).toEqual(['2026-03-08T07:00:00.000Z']);
  });

  it('finds the next and the latest slot', () => {
    const s = parseSchedule('weekly fri 17:00');
    expect(nextSlot(s, 'UTC', at('2026-03-02T00:00:00Z'))?.toISOString()).toBe('2026-03-06T17:00:00.000Z');
    expect(latestSlot(parseSchedule('0 * * * *'), 'UTC', at('2026-03-02T00:00:00Z'), at('2026-03-02T05:30:00Z'))?.toISOString()).toBe('2026-03-02T05:00:00.000Z');
  });
});
