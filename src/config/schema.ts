import { z } from 'zod';
import { arxivSettingsSchema } from './arxiv.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM, 24-hour');

export const timeZoneName = z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin or UTC');

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const optionalUrl = z.url().nullable();

/** Live paper sources Paperboy knows by name (SOURCES=huggingface,arxiv). */
export const SOURCE_NAMES = ['huggingface', 'arxiv'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

const httpUrl = z.url({ protocol: /^https?$/ });
const cronExpression = z.string().regex(/^\S+( \S+){4,5}$/, 'expected a cron expression such as "20 */6 * * *"');

const sourcesSchema = z.strictObject({
  enabled: z.array(z.enum(SOURCE_NAMES)),
  schedule: cronExpression,
  catchUpDays: z.int().min(1).max(14),
  freshStartDays: z.int().min(1).max(14),
  timeoutMs: z.int().min(100).max(120_000),
  retries: z.int().min(0).max(10),
  retryBaseMs: z.int().min(0).max(60_000),
  backoffMinutes: z.number().min(1).max(24 * 60),
  backoffMaxMinutes: z.number().min(1).max(24 * 60),
  failingAlertMinutes: z.number().min(0).max(7 * 24 * 60),
  huggingface: z.strictObject({ apiUrl: httpUrl, pageSize: z.int().min(1).max(100), maxPages: z.int().min(1).max(50) }),
  arxiv: arxivSettingsSchema,
});

/** The file-and-environment options (config/default.yaml documents each one). */
export const settingsSchema = z.strictObject({
  corpus: z.strictObject({ dir: z.string().min(1), watch: z.boolean() }),
  store: z.strictObject({ driver: z.enum(['sqlite', 'memory']), dataDir: z.string().min(1) }),
  search: z.strictObject({ pageSize: z.int().min(1).max(10) }),
  follows: z.strictObject({ maxPerUser: z.int().min(1).max(1000) }),
  digests: z.strictObject({
    defaultTime: hhmm,
    defaultTimeZone: timeZoneName,
    size: z.int().min(1).max(10),
    // At most 15: room in one Slack message (50 blocks) for a rating row under each paper.
    maxPapers: z.int().min(1).max(15),
    carryDays: z.int().min(1).max(90),
    maxPerChannel: z.int().min(1).max(100),
    minChannelIntervalMinutes: z.int().min(1).max(7 * 24 * 60),
    catchUpHours: z.number().min(0).max(24 * 7),
    emptyChannelNote: z.boolean(),
    maxAttempts: z.int().min(1).max(20),
    retryBaseMs: z.int().min(0).max(600_000),
  }),
  slack: z.strictObject({ digestAdmins: z.array(z.string()), apiUrl: optionalUrl }),
  discord: z.strictObject({ apiUrl: optionalUrl }),
  http: z.strictObject({ port: z.int().min(0).max(65535), host: z.string().min(1) }),
  flow: z.strictObject({
    sendTimeoutMs: z.int().min(100).max(600_000),
    commandsInFlight: z.int().min(1).max(10_000),
    shutdownMs: z.int().min(500).max(60_000),
  }),
  sources: sourcesSchema,
  log: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    format: z.enum(['json', 'pretty', 'auto']),
  }),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Secrets: from the environment only, never from files, never logged. */
export interface Secrets {
  slack?: { botToken: string; signingSecret?: string; appToken?: string };
  discord?: { token: string; applicationId: string };
}

export interface AppConfig extends Settings {
  secrets: Secrets;
  /**
   * Whether PORT or a config file of the user's chose http.port (loadConfig sets it). The console
   * serves /healthz and /metrics only then; undefined (a hand-built config) counts as chosen.
   */
  portChosen?: boolean;
  /** The platforms that will run: the configured ones, or console when none is. */
  platforms: ('slack' | 'discord' | 'console')[];
}
