import { join } from 'node:path';
import type { AppConfig } from '../config/index.js';
import type { ReadFile } from '../core/search/read-off-thread.js';
import { prefetchSnapshotFile, SNAPSHOT_FILE } from '../core/search/snapshot-file.js';

/** The index snapshot's read, started before the app's modules load (main.ts), for startApp. */
export interface SnapshotPrefetch {
  path: string;
  read: Promise<ReadFile>;
}

/** Starts reading the data folder's index snapshot on a worker thread (SQLite store only: the snapshot lives beside it). */
export function prefetchSnapshot(config: AppConfig): SnapshotPrefetch | undefined {
  if (config.store.driver !== 'sqlite') return undefined;
  const path = join(config.store.dataDir, SNAPSHOT_FILE);
  return { path, read: prefetchSnapshotFile(path) };
}
