/**
 * Wall-clock arithmetic in IANA time zones using only Intl.DateTimeFormat: what a schedule
 * needs to turn "09:00 in Europe/Berlin" into instants, daylight saving included.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time at `instant` (ms) in the zone. */
export function wallTimeAt(instant: number, timeZone: string): WallTime & { second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** The zone's UTC offset at `instant`, in ms (positive east of Greenwich). */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallTimeAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant a wall time happens in the zone. A time that occurs twice (the hour repeated when
 * clocks fall back) gives the first; a time that never occurs (skipped when clocks spring
 * forward) gives the first valid instant after it, i.e. the moment of the change.
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Offsets lie within -12h..+14h, so every candidate offset is in force somewhere in this window.
  const offsets = new Set([offsetAt(asUtc - 14 * HOUR, timeZone), offsetAt(asUtc, timeZone), offsetAt(asUtc + 14 * HOUR, timeZone)]);
  let best: number | undefined;
  for (const o of offsets) {
    const t = asUtc - o;
    if (offsetAt(t, timeZone) === o && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // In a gap: the offset before the change is the smaller one. Binary-search the change, by the minute.
  const sorted = [...offsets].sort((a, b) => a - b);
  const before = sorted[0]!;
  let lo = asUtc - sorted[sorted.length - 1]!; // still on the old offset
  let hi = asUtc - before; // already on the new one
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The day of the week (0 = Sunday) of a calendar date. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Calendar dates from `first` to `last` inclusive (only year, month, day are used). */
export function* datesBetween(first: WallTime, last: WallTime): Generator<{ year: number; month: number; day: number }> {
  const end = Date.UTC(last.year, last.month - 1, last.day);
  for (let t = Date.UTC(first.year, first.month - 1, first.day); t <= end; t += 24 * HOUR) {
    const d = new Date(t);
    yield { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
}

/** True if the zone name is one Intl knows; returns its canonical spelling. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
