import { UserError } from './errors.js';
import { resolveTimeZone, type ZoneInput } from './time-zone-input.js';
import { datesBetween, instantOf, wallTimeAt, weekdayOf } from './zoned-time.js';

/** A parsed digest schedule: when, in wall-clock terms, digests go out. */
export interface Schedule {
  /** Normalized text, as stored and shown: "daily 09:00", "weekdays 08:30", "weekly mon 09:00" or "0 9 * * 1-5". */
  text: string;
  /** The same schedule as a 5-field node-cron expression. */
  cron: string;
  minutes: number[];
  hours: number[];
  /** Allowed days of the month, months and weekdays (0 = Sunday); undefined means any. Days must match all three. */
  daysOfMonth?: ReadonlySet<number>;
  months?: ReadonlySet<number>;
  weekdays?: ReadonlySet<number>;
}

export const SCHEDULE_EXAMPLES = 'Examples: daily 09:00, weekdays 08:30, weekly mon 09:00, or a cron expression such as 0 9 * * 1-5';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = 24 * 3600_000;

/** Parses "HH:MM" (or "H:MM"), 24-hour, and forgives "9am" and "5:30pm"; throws UserError. */
export function parseTime(text: string): { hour: number; minute: number; text: string } {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i.exec(text.trim());
  const meridiem = m?.[3]?.[0]?.toLowerCase();
  let hour = m && (m[2] !== undefined || meridiem) ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2] ?? 0) : NaN;
  if (meridiem) hour = hour >= 1 && hour <= 12 ? (hour % 12) + (meridiem === 'p' ? 12 : 0) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw new UserError(`“${text}” is not a time: please give it as HH:MM, 24-hour.`, 'Example: 08:30 or 17:45');
  }
  return { hour, minute, text: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

/** Checks a typed time zone (IANA name or abbreviation, any case) and returns the IANA name to store; throws UserError. */
export function parseTimeZone(name: string): string {
  return resolveTimeZone(name).zone;
}

/** Words each schedule form takes, its keyword included. */
function scheduleLength(words: string[]): number {
  const first = words[0]?.toLowerCase();
  if (first === 'daily' || first === 'weekdays' || first === 'weekday') return 2;
  if (first === 'weekly') return 3;
  return 5;
}

/**
 * The one reader of a typed schedule and optional zone, used by `digest add` (typed or as
 * Discord options) and `settings time`: "daily 09:00 EST", "cron 0 9 * * 1-5 utc",
 * "0 9 * * 1-5", any case. Throws UserError.
 */
export function parseScheduleWords(input: readonly string[]): { schedule: Schedule; zone?: ZoneInput } {
  let words = input.flatMap((w) => w.trim().split(/\s+/)).filter(Boolean);
  if (words[0]?.toLowerCase() === 'cron') words = words.slice(1);
  const length = scheduleLength(words);
  const schedule = parseSchedule(words.slice(0, length).join(' '));
  const rest = words.slice(length);
  if (rest.length > 1) throw new UserError(`I don't understand “${rest.join(' ')}” after the schedule “${schedule.text}”: only a time zone may follow it.`, SCHEDULE_EXAMPLES);
  return rest[0] === undefined ? { schedule } : { schedule, zone: resolveTimeZone(rest[0]) };
}

/**
 * The shortest gap between two runs of the schedule, in minutes (at most a week is looked at).
 * Same-day times are compared first, so "* * * * *" is answered without listing its slots.
 */
export function shortestInterval(schedule: Schedule): number {
  const times = schedule.hours.flatMap((h) => schedule.minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  let shortest = Infinity;
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i]! - times[i - 1]!);
  if (shortest <= 1) return shortest;
  const from = new Date(Date.UTC(2001, 0, 1));
  const slots = slotsBetween(schedule, 'UTC', from, new Date(from.getTime() + 15 * DAY));
  for (let i = 1; i < slots.length; i++) shortest = Math.min(shortest, (slots[i]!.getTime() - slots[i - 1]!.getTime()) / 60_000);
  return shortest;
}

function dayIndex(word: string): number | undefined {
  const w = word.toLowerCase();
  const i = FULL_DAY_NAMES.indexOf(w);
  if (i >= 0) return i;
  const j = DAY_NAMES.findIndex((d) => w === d || (w.length >= 3 && FULL_DAY_NAMES[DAY_NAMES.indexOf(d)]!.startsWith(w)));
  return j >= 0 ? j : undefined;
}

/** Parses a schedule: daily HH:MM, weekdays HH:MM, weekly DAY HH:MM, or 5-field cron; throws UserError. */
export function parseSchedule(input: string): Schedule {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  let schedule: Schedule;
  if (first === 'daily' && words.length === 2) {
    const t = parseTime(words[1]!);
    schedule = { text: `daily ${t.text}`, cron: `${t.minute} ${t.hour} * * *`, minutes: [t.minute], hours: [t.hour] };
  } else if ((first === 'weekdays' || first === 'weekday') && words.length === 2) {
    const t = parseTime(words[1]!);
    schedule = { text: `weekdays ${t.text}`, cron: `${t.minute} ${t.hour} * * 1-5`, minutes: [t.minute], hours: [t.hour], weekdays: new Set([1, 2, 3, 4, 5]) };
  } else if (first === 'weekly' && words.length === 3) {
    const day = dayIndex(words[1]!);
    if (day === undefined) throw new UserError(`“${words[1]}” is not a day of the week.`, 'Example: weekly mon 09:00 (mon, tue, wed, thu, fri, sat or sun)');
    const t = parseTime(words[2]!);
    schedule = { text: `weekly ${DAY_NAMES[day]} ${t.text}`, cron: `${t.minute} ${t.hour} * * ${day}`, minutes: [t.minute], hours: [t.hour], weekdays: new Set([day]) };
  } else if (words.length === 5) {
    schedule = parseCron(words);
  } else {
    const what = input.trim() === '' ? 'No schedule given.' : `I don't understand the schedule “${input.trim()}”.`;
    throw new UserError(what, SCHEDULE_EXAMPLES);
  }
  if (!happensOnSomeDay(schedule)) {
    throw new UserError(`The schedule “${schedule.text}” never happens (no such date).`, SCHEDULE_EXAMPLES);
  }
  return schedule;
}

