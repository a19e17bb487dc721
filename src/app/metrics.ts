import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deliverer } from '../core/deliverer.js';
import { DeliveryError } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { PaperSearch } from '../core/search-port.js';
import type { SourceMetrics } from '../core/sources/index.js';

/** Prometheus metrics for one process: the core's Metrics port plus Node's defaults. */
export function createPromMetrics(): Metrics & { registry: Registry; sources: SourceMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'paperboy_' });
  const registers = [registry];
  const commands = new Counter({ name: 'paperboy_commands_total', help: 'Commands and button presses handled', labelNames: ['platform', 'command', 'outcome'], registers });
  const commandSeconds = new Histogram({ name: 'paperboy_command_duration_seconds', help: 'Time to handle a command', labelNames: ['platform'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
  const searches = new Counter({ name: 'paperboy_searches_total', help: 'Searches run', registers });
  const searchSeconds = new Histogram({ name: 'paperboy_search_duration_seconds', help: 'Time to run one search', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25], registers });
  const digestsSent = new Counter({ name: 'paperboy_digests_sent_total', help: 'Digest messages sent', labelNames: ['platform', 'kind'], registers });
  const digestsFailed = new Counter({ name: 'paperboy_digests_failed_total', help: 'Digest sends that failed', labelNames: ['platform', 'kind', 'failure'], registers });
  const deliveries = new Counter({ name: 'paperboy_deliveries_total', help: 'Papers delivered in digests', labelNames: ['platform', 'kind'], registers });
  const sourcePapers = new Counter({ name: 'paperboy_source_papers_fetched_total', help: 'Papers live sources returned (before validation)', labelNames: ['source'], registers });
  const sourceFailures = new Counter({ name: 'paperboy_source_failures_total', help: 'Source fetches that failed', labelNames: ['source'], registers });
  const sourceLastSuccess = new Gauge({ name: 'paperboy_source_last_success_timestamp_seconds', help: 'When each source last fetched successfully', labelNames: ['source'], registers });
  return {
    registry,
    sources: {
      fetched: (source, papers) => sourcePapers.inc({ source }, papers),
      failed: (source) => sourceFailures.inc({ source }),
      succeeded: (source, at) => sourceLastSuccess.set({ source }, at.getTime() / 1000),
    },
    commandHandled(platform, command, outcome, seconds) {
      commands.inc({ platform, command, outcome });
      commandSeconds.observe({ platform }, seconds);
    },
    searchRan(seconds) {
      searches.inc();
      searchSeconds.observe(seconds);
    },
    digestSent(platform, kind, papers) {
      digestsSent.inc({ platform, kind });
      deliveries.inc({ platform, kind }, papers);
    },
    digestFailed(platform, kind, failure) {
      digestsFailed.inc({ platform, kind, failure });
    },
  };
}

/** The index, with every search timed into the metrics. */
export function measuredSearch(index: PaperSearch, metrics: Metrics): PaperSearch {
  return {
    get size() {
      return index.size;
    },
    get: (id) => index.get(id),
    search(query, options) {
      const started = performance.now();
      try {
        return index.search(query, options);
      } finally {
        metrics.searchRan((performance.now() - started) / 1000);
      }
    },
    similar: (id, limit) => index.similar(id, limit),
    match: (topic) => index.match(topic),
    neighbours: (id, minLatent) => index.neighbours(id, minLatent),
    add: (papers) => index.add(papers),
  };
}

/** A deliverer that counts what it sends and what fails. */
export function measuredDeliverer(deliverer: Deliverer, metrics: Metrics): Deliverer {
  return {
    platform: deliverer.platform,
    wasSent: deliverer.wasSent?.bind(deliverer),
    checksBeforeSend: deliverer.checksBeforeSend,
    async send(target, reply, options) {
      try {
        const sent = await deliverer.send(target, reply, options);
        metrics.digestSent(deliverer.platform, target.kind, reply.papers?.length ?? 0);
        return sent;
      } catch (err) {
        metrics.digestFailed(deliverer.platform, target.kind, err instanceof DeliveryError ? err.failure : 'error');
        throw err;
      }
    },
  };
}
