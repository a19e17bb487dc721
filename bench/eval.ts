/**
 * Scores Paperboy's search against the relevance judgments in ../shared/eval (or EVAL_DIR),
 * beside classic engines configured as their docs suggest. `npm run eval [-- --json]`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../src/core/corpus/index.js';
import { fts5Engine, lunrEngine, minisearchDefaultsEngine, paperboyEngine, type Engine } from './lib/engines.js';
import { evalDir, loadJudgments, type Judgments } from './lib/judgments.js';
import { bestCutF1, firstHitRank, mean, ndcgAt, precisionAt, recallAt, setScores } from './lib/metrics.js';

export interface EngineScores {
  engine: string;
  ndcg10: number;
  p5: number;
  r20: number;
  mrr10: number;
  s1: number;
  s5: number;
  matchPrecision: number;
  matchRecall: number;
  matchF1: number;
  /** Mean of bestCutF1 over each topic's top CEILING_DEPTH results. */
  matchCeiling: number;
}

/** How deep the match ceiling looks into each ranking. */
const CEILING_DEPTH = 60;

export interface EvalReport {
  evalDir: string;
  papers: number;
  topicalQueries: number;
  knownItemQueries: number;
  unmapped: string[];
  scores: EngineScores[];
}

const seedsDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'seeds');

export function scoreEngine(engine: Engine, judgments: Judgments): EngineScores {
  const topical = judgments.topical.map((q) => {
    const ranked = engine.search(q.query, CEILING_DEPTH);
    const delivered = setScores(engine.match(q.query), q.relevant);
    return {
      ndcg: ndcgAt(10, ranked, q.relevant),
      p5: precisionAt(5, ranked, q.relevant),
      r20: recallAt(20, ranked, q.relevant),
      ceiling: bestCutF1(ranked, q.relevant),
      ...delivered,
    };
  });
  const known = judgments.knownItem.map((q) => firstHitRank(10, engine.search(q.query, 10), q.targets));
  return {
    engine: engine.name,
    ndcg10: mean(topical.map((t) => t.ndcg)),
    p5: mean(topical.map((t) => t.p5)),
    r20: mean(topical.map((t) => t.r20)),
    mrr10: mean(known.map((r) => (r ? 1 / r : 0))),
    s1: mean(known.map((r) => (r === 1 ? 1 : 0))),
    s5: mean(known.map((r) => (r >= 1 && r <= 5 ? 1 : 0))),
    matchPrecision: mean(topical.map((t) => t.precision)),
    matchRecall: mean(topical.map((t) => t.recall)),
    matchF1: mean(topical.map((t) => t.f1)),
    matchCeiling: mean(topical.map((t) => t.ceiling)),
  };
}

export async function runEval(dir = evalDir()): Promise<EvalReport> {
  const { papers } = await loadCorpus(seedsDir);
  const judgments = loadJudgments(papers, dir);
  const engines = [paperboyEngine, minisearchDefaultsEngine, fts5Engine, lunrEngine].map((make) => make(papers));
  return {
    evalDir: dir,
    papers: papers.length,
    topicalQueries: judgments.topical.length,
    knownItemQueries: judgments.knownItem.length,
    unmapped: judgments.unmapped,
    scores: engines.map((e) => scoreEngine(e, judgments)),
  };
}

const f = (x: number) => x.toFixed(3);

export function evalTable(report: EvalReport): string {
  const head = '| Engine | nDCG@10 | P@5 | R@20 | MRR@10 | S@1 | S@5 | Match P | Match R | Match F1 | F1 ceiling |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = report.scores.map(
    (s) => `| ${s.engine} | ${f(s.ndcg10)} | ${f(s.p5)} | ${f(s.r20)} | ${f(s.mrr10)} | ${f(s.s1)} | ${f(s.s5)} | ${f(s.matchPrecision)} | ${f(s.matchRecall)} | ${f(s.matchF1)} | ${f(s.matchCeiling)} |`,
  );
  return [head, rule, ...rows].join('\n');
}

/** The bench section: the eval table as markdown. */
export async function run(): Promise<string> {
  const report = await runEval();
  return [
    '## Eval',
    '',
    `Seed corpus (${report.papers} papers), ${report.topicalQueries} topical and ${report.knownItemQueries} known-item queries from the shared judgments.`,
    'Topical: nDCG@10 (gain 2^g-1), P@5, R@20. Known-item: MRR@10, S@1, S@5. Match: the set a topic follow delivers vs grade >= 1',
    '(baselines: a keyword alert requiring every term). F1 ceiling: the match F1 if each topic were cut at its best depth',
    `of the engine's top ${CEILING_DEPTH} search results, an upper bound for any delivery rule that keeps the ranking's order.`,
    '',
    evalTable(report),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runEval();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else {
    if (report.unmapped.length) console.error(`warning: ${report.unmapped.length} judged papers not found in the corpus`);
    console.log(evalTable(report));
  }
}
