import { schedule as cronSchedule } from 'node-cron';
import type { Logger } from '../log.js';
import type { CronLike } from '../scheduler.js';
import type { Store } from '../store/port.js';
import { ingestBatch, type IngestDeps } from './ingest.js';
import { noSourceMetrics, type SourceMetrics } from './metrics.js';
import type { SourcesConfig } from './registry.js';
import type { FetchWindow, PaperSource } from './source.js';
import { sourceStatuses, type SourceStatus } from './status.js';

const DAY_MS = 24 * 60 * 60_000;
/** Skipped items named in the log per fetch; the rest are counted. */
const SKIPS_LOGGED = 5;

export interface SourceRunnerDeps {
  sources: PaperSource[];
  store: Store;
  ingest: Omit<IngestDeps, 'store'>;
  config: SourcesConfig;
  log: Logger;
  metrics?: SourceMetrics;
  now?: () => Date;
  cron?: CronLike;
}

export interface FetchOutcome {
  ok: boolean;
  added: number;
  merged: number;
  updated: number;
  skipped: number;
  error?: string;
}

const defaultCron: CronLike = { schedule: (expr, fn, options) => cronSchedule(expr, fn, { ...options, noOverlap: true }) };

/**
 * Runs the live sources: a catch-up at start from each source's last success (bounded), polls on
 * the configured cron schedule, and after a failure a retry with doubling delays. A failing source
 * logs one warning per kind of failure and never stops anything else.
 */
export function createSourceRunner(deps: SourceRunnerDeps) {
  const { store, config, log } = deps;
  const metrics = deps.metrics ?? noSourceMetrics;
  const now = deps.now ?? (() => new Date());
  const cron = deps.cron ?? defaultCron;
  const abort = new AbortController();
  const state = new Map(deps.sources.map((s) => [s.name, { running: undefined as Promise<FetchOutcome> | undefined, failures: 0, warned: undefined as string | undefined, retry: undefined as NodeJS.Timeout | undefined }]));
  let job: { destroy(): unknown } | undefined;
  let stopped = false;

  /** From the last success (a day of overlap, for late additions), at most catchUpDays back; a fresh store starts freshStartDays back. */
  function windowFor(source: string): FetchWindow {
    const until = now();
    const last = store.sourceStates().find((s) => s.source === source)?.lastSuccess;
    const floor = until.getTime() - (config.catchUpDays - 1) * DAY_MS;
    const since = last ? Math.max(last.getTime() - DAY_MS, floor) : until.getTime() - (config.freshStartDays - 1) * DAY_MS;
    return { since: new Date(Math.min(since, until.getTime())), until };
  }

  function backoffMs(failures: number): number {
    return Math.min(config.backoffMinutes * 2 ** Math.max(0, failures - 1), config.backoffMaxMinutes) * 60_000;
  }

  async function fetchOnce(source: PaperSource): Promise<FetchOutcome> {
    const s = state.get(source.name)!;
    clearTimeout(s.retry);
    const window = windowFor(source.name);
    const out: FetchOutcome = { ok: false, added: 0, merged: 0, updated: 0, skipped: 0 };
    const skips: string[] = [];
    try {
      for await (const batch of source.fetch(window, abort.signal)) {
        metrics.fetched(source.name, batch.papers.length);
        const r = await ingestBatch(source.name, batch, { ...deps.ingest, store }, now());
        out.added += r.added;
        out.merged += r.merged;
        out.updated += r.updated;
        out.skipped += r.skipped.length;
        skips.push(...r.skipped.slice(0, SKIPS_LOGGED - skips.length).map((why) => `${batch.label}: ${why}`));
      }
      out.ok = true;
    } catch (err) {
      out.error = (err as Error).message;
    }
    if (skips.length) log.warn({ source: source.name, skipped: out.skipped, examples: skips }, `${source.name}: skipped ${out.skipped} fetched item(s) that are not valid papers`);
    if (stopped) return out;
    const saved = out.added + out.merged + out.updated;
    if (out.ok) {
      store.recordSourceSuccess(source.name, now(), saved);
      metrics.succeeded(source.name, now());
      if (s.warned !== undefined) log.info({ source: source.name }, `${source.name}: source reachable again`);
      s.failures = 0;
      s.warned = undefined;
      log.info({ source: source.name, ...out, since: window.since.toISOString().slice(0, 10) }, `${source.name}: fetched; ${out.added} new papers, ${out.updated} updated, ${out.merged} merged with the corpus`);
      return out;
    }
    s.failures++;
    metrics.failed(source.name);
    try {
      store.recordSourceFailure(source.name, now(), out.error!, saved);
    } catch (err) {
      log.error({ err, source: source.name }, 'could not record the source failure in the store');
    }
    const wait = backoffMs(s.failures);
    const fields = { source: source.name, error: out.error, failures: s.failures, retryInMinutes: Math.round(wait / 60_000), saved };
    // One warning per kind of failure: an unreachable source at every retry is not news.
    const kind = out.error!.replace(/^\d{4}-\d{2}-\d{2} page \d+: /, '');
    if (kind !== s.warned) log.warn(fields, `${source.name}: fetching failed (${kind}); Paperboy keeps running with the papers it has and retries with backoff`);
    else log.debug(fields, `${source.name}: still failing`);
    s.warned = kind;
    s.retry = setTimeout(() => void run(source.name), wait);
    s.retry.unref();
    return out;
  }

  /** Fetches one source now (joining a fetch already running). */
  function run(name: string): Promise<FetchOutcome> {
    const source = deps.sources.find((s) => s.name === name);
    const s = state.get(name);
    if (!source || !s) return Promise.resolve({ ok: false, added: 0, merged: 0, updated: 0, skipped: 0, error: `no source named ${name}` });
    if (stopped) return Promise.resolve({ ok: false, added: 0, merged: 0, updated: 0, skipped: 0, error: 'stopped' });
    s.running ??= fetchOnce(source)
      .catch((err: unknown) => {
        log.error({ err, source: name }, `${name}: fetch crashed`);
        return { ok: false, added: 0, merged: 0, updated: 0, skipped: 0, error: (err as Error).message };
      })
      .finally(() => (s.running = undefined));
    return s.running;
  }

  return {
    /** Starts the catch-up of every source (not awaited: the bot is ready meanwhile) and the polling schedule. */
    start(): void {
      if (deps.sources.length === 0) return;
      for (const source of deps.sources) void run(source.name);
      job = cron.schedule(config.schedule, () => Promise.all(deps.sources.map((s) => run(s.name))), { timezone: 'UTC', name: 'paperboy-sources' });
    },
    run,
    /** Every enabled or recorded source, with its record and whether it is failing past the alert time. */
    status(): SourceStatus[] {
      return sourceStatuses(config.enabled, store.sourceStates(), now(), config.failingAlertMinutes);
    },
    /** Cancels requests in flight and timers; papers already stored stay. */
    async stop(): Promise<void> {
      stopped = true;
      abort.abort();
      job?.destroy();
      for (const s of state.values()) clearTimeout(s.retry);
      await Promise.allSettled([...state.values()].map((s) => s.running));
    },
  };
}

export type SourceRunner = ReturnType<typeof createSourceRunner>;
