import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** Another live process owns the data folder. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface DataDirLock {
  /** Gives the folder up (at shutdown, after the store is closed). */
  release(): void;
}

const LOCK_FILE = 'paperboy.lock';
const OWNER_FILE = 'paperboy.lock.owner';

/**
 * Makes this process the only one using `dataDir`: two processes on one store would each claim
 * and send the other's in-flight digests. The lock is a SQLite write lock held on a small file
 * for the life of the process, so the operating system drops it when the process dies, even by
 * kill -9: there is no stale lock to clean up and no pid to mistake for a live one. The owner's
 * pid is written beside it only to make the refusal say who holds it.
 * (Nothing else may open the lock file in this process: closing any descriptor of it would drop
 * the lock.)
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, LOCK_FILE));
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new DataDirInUseError(
      `the data folder ${resolve(dataDir)} is in use by another Paperboy process${owner(dataDir)}. ` +
        'Two processes on one data folder would send the same digests twice, so this one will not start. ' +
        'Stop the other one first, or give this one its own DATA_DIR.',
    );
  }
  const ownerPath = join(dataDir, OWNER_FILE);
  writeFileSync(ownerPath, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }) + '\n');
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(ownerPath, { force: true });
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

function owner(dataDir: string): string {
  try {
    const { pid, host, started } = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as { pid: number; host: string; started: string };
    return ` (pid ${pid} on ${host}, started ${started})`;
  } catch {
    return '';
  }
}
