import type { AppConfig } from '../config/index.js';
import { createMemoryStore } from '../core/store/memory.js';
import type { Store } from '../core/store/port.js';
import { defaultStorePath, openSqliteStore } from '../core/store/sqlite.js';

/** The configured store: SQLite under the data directory by default. */
export function openStore(config: AppConfig): Store {
  return config.store.driver === 'memory' ? createMemoryStore() : openSqliteStore(defaultStorePath(config.store.dataDir));
}
