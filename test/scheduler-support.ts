import { loadConfig, type AppConfig } from '../src/config/index.js';
import type { Deliverer, SendOptions } from '../src/core/deliverer.js';
import type { Reply } from '../src/core/reply.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { createMemoryStore } from '../src/core/store/memory.js';
import type { Store } from '../src/core/store/port.js';
import { silentLogger } from '../src/core/log.js';
import type { Target } from '../src/core/types.js';
import { FakeSearch, paper } from './fixtures/fake-search.js';

export interface Sent {
  target: Target;
  reply: Reply;
  key?: string;
}

/** A deliverer that records sends; `fail` may throw for a target to simulate platform errors. */
export class RecordingDeliverer implements Deliverer {
  readonly platform = 'slack' as const;
  sent: Sent[] = [];
  attempts = 0;
  fail?: (target: Target, attempt: number) => Error | undefined;
  wasSent?: Deliverer['wasSent'];

  async send(target: Target, reply: Reply, options?: SendOptions) {
    this.attempts++;
    const err = this.fail?.(target, this.attempts);
    if (err) throw err;
    this.sent.push({ target, reply, key: options?.idempotencyKey });
    return { messageId: `m${this.sent.length}` };
  }

  to(id: string): Sent[] {
    return this.sent.filter((s) => s.target.id === id);
  }
}

/** A node-cron stand-in: records jobs; tests fire them by hand. */
export function fakeCron() {
  const jobs: { expression: string; timezone: string; name: string; fn: () => unknown; destroyed: boolean }[] = [];
  const cron: CronLike = {
    schedule(expression, fn, options) {
      const job = { expression, timezone: options.timezone, name: options.name, fn, destroyed: false };
      jobs.push(job);
      return { stop() {}, destroy() { job.destroyed = true; } };
    },
  };
  return { cron, live: () => jobs.filter((j) => !j.destroyed) };
}

export function testConfig(over: Partial<AppConfig['digests']> = {}): AppConfig {
  const base = loadConfig({ SOURCES: 'none' });
  return { ...base, digests: { ...base.digests, size: 2, catchUpHours: 12, maxAttempts: 3, retryBaseMs: 100, defaultTime: '08:00', defaultTimeZone: 'UTC', ...over } };
}

export const corpusPapers = () => [
  paper('d1', 'diffusion models'), paper('d2', 'diffusion transformers'), paper('d3', 'latent diffusion'),
  paper('d4', 'diffusion for audio'), paper('d5', 'video diffusion'),
  paper('g1', 'graph networks'), paper('g2', 'graph transformers'), paper('r1', 'robot learning'),
];

/** A scheduler over a memory store, a fake corpus, a recording deliverer, a fake cron and a settable clock. */
export function harness(options: { config?: AppConfig; store?: Store; deliverer?: RecordingDeliverer; now?: string; targetsPageSize?: number } = {}) {
  const clock = { now: new Date(options.now ?? '2026-03-02T08:00:00Z') };
  const store = options.store ?? createMemoryStore();
  const index = new FakeSearch(corpusPapers());
  const deliverer = options.deliverer ?? new RecordingDeliverer();
  const delays: number[] = [];
  const cron = fakeCron();
  const config = options.config ?? testConfig();
  const scheduler = createScheduler({
    store, index, config, log: silentLogger, deliverers: new Map([['slack', deliverer]]), cron: cron.cron,
    clock: () => clock.now,
    sleep: async (ms) => { delays.push(ms); },
    ...(options.targetsPageSize ? { targetsPageSize: options.targetsPageSize } : {}),
  });
  return { clock, store, index, deliverer, delays, cron, config, scheduler, at: (iso: string) => { clock.now = new Date(iso); return clock.now; } };
}

export const alice = { platform: 'slack' as const, workspace: 'T', user: 'U1' };
export const bob = { platform: 'slack' as const, workspace: 'T', user: 'U2' };
export const channelDigest = (store: Store, topic: string, over: Partial<{ channel: string; schedule: string; timeZone: string; created: Date; createdBy: string }> = {}) =>
  store.addDigest({ platform: 'slack', workspace: 'T', channel: 'C1', topic, schedule: 'daily 09:00', timeZone: 'UTC', size: 2, createdBy: 'U9', created: new Date('2026-03-01T00:00:00Z'), ...over });
