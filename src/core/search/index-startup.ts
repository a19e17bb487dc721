import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { inSlices } from '../corpus/slices.js';
import type { Logger } from '../log.js';
import type { Paper } from '../types.js';
import type { LatentFitter } from './latent-fitter.js';
import type { PaperIndexOptions } from './options.js';
import { PaperIndex } from './paper-index.js';
import type { ReadFile } from './read-off-thread.js';
import { SnapshotUnusable } from './snapshot-file.js';
import { loadIndexSnapshot, saveIndexSnapshot, textHash, type IndexSnapshot } from './snapshot.js';

export interface OpenIndexDeps {
  /** The snapshot file; without one the index is always built. */
  snapshotPath?: string;
  log: Logger;
  /** Where latent fits run (a worker thread); without one they run on the caller's thread. */
  fitter?: LatentFitter;
  options?: PaperIndexOptions;
  /** The snapshot's read, started earlier (readIndexSnapshot) so it overlaps other start-up work. */
  snapshotRead?: Promise<IndexSnapshot | undefined>;
}

export interface OpenedIndex {
  index: PaperIndex;
  /** True when the index came from the snapshot (plus the papers added since). */
  restored: boolean;
  /** Papers indexed on top of the snapshot (all of them when built). */
  added: number;
  /** Those papers. */
  addedPapers: Paper[];
  /** Milliseconds per step: snapshot read and checked, papers compared, index restored, papers added, latent fit (or build, fit input, lookups and compact, the rest of the fit). */
  phasesMs: Record<string, number>;
}

/**
 * The index over `papers`, ready for queries (latent space included): restored from the snapshot
 * with the papers stored since added, or built when there is no usable snapshot. A snapshot that
 * is corrupt, of another format or analyzer, or holds a paper that is gone or whose text changed
 * is never trusted: one log line, and the index is built from the papers.
 */
export async function openIndex(papers: Paper[], deps: OpenIndexDeps): Promise<OpenedIndex> {
  const { snapshotPath: path, log } = deps;
  const phasesMs: Record<string, number> = {};
  let last = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - last);
    last = now;
  };
  const snapshot = path ? await (deps.snapshotRead ?? readIndexSnapshot(path, deps)) : undefined;
  phase('read');
  const plan = snapshot && catchUp(snapshot, papers);
  phase('compare');
  if (typeof plan === 'string') log.warn({ snapshot: path, reason: plan }, `index snapshot is out of date (${plan}): rebuilding the index`);
  if (plan && typeof plan !== 'string') {
    const index = PaperIndex.restore(snapshot!.state, plan.paperOf, deps.options);
    index.useLatentFitter(deps.fitter);
    phase('restore');
    // Folded into the restored space; if they doubled the corpus, it is refitted in the background.
    await inSlices(plan.added, (slice) => index.add(slice));
    phase('add');
    if (index.latentFits === 0) await index.fitLatent();
    phase('fit');
    log.info({ snapshot: path, papers: index.size, added: plan.added.length, writtenAt: snapshot!.createdAt.toISOString() }, `index restored from its snapshot, ${plan.added.length} paper(s) added since`);
    return { index, restored: true, added: plan.added.length, addedPapers: plan.added, phasesMs };
  }
  const index = new PaperIndex([], deps.options);
  index.useLatentFitter(deps.fitter);
  // The worker starts while the papers are read, so the fit does not wait for its start-up.
  deps.fitter?.prepare?.();
  // In slices, so /healthz and the event loop keep answering; the latent space is fitted once, at the end.
  await inSlices(papers, (slice) => index.add(slice, { fit: false }));
  phase('build');
  // The fit's input is taken here; while the worker fits the latent space, this thread fills the
  // vocabulary tree queries need and cuts the build's arrays to size, a step per turn of the event loop.
  const fitting = index.fitLatent();
  phase('fitInput');
  while (!index.fillLookups(TREE_TERMS_PER_SLICE)) await yieldToLoop();
  for (const step = index.compactSteps(); !step.next().done; ) await yieldToLoop();
  phase('compact');
  await fitting;
  phase('fit');
  return { index, restored: false, added: index.size, addedPapers: papers, phasesMs };
}

/**
 * The snapshot at `path` if it can be used (read and checksummed on the thread pool): undefined,
 * logged, when there is none or it is corrupt or of another format. Start it before loading the
 * papers and hand it to openIndex as `snapshotRead`, and the two overlap.
 */
