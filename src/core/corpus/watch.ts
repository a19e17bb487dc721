import { watch } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Paper } from '../types.js';
import { mergeDuplicates } from './merge.js';
import { isCorpusFile, readCorpusFile } from './parse-file.js';

/** Editors and copies fire several events per save: wait for quiet before re-reading. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 200;

export interface WatchOptions {
  debounceMs?: number;
}

/**
 * Watches `dir` and, when a corpus file appears or changes, re-parses that file and passes its
 * papers to `onChange` (the caller adds them to the index, which ignores ids it already has).
 */
export function watchCorpus(
  dir: string,
  onChange: (papers: Paper[]) => void | Promise<void>,
  log: Logger,
  options: WatchOptions = {},
): { close(): void } {
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const pending = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const reparse = async (name: string) => {
    pending.delete(name);
    let parsed;
    try {
      parsed = await readCorpusFile(join(dir, name), name);
    } catch {
      return; // deleted or renamed away: papers already indexed stay until restart
    }
    if (closed) return;
    for (const warning of parsed.warnings) log.warn({ dir }, warning);
    const { papers } = mergeDuplicates(parsed.papers);
    log.info({ file: name, papers: papers.length }, 'corpus file changed');
    if (papers.length > 0) await onChange(papers);
  };

  const watcher = watch(dir, (_event, fileName) => {
    const name = fileName?.toString();
    if (!name || !isCorpusFile(name) || closed) return;
    clearTimeout(pending.get(name));
    pending.set(
      name,
      setTimeout(() => {
        reparse(name).catch((err: unknown) => log.error({ err, file: name }, 'corpus file could not be re-read'));
      }, debounceMs),
    );
  });
  watcher.on('error', (err) => log.error({ err, dir }, 'corpus watcher failed'));

  return {
    close() {
      closed = true;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      watcher.close();
    },
  };
}
