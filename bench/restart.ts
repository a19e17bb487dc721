/**
 * Bench section: restart in seconds. Per corpus (both kinds, 10k and 100k papers; 300k with
 * `--300k`): the cold build to ready (index + latent space, as `npm start` builds it), the
 * snapshot's write (and the longest event-loop stall meanwhile) and restore, a restart to ready
 * in a child process started like `npm start` (corpus file + DATA_DIR with the snapshot), its
 * first search against warm ones, and SQLite FTS5 (build on disk, reopen + first query) in the
 * same run. Run alone with `npx tsx bench/restart.ts [--300k]`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { CORPUS_CACHE_FILE, loadCorpus } from '../src/core/corpus/index.js';
import { createWorkerFitter, openIndex, saveIndexSnapshot, SNAPSHOT_FILE, type PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';
import { bundledMain } from '../scripts/start.mjs';
import { floorBuild } from './lib/floor-build.js';
import { printSectionWhenMain } from './lib/main.js';
import { fmt, percentile, time, timeAsync } from './lib/measure.js';
import { CORPUS_KINDS, corpusOfKind, sampleQueries, type CorpusKind } from './lib/synthetic.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const seedsDir = join(root, 'seeds');
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const kindsArg = process.argv.find((a) => a.startsWith('--kinds='));
/** Both kinds by default; `--kinds=heaps` picks. */
const KINDS = kindsArg ? (kindsArg.slice(8).split(',') as CorpusKind[]) : CORPUS_KINDS;
/** 10k and 100k by default; `--300k` adds 300k; `--sizes=10000,...` picks (for a quick look). */
export const SIZES = sizesArg ? sizesArg.slice(8).split(',').map(Number) : process.argv.includes('--300k') ? [10_000, 100_000, 300_000] : [10_000, 100_000];
/** Warm searches timed after the first one. */
const WARM = 40;
/** Searches sent to the child after its first, to compare the first with. */
const CHILD_WARM = 5;
const silent = pino({ level: 'silent' });

interface Row {
  corpus: string;
  papers: number;
  terms: number;
  coldMs: number;
  /** The corpus file parsed and validated, and read back from the parsed-corpus cache. */
  parseMs: number;
  cachedMs: number;
  /** The floor: the project's analyzer into typed-array postings, nothing else (lib/floor-build.ts). */
  floorMs: number;
  /** CPU time of this process (all threads) for the cold build and the restore: less sensitive to a busy machine than wall time. */
  coldCpuMs: number;
  restoreCpuMs: number;
  writeMs: number;
  writeStallMs: number;
  bytes: number;
  restoreMs: number;
  childReadyMs: number;
  childStartMs: number;
  /** The child's start-up steps (phasesMs of its ready line), in seconds. */
  childPhases: string;
  childFirstMs: number;
  childWarmMs: number;
  firstMs: number;
  warmMs: number;
  ftsBuildMs: number;
  ftsReopenMs: number;
  load: string;
}