export async function readIndexSnapshot(path: string, deps: Pick<OpenIndexDeps, 'log' | 'options'> & { prefetched?: Promise<ReadFile> }): Promise<IndexSnapshot | undefined> {
  try {
    const snapshot = await loadIndexSnapshot(path, deps.options, deps.prefetched);
    if (!snapshot) deps.log.info({ snapshot: path }, 'no index snapshot yet: building the index');
    return snapshot;
  } catch (err) {
    if (!(err instanceof SnapshotUnusable)) throw err;
    deps.log.warn({ snapshot: path, reason: err.message }, `index snapshot not used (${err.message}): rebuilding the index`);
    return undefined;
  }
}

/** The snapshot's papers by id and position, and the papers to add on top of it. */
interface CaughtUp {
  paperOf: (id: string, doc: number) => Paper | undefined;
  added: Paper[];
}

/** The papers to add on top of the snapshot, or why it cannot be used for these papers. */
function catchUp(snapshot: IndexSnapshot, papers: Paper[]): CaughtUp | string {
  const { ids } = snapshot.state;
  if (snapshot.textHashes.length !== ids.length) return 'its paper list is inconsistent';
  return inOrder(snapshot, papers) ?? byId(snapshot, papers);
}

/**
 * The usual restart: the papers come in the order they were indexed, the snapshot's first, then
 * any new ones (ids are unique, so those are new). Compared by position, with no 100k-entry map;
 * undefined when the order differs.
 */
function inOrder(snapshot: IndexSnapshot, papers: Paper[]): CaughtUp | undefined {
  const { ids } = snapshot.state;
  if (papers.length < ids.length) return undefined;
  for (let doc = 0; doc < ids.length; doc++) if (papers[doc]!.id !== ids[doc]) return undefined;
  let changed = 0;
  for (let doc = 0; doc < ids.length; doc++) if (textHash(papers[doc]!) !== snapshot.textHashes[doc]) changed++;
  if (changed) return undefined;
  return { paperOf: (_id, doc) => papers[doc], added: papers.slice(ids.length) };
}

function byId(snapshot: IndexSnapshot, papers: Paper[]): CaughtUp | string {
  const { ids } = snapshot.state;
  const byId = new Map<string, Paper>();
  for (const p of papers) byId.set(p.id, p);
  let gone = 0;
  let changed = 0;
  ids.forEach((id, doc) => {
    const paper = byId.get(id);
    if (!paper) gone++;
    else if (textHash(paper) !== snapshot.textHashes[doc]) changed++;
  });
  if (gone || changed) return `${gone} of its papers are gone and ${changed} changed their text`;
  // Every paper of the snapshot is here: when there are no more papers (ids are unique), none is new.
  const paperOf = (id: string) => byId.get(id);
  if (byId.size === ids.length) return { paperOf, added: [] };
  const known = new Set(ids);
  return { paperOf, added: papers.filter((p) => !known.has(p.id)) };
}

/** Vocabulary terms put in the lookup tree between two turns of the event loop. */
const TREE_TERMS_PER_SLICE = 5_000;

/** Delay between papers being added at run time and the snapshot being rewritten. */
export const SNAPSHOT_DELAY_MS = 10 * 60_000;

/**
 * Keeps the snapshot close to the index: rewritten in the background after papers were added
 * (at most one write at a time, at most one every `delayMs`). A failed write is logged and left
 * for the next one; the snapshot on disk stays whole (written to a temp file, then renamed).
 */
export function createSnapshotWriter(index: PaperIndex, path: string, log: Logger, options: { delayMs?: number; indexOptions?: PaperIndexOptions } = {}) {
  const delayMs = options.delayMs ?? SNAPSHOT_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let dirty = false;
  let stopped = false;

  async function write(): Promise<void> {
    dirty = false;
    const started = performance.now();
    try {
      const { bytes, papers } = await saveIndexSnapshot(path, index, options.indexOptions);
      log.info({ snapshot: path, papers, bytes, ms: Math.round(performance.now() - started) }, 'index snapshot written');
    } catch (err) {
      log.warn({ snapshot: path, err: (err as Error).message }, 'index snapshot not written; the next start rebuilds what it lacks');
    }
  }

  const writer = {
    /** Papers were added: the snapshot is rewritten within delayMs. */
    changed(): void {
      dirty = true;
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void writer.flush();
      }, delayMs);
      timer.unref();
    },
    /** Writes now if anything changed since the last write; resolves when written. */
    async flush(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      while (writing) await writing;
      if (!dirty || stopped) return;
      writing = write().finally(() => (writing = undefined));
      await writing;
    },
    /** No more writes; waits for one in flight. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await writing;
    },
  };
  return writer;
}