/** Does any date in eight years match (31 February never does)? Dates only: every day has each wall time at least once. */
function happensOnSomeDay(schedule: Schedule): boolean {
  for (let t = Date.UTC(2000, 0, 1), end = t + 8 * 366 * DAY; t < end; t += DAY) {
    const d = new Date(t);
    if (dayMatches(schedule, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) return true;
  }
  return false;
}

/** The schedule of a user's DM digest: daily at their time. */
export function dailyAt(time: string): Schedule {
  return parseSchedule(`daily ${time}`);
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The first name's number (1 for months, 0 for days). */
  nameBase?: number;
}

const CRON_FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

function parseCron(words: string[]): Schedule {
  const sets = words.map((w, i) => parseCronField(w.toLowerCase(), CRON_FIELDS[i]!));
  const [minutes, hours, dom, months, dowRaw] = sets as [number[] | undefined, number[] | undefined, number[] | undefined, number[] | undefined, number[] | undefined];
  const dow = dowRaw && [...new Set(dowRaw.map((d) => d % 7))].sort((a, b) => a - b);
  const all = (spec: FieldSpec) => Array.from({ length: spec.max - spec.min + 1 }, (_, i) => spec.min + i);
  const list = (values: number[] | undefined) => (values ? values.join(',') : '*');
  const text = words.join(' ').toLowerCase();
  return {
    text,
    cron: [list(minutes), list(hours), list(dom), list(months), list(dow)].join(' '),
    minutes: minutes ?? all(CRON_FIELDS[0]!),
    hours: hours ?? all(CRON_FIELDS[1]!),
    ...(dom ? { daysOfMonth: new Set(dom) } : {}),
    ...(months ? { months: new Set(months) } : {}),
    ...(dow ? { weekdays: new Set(dow) } : {}),
  };
}

/** One cron field: "*", "5", "1-5", "*\/15", "1-10/2", "mon-fri", lists of these. undefined means "any". */
function parseCronField(field: string, spec: FieldSpec): number[] | undefined {
  const bad = (why: string) => new UserError(`The ${spec.name} field “${field}” of the cron expression ${why}.`, `Cron fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5. ${SCHEDULE_EXAMPLES}`);
  if (field === '*') return undefined;
  const value = (text: string): number => {
    const named = spec.names?.indexOf(text) ?? -1;
    if (named >= 0) return named + spec.nameBase!;
    if (!/^\d+$/.test(text)) throw bad('is not understood');
    const n = Number(text);
    if (n < spec.min || n > spec.max) throw bad(`is out of range (${spec.min}-${spec.max})`);
    return n;
  };
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) throw bad('is not understood');
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw bad('has a step of 0');
    let lo: number;
    let hi: number;
    if (m[1] === '*') [lo, hi] = [spec.min, spec.max];
    else if (m[1]!.includes('-')) {
      const [a, b, ...rest] = m[1]!.split('-');
      if (rest.length > 0 || a === undefined || b === undefined) throw bad('is not understood');
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) throw bad('has a range that runs backwards');
    } else {
      lo = value(m[1]!);
      hi = m[2] === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function dayMatches(s: Schedule, year: number, month: number, day: number): boolean {
  if (s.months && !s.months.has(month)) return false;
  if (s.daysOfMonth && !s.daysOfMonth.has(day)) return false;
  if (s.weekdays && !s.weekdays.has(weekdayOf(year, month, day))) return false;
  // Day 31 of a 30-day month does not exist: Date.UTC would roll it over, datesBetween never yields it.
  return true;
}

/**
 * Every slot of the schedule in the zone with from < slot <= to, oldest first. A slot whose wall
 * time is skipped by a daylight-saving change happens at the change; one that occurs twice, once.
 */
export function slotsBetween(schedule: Schedule, timeZone: string, from: Date, to: Date): Date[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (!(hi > lo)) return [];
  const found = new Set<number>();
  for (const date of datesBetween(wallTimeAt(lo - DAY, timeZone), wallTimeAt(hi + DAY, timeZone))) {
    if (!dayMatches(schedule, date.year, date.month, date.day)) continue;
    for (const hour of schedule.hours) {
      for (const minute of schedule.minutes) {
        const t = instantOf({ ...date, hour, minute }, timeZone);
        if (t > lo && t <= hi) found.add(t);
      }
    }
  }
  return [...found].sort((a, b) => a - b).map((t) => new Date(t));
}

/** The first slot strictly after `after`, looking at most `withinDays` ahead. */
export function nextSlot(schedule: Schedule, timeZone: string, after: Date, withinDays = 400): Date | undefined {
  const chunk = 32;
  for (let start = 0; start < withinDays; start += chunk) {
    const from = new Date(after.getTime() + start * DAY);
    const slots = slotsBetween(schedule, timeZone, from, new Date(from.getTime() + Math.min(chunk, withinDays - start) * DAY));
    if (slots[0]) return slots[0];
  }
  return undefined;
}

/** The latest slot with from < slot <= to, if any: the one a late or catch-up run delivers. */
export function latestSlot(schedule: Schedule, timeZone: string, from: Date, to: Date): Date | undefined {
  const slots = slotsBetween(schedule, timeZone, from, to);
  return slots[slots.length - 1];
}