/** The longest gap a 5 ms interval sees while `work` runs: how long the event loop was held. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  try {
    const value = await work();
    stall = Math.max(stall, performance.now() - last);
    return { value, stall };
  } finally {
    clearInterval(timer);
  }
}

function fts5(papers: Paper[], dir: string, query: string): { buildMs: number; reopenMs: number } {
  const file = join(dir, 'fts.db');
  const build = time(() => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE VIRTUAL TABLE papers USING fts5(id UNINDEXED, title, abstract, tokenize = 'porter unicode61')`);
    const insert = db.prepare('INSERT INTO papers (id, title, abstract) VALUES (?, ?, ?)');
    db.transaction(() => papers.forEach((p) => insert.run(p.id, p.title, p.abstract)))();
    db.close();
  });
  const terms = query.toLowerCase().match(/[a-z0-9]+/g)!.map((w) => `"${w}"`).join(' OR ');
  const reopen = time(() => {
    const db = new Database(file, { readonly: true });
    db.prepare('SELECT id FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 0, 2.0, 1.0) LIMIT 10').all(terms);
    db.close();
  });
  return { buildMs: build.ms, reopenMs: reopen.ms };
}

/** `npm start` (node scripts/start.mjs, console platform) on the corpus folder and data folder: ready, then searches. */
function childRestart(corpusDir: string, dataDir: string, queries: string[]): Promise<{ readyMs: number; startMs: number; phases: string; firstMs: number; warmMs: number }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD|ARXIV)_/.test(k) && k !== 'PAPERBOY_CONFIG'));
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...env, SOURCES: 'none', CORPUS_DIR: corpusDir, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((done, fail) => {
    let readyMs = 0;
    let startMs = 0;
    let phases = '';
    const times: number[] = [];
    let sentAt = 0;
    const send = () => {
      const q = queries[times.length]!;
      sentAt = performance.now();
      child.stdin.write(`/papers search ${q}\n`);
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const ready = !readyMs && stderr.match(/"startMs":(\d+)[^\n]*Paperboy ready/);
      if (ready) {
        readyMs = performance.now() - started;
        startMs = Number(ready[1]);
        const steps = stderr.match(/"phasesMs":(\{[^}]*\})/);
        phases = steps ? Object.entries(JSON.parse(steps[1]!) as Record<string, number>).filter(([, ms]) => ms >= 50).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(', ') : '';
        // Before startMs begins: from the process's start to the app's modules loaded.
        const launch = stderr.match(/"launchMs":\{[^}]*"modules":(\d+)/);
        if (launch) phases = `(before: ${(Number(launch[1]) / 1000).toFixed(1)}) ${phases}`;
        if (!/index":"snapshot/.test(stderr)) fail(new Error(`restart bench: the child did not restore its snapshot:\n${stderr.slice(-2000)}`));
        send();
      }
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const q = queries[times.length];
      if (!readyMs || q === undefined || !stdout.includes(`“${q}”`)) return;
      times.push(performance.now() - sentAt);
      stdout = '';
      if (times.length <= CHILD_WARM) send();
      else child.stdin.end();
    });
    child.on('close', (code) => {
      if (times.length <= CHILD_WARM) return fail(new Error(`restart bench: the child exited (${code}) early:\n${stderr.slice(-2000)}`));
      done({ readyMs, startMs, phases, firstMs: times[0]!, warmMs: percentile(times.slice(1), 50) });
    });
  });
}

