import type { Server } from 'node:http';
import type { AppConfig } from '../config/index.js';
import { commands, type CommandContext } from '../core/commands/index.js';
import { inSlices, loadCorpus, paperId, watchCorpus } from '../core/corpus/index.js';
import type { Deliverer } from '../core/deliverer.js';
import type { Logger } from '../core/log.js';
import { createScheduler, type Scheduler } from '../core/scheduler.js';
import { PaperIndex } from '../core/search/index.js';
import { createSourceRunner, createSources, withStoredPapers } from '../core/sources/index.js';
import type { Store } from '../core/store/port.js';
import type { Platform } from '../core/types.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platforms/platform.js';
import { lockDataDir } from './data-lock.js';
import { opsRoutes, serveRoutes, type HealthReport } from './http.js';
import { createPromMetrics, measuredDeliverer, measuredSearch } from './metrics.js';
import { createPlatformAdapters, type ConsoleIo } from './platforms.js';
import { openStore } from './store.js';
import { watchStoreHealth } from './store-health.js';

export interface RunningApp {
  /** Stops taking commands, aborts sends in flight, closes the store, within config.flow.shutdownMs. Safe to call twice. */
  stop(): Promise<void>;
  health(): HealthReport;
  /** Resolves when the app has stopped (console input ended, or stop() was called). */
  stopped: Promise<void>;
  /** The ops server's address, when it runs on its own port. */
  server?: Server;
}

/** Loads the corpus, opens the store, starts the scheduler and every configured platform. */
export async function startApp(config: AppConfig, log: Logger, io: ConsoleIo): Promise<RunningApp> {
  const started = performance.now();
  // One process per data folder, checked before anything is read or sent (DataDirInUseError).
  const dataLock = config.store.driver === 'sqlite' ? lockDataDir(config.store.dataDir) : undefined;
  const fetching = config.sources.enabled.length > 0;
  const metrics = createPromMetrics();
  // /healthz answers from the first moment (503, "starting") while a large corpus is still being read.
  let health = (): HealthReport => ({ ok: false, starting: true, corpus: { papers: 0 }, store: 'starting', platforms: {} });
  const routes: HttpRoute[] = opsRoutes(() => health(), metrics.registry);
  const slackServesHttp = config.platforms.includes('slack') && !config.secrets.slack?.appToken;
  const server = slackServesHttp ? undefined : await serveRoutes(routes, config.http.port, config.http.host);
  let corpus: Awaited<ReturnType<typeof loadCorpus>>;
  let store: Store;
  try {
    corpus = await loadCorpus(config.corpus.dir, log, { allowEmpty: fetching });
    store = openStore(config, log);
  } catch (err) {
    server?.close();
    dataLock?.release();
    throw err;
  }
  // Seeds and corpus files, then what live sources fetched before: a restart with the source down keeps every paper.
  const stored = store.storedPapers();
  const startPapers = withStoredPapers(corpus.papers, stored);
  // Indexed in slices, so /healthz and the event loop keep answering while a large corpus goes in.
  const index = new PaperIndex();
  await inSlices(startPapers, (slice) => index.add(slice));
  /** Title ids (paperId of the title) of fetched papers indexed under another id. */
  const fetchedTitles = new Set(stored.map((p) => paperId(p.title)).filter((id) => !index.get(id)));
  store.recordFirstSeen(startPapers.map((p) => p.id), new Date());
  const storeHealth = watchStoreHealth(store, log);

  let schedulesChanged = () => {};
  const context: CommandContext = {
    index: measuredSearch(index, metrics),
    store,
    config,
    log,
    now: () => new Date(),
    schedulesChanged: () => schedulesChanged(),
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
  const adapters: PlatformAdapter[] = createPlatformAdapters(config, deps, routes, { ...io, onEnd: () => void stop() });
  const deliverers = new Map<Platform, Deliverer>(adapters.map((a) => [a.platform, measuredDeliverer(a.deliverer, metrics)]));
  const scheduler = createScheduler({ store, index, deliverers, config, log, sendTimeoutMs: config.flow.sendTimeoutMs });
  schedulesChanged = () => scheduler.refresh();
  const sourceRunner = createSourceRunner({
    sources: createSources(config.sources, log),
    store,
    config: config.sources,
    log,
    metrics: metrics.sources,
    ingest: {
      lookup: (id) => index.get(id),
      addToIndex: (papers) => {
        for (const p of papers) fetchedTitles.add(paperId(p.title));
        return inSlices(papers, (slice) => scheduler.addPapers(slice));
      },
    },
  });

  const watcher = config.corpus.watch
    ? watchCorpus(config.corpus.dir, async (changed) => {
        // A corpus paper a source already brought (same normalized title, an arXiv-derived id) is that paper, not a new one.
        const papers = changed.filter((p) => !fetchedTitles.has(p.id));
        const added = await inSlices(papers, (slice) => scheduler.addPapers(slice));
        if (added.length > 0) log.info({ added: added.length, total: index.size }, 'new papers indexed');
      }, log)
    : undefined;

  health = ready;
  for (const adapter of adapters) await adapter.start();
  await scheduler.start();
  sourceRunner.start();

  log.info(
    {
      papers: index.size,
      storedPapers: stored.length,
      sources: config.sources.enabled,
      skippedLines: corpus.stats.skippedLines,
      duplicatesMerged: corpus.stats.duplicatesMerged,
      store: config.store.driver === 'sqlite' ? config.store.dataDir : 'memory',
      platforms: adapters.map((a) => a.platform),
      channelDigests: store.allDigests().filter((d) => !d.paused).length,
      followers: store.allFollowers().length,
      http: `${config.http.host}:${config.http.port}`,
      startMs: Math.round(performance.now() - started),
    },
    `Paperboy ready: ${index.size} papers (${corpus.stats.skippedLines} lines skipped${stored.length ? `, ${stored.length} kept from live sources` : ''}), platforms ${adapters.map((a) => a.platform).join(' + ')}`,
  );

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
      await Promise.allSettled([sourceRunner.stop(), ...adapters.map((a) => a.stop()), scheduler.stop(Math.max(0, deadline - 1000))]);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    })();
    if (!(await settlesWithin(orderly, deadline))) log.warn({ deadlineMs: deadline }, 'shutdown deadline reached; leaving the rest behind');
    server?.closeAllConnections();
    store.close();
    dataLock?.release();
    log.info('stopped');
  }

  return { stop, health: () => health(), stopped, server };
}

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
