import { loadConfig, type AppConfig } from '../../src/config/index.js';
import type { CommandContext } from '../../src/core/commands/index.js';
import { loadCorpus } from '../../src/core/corpus/index.js';
import { silentLogger } from '../../src/core/log.js';
import { PaperIndex } from '../../src/core/search/index.js';
import { createMemoryStore } from '../../src/core/store/memory.js';

let seedIndex: Promise<PaperIndex> | undefined;

/** The seed corpus, parsed and indexed once per test file. */
export function seedPaperIndex(): Promise<PaperIndex> {
  seedIndex ??= loadCorpus('seeds').then((load) => new PaperIndex(load.papers));
  return seedIndex;
}

/** The embedded default configuration with an in-memory store, as tests want it. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const config = loadConfig({ SOURCES: 'none' });
  return { ...config, store: { ...config.store, driver: 'memory' }, ...overrides };
}

/** A command context over the seed corpus, an empty in-memory store and a fixed clock. */
export async function createTestContext(options: { now?: Date; config?: AppConfig } = {}): Promise<CommandContext & { changes: number }> {
  const context = {
    index: await seedPaperIndex(),
    store: createMemoryStore(),
    config: options.config ?? testConfig(),
    log: silentLogger,
    now: () => options.now ?? new Date('2026-11-23T08:00:00Z'),
    changes: 0,
    schedulesChanged() {
      context.changes += 1;
    },
  };
  return context;
}