async function measure(kind: CorpusKind, size: number, seeds: Paper[], queries: string[]): Promise<Row> {
  const work = mkdtempSync(join(tmpdir(), 'paperboy-bench-restart-'));
  const begun = performance.now();
  // Progress on stderr, so a long run shows where its time goes.
  const step = (what: string) => process.stderr.write(`restart bench: ${kind} ${size}: ${what} at ${((performance.now() - begun) / 1000).toFixed(0)} s\n`);
  try {
    const corpusDir = join(work, 'corpus');
    const dataDir = join(work, 'data');
    mkdirSync(corpusDir);
    mkdirSync(dataDir);
    // The corpus as npm start reads it: one JSON-lines file, loaded and validated the same way.
    const corpusFile = join(corpusDir, 'papers.jsonl');
    writeFileSync(corpusFile, corpusOfKind(kind, seeds, size).map((p) => JSON.stringify({ title: p.title, abstract: p.abstract, url: p.url })).join('\n'));
    // A corpus file that has been there a while (a file modified within the last seconds is not cached).
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(corpusFile, anHourAgo, anHourAgo);
    const cachePath = join(dataDir, CORPUS_CACHE_FILE);
    // Parsed, then written to the parsed-corpus cache as a first npm start does after ready; then read back from it.
    const parsed = await timeAsync(() => loadCorpus(corpusDir, undefined, { allowEmpty: false, cachePath }));
    if (!(await parsed.value.saveCache?.())) throw new Error('restart bench: the parsed-corpus cache was not written');
    const fromCache = await timeAsync(() => loadCorpus(corpusDir, undefined, { allowEmpty: false, cachePath }));
    if (fromCache.value.filesFromCache !== 1) throw new Error('restart bench: the corpus was not read from its cache');
    const papers = parsed.value.papers;
    const path = join(dataDir, SNAPSHOT_FILE);
    const load = loadavg().map((x) => x.toFixed(1)).join(' ');
    step('corpus written and loaded');

    const floor = time(() => floorBuild(papers));
    step('floor built');
    let fitter = createWorkerFitter();
    let cpu = process.cpuUsage();
    const cold = await timeAsync(() => openIndex(papers, { log: silent, fitter }));
    const coldCpu = process.cpuUsage(cpu);
    await fitter.close();
    step('cold build');
    let index: PaperIndex | undefined = cold.value.index;
    // Compiles the query path, so the restored index's first search below measures the index, not the JIT (the child's is cold).
    for (const q of queries.slice(-20)) index.search(q, { limit: 10 });
    const written = await longestStall(() => timeAsync(() => saveIndexSnapshot(path, index!)));
    index = undefined;

    fitter = createWorkerFitter();
    cpu = process.cpuUsage();
    const restored = await timeAsync(() => openIndex(papers, { snapshotPath: path, log: silent, fitter }));
    const restoreCpu = process.cpuUsage(cpu);
    if (!restored.value.restored) throw new Error('restart bench: the snapshot was not restored');
    const restoredIndex = restored.value.index;
    const first = time(() => restoredIndex.search(queries[0]!, { limit: 10 }));
    const warm = queries.slice(1, WARM + 1).map((q) => time(() => restoredIndex.search(q, { limit: 10 })).ms);
    await fitter.close();

    step('written and restored');
    const child = await childRestart(corpusDir, dataDir, queries.slice(WARM + 1, WARM + 2 + CHILD_WARM));
    step('child restarted');
    const fts = fts5(papers, work, queries[0]!);
    step('FTS5');
    return {
      corpus: `${kind} ${size / 1000}k`, papers: papers.length, terms: restoredIndex.vocabularySize,
      coldMs: cold.ms, parseMs: parsed.ms, cachedMs: fromCache.ms, floorMs: floor.ms, coldCpuMs: (coldCpu.user + coldCpu.system) / 1000, restoreCpuMs: (restoreCpu.user + restoreCpu.system) / 1000, writeMs: written.value.ms, writeStallMs: written.stall, bytes: statSync(path).size, restoreMs: restored.ms,
      childReadyMs: child.readyMs, childStartMs: child.startMs, childPhases: child.phases, childFirstMs: child.firstMs, childWarmMs: child.warmMs,
      firstMs: first.ms, warmMs: percentile(warm, 50), ftsBuildMs: fts.buildMs, ftsReopenMs: fts.reopenMs, load,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function run(): Promise<string> {
  const seeds = (await loadCorpus(seedsDir)).papers;
  const queries = [...new Set(sampleQueries(seeds, 200, 11))];
  // npm start's bundle of the sources, built now if they changed (not timed: a restart after an upgrade pays it once).
  if (!(await bundledMain())) throw new Error('restart bench: npm start could not bundle the sources');
  const rows: Row[] = [];
  for (const size of SIZES) for (const kind of KINDS) rows.push(await measure(kind, size, seeds, queries));
  const s = (ms: number) => fmt(ms / 1000, 2);
  return [
    '## Restart (index snapshot)',
    '',
    'Wall times on a shared machine (see the load column); [CPU] is this process\'s CPU time, worker thread included.',
    'Per corpus: **cold build** to ready as `npm start` does it with no snapshot (index built in slices, latent space fitted on a worker thread),',
    'beside the **floor**: the same papers through the project\'s own analyzer (tokenize, stop words, stem, compound joins) into typed-array postings and nothing else',
    '(bench/lib/floor-build.ts: no sequences, stem forms, typo words or latent space), and their ratio;',
    '**snapshot write** (export on the event loop, checksum and atomic write on the thread pool; the longest event-loop stall meanwhile) and size;',
    '**corpus parse / from cache**: the corpus file parsed and validated, and read back from the parsed-corpus cache (DATA_DIR/corpus.cache, written after the first start);',
    '**restore**: read, check and restore the snapshot (no text analysed, no fit); **restart to ready**: a child process started like `npm start`',
    '(node scripts/start.mjs: the sources bundled once by esbuild, then plain JavaScript; corpus file in CORPUS_DIR, snapshot and parsed-corpus cache in DATA_DIR), wall time from spawn to the ready log line, and the `startMs` it logs',
    '(from config to ready: corpus file parsed, store opened, snapshot restored), with its steps over 50 ms (s), after "before": the time from the process start until the app modules are loaded; its **first search** (command to rendered reply) beside the median',
    `of the next ${CHILD_WARM}; in process (query path already compiled), the first search after restore beside the median of ${WARM} warm ones. FTS5: the same papers into an`,
    'on-disk SQLite FTS5 table (porter tokenizer) in one transaction; reopen = open the file and answer the first query.',
    '',
    'Where a restart\'s time goes on this machine (a Firecracker VM): the first touch of fresh memory costs about 5-8 ms per MB (a 100 MB buffer',
    'takes 0.5-0.8 s to fill the first time, under 10 ms the second), so a restart costs about what it brings into memory: at 100k Heaps papers the',
    'snapshot (read and checksummed on a worker thread from the first moment of `npm start`, while the modules load and the corpus is read) and the',
    'papers\' text (read back from the parsed-corpus cache into strings kept off the JavaScript heap, so the garbage collector does not copy them).',
    'Before `startMs` begins ("before" in the steps column): node, `npm start`\'s bundle of the sources (scripts/start.mjs; under the tsx CLI this took',
    'about 1.5 s more: a second node, and every module through a loader thread), the config and the app\'s modules. The cold build ends with',
    '`index.compact` (postings and stem forms cut to size, build-only tables dropped); at ready, only papers new since the snapshot are recorded as',
    'first seen, the others again after ready.',
    '',
    '| Corpus | Papers | Terms | Cold build to ready (s) [CPU] | Floor build (s) | Cold / floor | Snapshot write (s) | Write stall (ms) | Snapshot (MB) | Corpus parse / from cache (s) | Restore (s) [CPU] | Restart to ready, child (s) | startMs (s) | startMs steps (s) | First / warm search, child (ms) | First / warm search, in process (ms) | FTS5 build (s) | FTS5 reopen + first query (ms) | Load avg (1/5/15 min) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
    ...rows.map((r) =>
      `| ${r.corpus} | ${r.papers} | ${r.terms} | ${s(r.coldMs)} [${s(r.coldCpuMs)}] | ${s(r.floorMs)} | ${fmt(r.coldMs / r.floorMs, 2)} | ${s(r.writeMs)} | ${fmt(r.writeStallMs, 0)} | ${fmt(r.bytes / 1024 / 1024)} | ${s(r.parseMs)} / ${s(r.cachedMs)} | ${s(r.restoreMs)} [${s(r.restoreCpuMs)}] | ${s(r.childReadyMs)} | ${s(r.childStartMs)} | ${r.childPhases} | ${fmt(r.childFirstMs, 1)} / ${fmt(r.childWarmMs, 1)} | ${fmt(r.firstMs, 2)} / ${fmt(r.warmMs, 2)} | ${s(r.ftsBuildMs)} | ${fmt(r.ftsReopenMs, 1)} | ${r.load} |`),
    '',
  ].join('\n');
}

printSectionWhenMain(import.meta.url, run);
