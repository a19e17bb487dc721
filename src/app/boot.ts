import type { Server } from 'node:http';
import type { AppConfig } from '../config/index.js';
import { commands, type CommandContext } from '../core/commands/index.js';
import { loadCorpus, watchCorpus } from '../core/corpus/index.js';
import type { Deliverer } from '../core/deliverer.js';
import type { Logger } from '../core/log.js';
import { createScheduler, type Scheduler } from '../core/scheduler.js';
import { PaperIndex } from '../core/search/index.js';
import type { Store } from '../core/store/port.js';
import type { Platform } from '../core/types.js';
import type { AdapterDeps, HttpRoute, PlatformAdapter } from '../platforms/platform.js';
import { lockDataDir } from './data-lock.js';
import { opsRoutes, serveRoutes, type HealthReport } from './http.js';
import { createPromMetrics, measuredDeliverer, measuredSearch } from './metrics.js';
import { createPlatformAdapters, type ConsoleIo } from './platforms.js';
import { openStore } from './store.js';

export interface RunningApp {
  /** Stops taking commands, lets in-flight sends finish, closes the store. Safe to call twice. */
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
  const corpus = await loadCorpus(config.corpus.dir, log);
  const metrics = createPromMetrics();
  const index = new PaperIndex(corpus.papers);
  const store: Store = openStore(config, log);
  store.recordFirstSeen(corpus.papers.map((p) => p.id), new Date());

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
  // Called only once the server is up, after `adapters` below exists.
  const health = (): HealthReport => {
    const storeState = probeStore(store);
    const platforms = Object.fromEntries(adapters.map((a) => [a.platform, a.isConnected()]));
    return { ok: index.size > 0 && storeState === 'ok' && Object.values(platforms).every(Boolean), corpus: { papers: index.size }, store: storeState, platforms };
  };
  const routes: HttpRoute[] = opsRoutes(health, metrics.registry);
  const adapters: PlatformAdapter[] = createPlatformAdapters(config, deps, routes, { ...io, onEnd: () => void stop() });
  const deliverers = new Map<Platform, Deliverer>(adapters.map((a) => [a.platform, measuredDeliverer(a.deliverer, metrics)]));
  const scheduler = createScheduler({ store, index, deliverers, config, log });
  schedulesChanged = () => scheduler.refresh();

  const watcher = config.corpus.watch
    ? watchCorpus(config.corpus.dir, (papers) => {
        const added = scheduler.addPapers(papers);
        if (added.length > 0) log.info({ added: added.length, total: index.size }, 'new papers indexed');
      }, log)
    : undefined;

  const slackServesHttp = adapters.some((a) => a.platform === 'slack') && !config.secrets.slack?.appToken;
  const server = slackServesHttp ? undefined : await serveRoutes(routes, config.http.port, config.http.host);
  for (const adapter of adapters) await adapter.start();
  await scheduler.start();

  log.info(
    {
      papers: corpus.stats.papers,
      skippedLines: corpus.stats.skippedLines,
      duplicatesMerged: corpus.stats.duplicatesMerged,
      store: config.store.driver === 'sqlite' ? config.store.dataDir : 'memory',
      platforms: adapters.map((a) => a.platform),
      channelDigests: store.allDigests().filter((d) => !d.paused).length,
      followers: store.allFollowers().length,
      http: `${config.http.host}:${config.http.port}`,
      startMs: Math.round(performance.now() - started),
    },
    `Paperboy ready: ${corpus.stats.papers} papers (${corpus.stats.skippedLines} lines skipped), platforms ${adapters.map((a) => a.platform).join(' + ')}`,
  );

  async function shutdown(): Promise<void> {
    log.info('shutting down: no new commands; finishing sends in flight');
    watcher?.close();
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await scheduler.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    store.close();
    dataLock?.release();
    log.info('stopped');
  }

  return { stop, health, stopped, server };
}

function probeStore(store: Store): string {
  try {
    store.ping();
    return 'ok';
  } catch (err) {
    return `failing: ${(err as Error).message}`;
  }
}
