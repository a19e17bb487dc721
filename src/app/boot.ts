import type { Server } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/index.js';
import { commands, type CommandContext } from '../core/commands/index.js';
import { CORPUS_CACHE_FILE, inSlices, loadCorpus, paperId, watchCorpus } from '../core/corpus/index.js';
import type { Deliverer } from '../core/deliverer.js';
import type { Logger } from '../core/log.js';
import { createScheduler, type Scheduler } from '../core/scheduler.js';
import { createSnapshotWriter, createWorkerFitter, openIndex, readIndexSnapshot, SNAPSHOT_FILE, type LatentFitter } from '../core/search/index.js';
import { createSourceRunner, createSources, withStoredPapers } from '../core/sources/index.js';
import type { Store } from '../core/store/port.js';
import type { Paper, Platform } from '../core/types.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platforms/platform.js';
import { lockDataDir } from './data-lock.js';
import { opsRoutes, serveRoutes, type HealthReport } from './http.js';
import { createPromMetrics, measuredDeliverer, measuredSearch } from './metrics.js';
import type { ConsoleEnd } from '../platforms/console/index.js';
import { createPlatformAdapters, type ConsoleIo } from './platforms.js';
import { openStore } from './store.js';
import { watchStoreHealth } from './store-health.js';
import { appVersion } from './version.js';
import type { SnapshotPrefetch } from './snapshot-prefetch.js';

export interface RunningApp {
  /** How the console's input ended, once it has (console platform only). */
  consoleEnd?: ConsoleEnd;
  /** Stops taking commands, aborts sends in flight, closes the store, within config.flow.shutdownMs. Safe to call twice. */
  stop(): Promise<void>;
  health(): HealthReport;
  /** Resolves when the app has stopped (console input ended, or stop() was called). */
  stopped: Promise<void>;
  /** The ops server's address, when it runs on its own port. */
  server?: Server;
}

