import { UserError } from './errors.js';
import { canonicalTimeZone } from './zoned-time.js';

/** A time zone as the user typed it, resolved to the IANA name Paperboy stores. */
export interface ZoneInput {
  /** The IANA name stored and used: what the user typed (properly cased), or what an abbreviation stands for. */
  zone: string;
  /** Set when the typed text was not itself that name: what it was taken as ("EST" -> "US Eastern time"). */
  takenAs?: { typed: string; meaning: string };
}

/**
 * Abbreviations people actually type, mapped to the region whose clock they mean (daylight saving
 * included). Intl would take "EST" as a fixed UTC-5 zone and echo it as America/Panama, which is
 * not what anyone writing "09:00 EST" means.
 */
const ABBREVIATIONS: Record<string, [zone: string, meaning: string]> = {
  UTC: ['UTC', 'UTC'], GMT: ['UTC', 'UTC'], Z: ['UTC', 'UTC'],
  ET: ['America/New_York', 'US Eastern time'], EST: ['America/New_York', 'US Eastern time'], EDT: ['America/New_York', 'US Eastern time'],
  CT: ['America/Chicago', 'US Central time'], CST: ['America/Chicago', 'US Central time (for China give Asia/Shanghai)'], CDT: ['America/Chicago', 'US Central time'],
  MT: ['America/Denver', 'US Mountain time'], MST: ['America/Denver', 'US Mountain time (for Arizona give America/Phoenix)'], MDT: ['America/Denver', 'US Mountain time'],
  PT: ['America/Los_Angeles', 'US Pacific time'], PST: ['America/Los_Angeles', 'US Pacific time'], PDT: ['America/Los_Angeles', 'US Pacific time'],
  AKST: ['America/Anchorage', 'Alaska time'], AKDT: ['America/Anchorage', 'Alaska time'], HST: ['Pacific/Honolulu', 'Hawaii time'],
  BST: ['Europe/London', 'UK time'], WET: ['Europe/Lisbon', 'Western European time'], WEST: ['Europe/Lisbon', 'Western European time'],
  CET: ['Europe/Berlin', 'Central European time'], CEST: ['Europe/Berlin', 'Central European time'],
  EET: ['Europe/Athens', 'Eastern European time'], EEST: ['Europe/Athens', 'Eastern European time'], MSK: ['Europe/Moscow', 'Moscow time'],
  IST: ['Asia/Kolkata', 'India time (for Israel or Ireland give Asia/Jerusalem or Europe/Dublin)'],
  JST: ['Asia/Tokyo', 'Japan time'], KST: ['Asia/Seoul', 'Korea time'], SGT: ['Asia/Singapore', 'Singapore time'], HKT: ['Asia/Hong_Kong', 'Hong Kong time'],
  AEST: ['Australia/Sydney', 'Australian Eastern time'], AEDT: ['Australia/Sydney', 'Australian Eastern time'], AWST: ['Australia/Perth', 'Australian Western time'],
  NZST: ['Pacific/Auckland', 'New Zealand time'], NZDT: ['Pacific/Auckland', 'New Zealand time'], BRT: ['America/Sao_Paulo', 'Brasília time'],
};

let canonicalByLowerCase: Map<string, string> | undefined;

/** "asia/kolkata" -> "Asia/Kolkata": the spelling the zone database uses, without swapping in an alias. */
function properCase(typed: string): string {
  canonicalByLowerCase ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const known = canonicalByLowerCase.get(typed.toLowerCase());
  if (known) return known;
  if (typed !== typed.toLowerCase()) return typed; // typed with capitals: trust the user's spelling
  // Intl lists only canonical names, so an alias typed in lower case gets Title_Case words.
  const small = new Set(['of', 'es', 'au', 'de']);
  return typed.replace(/[a-z]+/g, (word, at: number) => (at > 0 && small.has(word) && typed[at - 1] !== '/' ? word : word[0]!.toUpperCase() + word.slice(1)));
}

/** Resolves a typed time zone, any case: an IANA name, an abbreviation such as EST, or UTC; throws UserError. */
export function resolveTimeZone(typed: string): ZoneInput {
  const text = typed.trim();
  const unknown = () => new UserError(`“${text}” is not a time zone I know.`, 'Use an IANA name such as Europe/Berlin, America/New_York or UTC.');
  if (!text) throw unknown();
  const abbreviation = ABBREVIATIONS[text.toUpperCase()];
  if (abbreviation) {
    const [zone, meaning] = abbreviation;
    return zone === 'UTC' ? { zone } : { zone, takenAs: { typed: text, meaning } };
  }
  const canonical = canonicalTimeZone(text);
  if (!canonical) throw unknown();
  if (text.includes('/')) return { zone: properCase(text) };
  // Legacy names without a region ("Japan", "EST5EDT"): say what they stand for.
  return { zone: canonical, takenAs: { typed: text, meaning: canonical } };
}

/** "Asia/Kolkata", or "America/New_York: EST taken as US Eastern time", for confirmations. */
export function describeZone(input: ZoneInput): string {
  const { takenAs } = input;
  if (!takenAs) return input.zone;
  return takenAs.meaning === input.zone ? `${input.zone}, for ${takenAs.typed}` : `${input.zone}: ${takenAs.typed} taken as ${takenAs.meaning}`;
}
