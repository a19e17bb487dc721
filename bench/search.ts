/**
 * Bench section: index build time, heap and search latency for Paperboy and for plain
 * minisearch defaults, on the seed corpus and on synthetic 10k and 100k corpora.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';
import { fmt, heapAfterGcMb, percentile, time, timeAsync } from './lib/measure.js';
import { sampleQueries, syntheticCorpus } from './lib/synthetic.js';

const seedsDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'seeds');
/** Queries timed per engine and corpus; the first WARMUP are not counted. */
export const QUERIES = 300;
export const WARMUP = 30;
export const SIZES = [10_000, 100_000];
/** Each engine answers the queries this many times; a pass's p99 is its third-slowest query, so one GC pause or a busy neighbour moves it: the table gives the median pass and the range. */
export const PASSES = 3;

interface Row {
  corpus: string;
  engine: string;
  buildMs: number;
  heapMb: number;
  p50: number;
  /** p99 of each pass, sorted. */
  p99s: number[];
}

interface Searcher {
  search(q: string): unknown;
}

function measureEngine(corpus: string, engine: string, build: () => Searcher, queries: string[]): Row {
  const before = heapAfterGcMb();
  const { value: index, ms: buildMs } = time(build);
  const heapMb = heapAfterGcMb() - before;
  queries.slice(0, WARMUP).forEach((q) => index.search(q));
  const passes = Array.from({ length: PASSES }, () => queries.slice(WARMUP).map((q) => time(() => index.search(q)).ms));
  const p99s = passes.map((latencies) => percentile(latencies, 99)).sort((a, b) => a - b);
  return { corpus, engine, buildMs, heapMb, p50: percentile(passes.flat(), 50), p99s };
}

const paperboy = (papers: Paper[]) => () => {
  const index = new PaperIndex(papers);
  return { search: (q: string) => index.search(q, { limit: 10 }) };
};

const minisearchDefaults = (papers: Paper[]) => () => {
  const ms = new MiniSearch<Paper>({ fields: ['title', 'abstract'] });
  ms.addAll(papers);
  return { search: (q: string) => ms.search(q, { boost: { title: 2 } }).slice(0, 10) };
};

export async function run(): Promise<string> {
  const cold = await timeAsync(async () => new PaperIndex((await loadCorpus(seedsDir)).papers));
  const seeds = (await loadCorpus(seedsDir)).papers;
  const queries = sampleQueries(seeds, QUERIES);
  const rows: Row[] = [];
  const corpora: [string, () => Paper[]][] = [
    [`seeds (${seeds.length})`, () => seeds],
    ...SIZES.map((n): [string, () => Paper[]] => [`synthetic ${n / 1000}k`, () => syntheticCorpus(seeds, n)]),
  ];
  for (const [name, make] of corpora) {
    let papers: Paper[] | undefined = make();
    rows.push(measureEngine(name, 'Paperboy', paperboy(papers), queries));
    rows.push(measureEngine(name, 'minisearch defaults', minisearchDefaults(papers), queries));
    papers = undefined;
  }
  return [
    '## Search',
    '',
    `Cold start on the seed corpus (parse ${seeds.length} papers + build the index): **${fmt(cold.ms, 0)} ms**.`,
    '',
    `Latency over ${QUERIES - WARMUP} random 1-3 word queries (words from the seed titles; top 10), after ${WARMUP} warm-up queries, answered ${PASSES} times:`,
    `p50 over all passes; p99 of the median pass, with the fastest and slowest pass's p99.`,
    'Synthetic corpora resample the seeds\' words and lengths. Heap: growth after a full GC.',
    '',
    '| Corpus | Engine | Build (ms) | Heap (MB) | p50 (ms) | p99 (ms) | p99 range (ms) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const median = r.p99s[Math.floor(r.p99s.length / 2)]!;
      return `| ${r.corpus} | ${r.engine} | ${fmt(r.buildMs, 0)} | ${fmt(r.heapMb)} | ${fmt(r.p50, 2)} | ${fmt(median, 2)} | ${fmt(r.p99s[0]!, 1)}-${fmt(r.p99s.at(-1)!, 1)} |`;
    }),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await run());
}