/** Loads the corpus, opens the store, starts the scheduler and every configured platform. */
export async function startApp(config: AppConfig, log: Logger, io: ConsoleIo & { logsAt?: string; snapshotPrefetch?: SnapshotPrefetch; launchMs?: Record<string, number> }): Promise<RunningApp> {
  const started = performance.now();
  /** Milliseconds per start-up step, logged with the ready line: what a restart spends its time on. */
  const phasesMs: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  // One process per data folder, checked before anything is read or sent (DataDirInUseError).
  const dataLock = config.store.driver === 'sqlite' ? lockDataDir(config.store.dataDir) : undefined;
  const fetching = config.sources.enabled.length > 0;
  const metrics = createPromMetrics();
  // /healthz answers from the first moment (503, "starting") while a large corpus is still being read.
  let health = (): HealthReport => ({ ok: false, starting: true, corpus: { papers: 0 }, store: 'starting', platforms: {} });
  const routes: HttpRoute[] = opsRoutes(() => health(), metrics.registry);
  const slackServesHttp = config.platforms.includes('slack') && !config.secrets.slack?.appToken;
  // A console session opens no port unless one was asked for, so a second console never collides.
  const consoleOnly = config.platforms.every((p) => p === 'console');
  const serveOps = !slackServesHttp && (!consoleOnly || config.portChosen !== false);
  const server = serveOps ? await serveRoutes(routes, config.http.port, config.http.host) : undefined;
  const snapshotPath = config.store.driver === 'sqlite' ? join(config.store.dataDir, SNAPSHOT_FILE) : undefined;
  // Read and checksummed on the thread pool while the corpus files are parsed here.
  const snapshotRead = snapshotPath ? readIndexSnapshot(snapshotPath, { log, prefetched: io.snapshotPrefetch?.path === snapshotPath ? io.snapshotPrefetch.read : undefined }) : undefined;
  // Its failure is openIndex's to report; a start that fails before then must not add an unhandled rejection.
  snapshotRead?.catch(() => {});
  let corpus: Awaited<ReturnType<typeof loadCorpus>>;
  let store: Store;
  try {
    phase('http');
    // Unchanged corpus files come back from the parsed-corpus cache beside the snapshot, not re-parsed.
    const cachePath = config.store.driver === 'sqlite' ? join(config.store.dataDir, CORPUS_CACHE_FILE) : undefined;
    corpus = await loadCorpus(config.corpus.dir, log, { allowEmpty: fetching, cachePath });
    phase('corpus');
    store = openStore(config, log);
  } catch (err) {
    server?.close();
    dataLock?.release();
    throw err;
  }
  // Seeds and corpus files, then what live sources fetched before: a restart with the source down keeps every paper.
  const stored = store.storedPapers();
  // With nothing stored, the corpus as it is (its ids are unique already): no 100k-entry map to build.
  const startPapers = stored.length > 0 ? withStoredPapers(corpus.papers, stored) : corpus.papers;
  phase('store');
  // From the snapshot in the data folder plus the papers stored since, or built in slices (so
  // /healthz and the event loop keep answering); the latent space is fitted on a worker thread.
  let fitterClosing = false;
  const worker = createWorkerFitter();
  const fitter: LatentFitter = {
    fit: (input) => worker.fit(input).catch((err: Error) => {
      if (!fitterClosing) log.warn({ err: err.message }, 'latent space fit on the worker thread failed; fitting it on the main thread');
      throw err;
    }),
    close: () => worker.close(),
  };
  const opened = await openIndex(startPapers, { snapshotPath, snapshotRead, log, fitter });
  const index = opened.index;
  phase('index');
  for (const [step, ms] of Object.entries(opened.phasesMs)) phasesMs[`index.${step}`] = ms;
  const snapshots = snapshotPath ? createSnapshotWriter(index, snapshotPath, log) : undefined;
  if (!opened.restored || opened.added > 0) {
    snapshots?.changed();
    void snapshots?.flush();
  }
  /** Title ids (paperId of the title) of fetched papers indexed under another id. */
  const fetchedTitles = new Set(stored.map((p) => paperId(p.title)).filter((id) => !index.get(id)));
  // Papers new to the index are recorded as first seen now, before any digest or follow reads it.
  // Those from the snapshot were recorded when they were first indexed (0.25-0.4 s at 100k
  // papers, each already there): they are recorded again after ready, a slice at a time, in
  // case the store is younger than the snapshot.
  const seenAt = new Date();
  store.recordFirstSeen(opened.addedPapers.map((p) => p.id), seenAt);
  const snapshotPapers = opened.restored ? startPapers.length - opened.added : 0;
  const storeHealth = watchStoreHealth(store, log);
  phase('firstSeen');

  let schedulesChanged: CommandContext['schedulesChanged'] = () => {};
  const context: CommandContext = {
    index: measuredSearch(index, metrics),
    store,
    config,
    log,
    now: () => new Date(),
    schedulesChanged: (change) => schedulesChanged(change),
  };

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown().then(resolveStopped));

  const deps: AdapterDeps = { context, commands, log, metrics };
  // Replaces the "starting" answer once `adapters` below exists.
  const ready = (): HealthReport => {
    const storeState = storeHealth.check();
    const platforms = Object.fromEntries(adapters.map((a) => [a.platform, a.isConnected()]));
    // A failing source never makes the bot unhealthy: it still serves the papers it has. It shows here once past the alert time.
    const sources = Object.fromEntries(
      sourceRunner.status().filter((x) => x.enabled).map((x) => [x.source, x.alert ? `failing since ${x.failingSince!.toISOString()}: ${x.lastError}` : 'ok']),
    );
    return {
      ok: (index.size > 0 || fetching) && storeState === 'ok' && Object.values(platforms).every(Boolean),
      corpus: { papers: index.size },
      store: storeState,
      platforms,
      ...(fetching ? { sources } : {}),
    };
  };
  let consoleEnd: ConsoleEnd | undefined;
  const onEnd = (info: ConsoleEnd) => {
    consoleEnd = info;
    void stop();
  };
  const adapters: PlatformAdapter[] = await createPlatformAdapters(config, deps, routes, { ...io, onEnd });
  const deliverers = new Map<Platform, Deliverer>(adapters.map((a) => [a.platform, measuredDeliverer(a.deliverer, metrics)]));
  const scheduler = createScheduler({ store, index, deliverers, config, log, sendTimeoutMs: config.flow.sendTimeoutMs });
  schedulesChanged = (change) => scheduler.refresh(change);
  const sourceRunner = createSourceRunner({
    sources: createSources(config.sources, log, { store, version: appVersion }),
    store,
    config: config.sources,
    log,
    metrics: metrics.sources,
    ingest: {
      lookup: (id) => index.get(id),
      addToIndex: async (papers) => {
        for (const p of papers) fetchedTitles.add(paperId(p.title));
        const added = await inSlices(papers, (slice) => scheduler.addPapers(slice));
        if (added.length > 0) snapshots?.changed();
        return added;
      },
    },
  });

  const watcher = config.corpus.watch
    ? watchCorpus(config.corpus.dir, async (changed) => {
        // A corpus paper a source already brought (same normalized title, an arXiv-derived id) is that paper, not a new one.
        const papers = changed.filter((p) => !fetchedTitles.has(p.id));
        const added = await inSlices(papers, (slice) => scheduler.addPapers(slice));
        if (added.length > 0) log.info({ added: added.length, total: index.size }, 'new papers indexed');
        if (added.length > 0) snapshots?.changed();
      }, log)
    : undefined;

  health = ready;
  for (const adapter of adapters) await adapter.start();
  await scheduler.start();
  sourceRunner.start();
  phase('platforms');

  const storePath = config.store.driver === 'sqlite' ? resolve(config.store.dataDir) : 'memory';
  const port = server ? (server.address() as AddressInfo).port : config.http.port;
  const http = server || slackServesHttp ? `${config.http.host}:${port}` : 'off';
  log.info(
    {
      papers: index.size,
      storedPapers: stored.length,
      sources: config.sources.enabled,
      skippedLines: corpus.stats.skippedLines,
      duplicatesMerged: corpus.stats.duplicatesMerged,
      store: storePath,
      platforms: adapters.map((a) => a.platform),
      channelDigests: store.allDigests().filter((d) => !d.paused).length,
      followers: store.followerCount(),
      http,
      index: opened.restored ? `snapshot + ${opened.added} new` : 'built',
      corpusFilesFromCache: corpus.filesFromCache,
      startMs: Math.round(performance.now() - started),
      phasesMs,
      // From the process's start (main.ts): main's first line, config read, the app's modules loaded.
      ...(io.launchMs ? { launchMs: io.launchMs } : {}),
    },
    `Paperboy ready: ${index.size} papers (${corpus.stats.skippedLines} lines skipped${stored.length ? `, ${stored.length} kept from live sources` : ''}), store ${storePath}, platforms ${adapters.map((a) => a.platform).join(' + ')}`,
  );

  // After ready, so a start never waits for it; shutdown waits for it to finish.
  const corpusCacheWrite = corpus.saveCache?.();
  const firstSeenAgain = snapshotPapers > 0 ? recordFirstSeenAgain(store, startPapers, seenAt, () => stopping !== undefined, log) : undefined;

  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  for (const adapter of adapters) {
    adapter.ready?.([
      `Paperboy ready: ${index.size} papers; store ${storePath}.`,
      ...(io.logsAt ? [`Logs: ${io.logsAt} (warnings and errors also show here, one line each).`] : []),
      server ? `Health and metrics: http://${host}:${port}/healthz and /metrics.` : 'Health and metrics: off (set PORT to serve /healthz and /metrics).',
    ]);
  }

  /**
   * Within config.flow.shutdownMs: stop taking commands, abort sends in flight (their runs stay
   * claimed for the next start), close the store. A step that hangs (a platform that never closes
   * its socket) is left behind at the deadline rather than holding the exit.
   */
  async function shutdown(): Promise<void> {
    log.info('shutting down: no new commands; unfinished digest runs stay claimed for the next start');
    const deadline = config.flow.shutdownMs;
    watcher?.close();
    storeHealth.stop();
    const orderly = (async () => {
      // Sends in flight get most of the deadline to finish and be recorded, then are abandoned.
      await Promise.allSettled([sourceRunner.stop(), ...adapters.map((a) => a.stop()), scheduler.stop(Math.max(0, deadline - 1000)), snapshots?.stop(), corpusCacheWrite, firstSeenAgain]);
      fitterClosing = true;
      index.useLatentFitter(undefined);
      await fitter.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    })();
    if (!(await settlesWithin(orderly, deadline))) log.warn({ deadlineMs: deadline }, 'shutdown deadline reached; leaving the rest behind');
    server?.closeAllConnections();
    store.close();
    dataLock?.release();
    log.info('stopped');
  }

  return {
    stop,
    health: () => health(),
    stopped,
    server,
    get consoleEnd() {
      return consoleEnd;
    },
  };
}

/** Every start paper recorded as first seen (a no-op for those already there), in slices between turns of the event loop; stops at shutdown. */
async function recordFirstSeenAgain(store: Store, papers: Paper[], at: Date, stopping: () => boolean, log: Logger): Promise<void> {
  try {
    for (let i = 0; i < papers.length; i += FIRST_SEEN_SLICE) {
      await yieldToLoop();
      if (stopping()) return;
      store.recordFirstSeen(papers.slice(i, i + FIRST_SEEN_SLICE).map((p) => p.id), at);
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'recording the papers as first seen after start failed');
  }
}

/** Papers recorded as first seen per turn of the event loop after ready (a few milliseconds each). */
const FIRST_SEEN_SLICE = 2_000;

/** True if `work` settled within `ms`; never rejects. */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    work.then(
      () => { clearTimeout(timer); resolve(true); },
      () => { clearTimeout(timer); resolve(true); },
    );
  });
}
