import type { AppConfig } from '../config/index.js';
import type { Logger } from '../core/log.js';
import { createMemoryStore } from '../core/store/memory.js';
import type { Store } from '../core/store/port.js';
import { defaultStorePath, openSqliteStore } from '../core/store/sqlite.js';

/** The configured store: SQLite under the data directory by default (migrated, and backed up first where a migration asks). */
export function openStore(config: AppConfig, log?: Logger): Store {
  if (config.store.driver === 'memory') return createMemoryStore();
  return openSqliteStore(defaultStorePath(config.store.dataDir), { maxFollows: config.follows.maxPerUser, ...(log ? { log } : {}) });
}
