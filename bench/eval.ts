/**
 * Scores Paperboy's search against the relevance judgments in ../shared/eval (or EVAL_DIR),
 * beside classic engines configured as their docs suggest. `npm run eval [-- --json]`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../src/core/corpus/index.js';
import { fts5Engine, lunrEngine, minisearchDefaultsEngine, paperboyEngine, type Engine } from './lib/engines.js';
import { evalDir, loadJudgments, type Judgments } from './lib/judgments.js';
import { bestCutF1, firstHitRank, junkCount, mean, ndcgAt, precisionAt, recallAt, setScores } from './lib/metrics.js';
import { loadPlanted, type PlantedPaper } from './lib/planted.js';
import { learningSection, scoreLearning, type LearningRow } from './learning-eval.js';
import { syntheticCorpus } from './lib/synthetic.js';
import { byExampleTable, scoreByExample, type ByExampleScores } from './lib/by-example-eval.js';
import type { Paper } from '../src/core/types.js';

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
  /** Known-item queries for which search says nothing matches. */
  knownNothing: number;
  /** Off-topic follows on the seeds: papers delivered that are not judged on the topic, summed. */
  junk: number;
  /** ...and how many of those topics got no junk at all. */
  cleanTopics: number;
}

/** Off-topic follows on a corpus with papers added: planted ones (on given topics) and synthetic ones. */
export interface AddedScores {
  engine: string;
  /** Seeds plus the planted corpus: junk, clean topics, planted papers delivered to their own topic. */
  plantedJunk: number;
  plantedClean: number;
  plantedFound: number;
  plantedTotal: number;
  /** Seeds plus SYNTHETIC_PAPERS synthetic papers. */
  syntheticJunk: number;
  syntheticClean: number;
}

/** Word-salad papers drawn from the seeds' vocabulary, added to check junk stays low as the corpus grows. */
export const SYNTHETIC_PAPERS = 10_000;
const SYNTHETIC_ENGINES = ['Paperboy', 'SQLite FTS5 bm25'];

/** How deep the match ceiling looks into each ranking. */
const CEILING_DEPTH = 60;

export interface EvalReport {
  evalDir: string;
  papers: number;
  topicalQueries: number;
  knownItemQueries: number;
  offTopicQueries: number;
  unmapped: string[];
  scores: EngineScores[];
  added: AddedScores[];
  /** Follows that learn from 👍 / 👎: simulated readers, with 3, 5 and 10 ratings (bench/learning-eval.ts). */
  learning: LearningRow[];
  /** Follows by example (bench/lib/by-example-eval.ts). */
  byExample: ByExampleScores;
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
  const knownNothing = judgments.knownItem.filter((q) => engine.nothingMatches?.(q.query)).length;
  const junk = judgments.offTopic.map((q) => junkCount(engine.match(q.query), q.relevant));
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
    knownNothing,
    junk: junk.reduce((a, b) => a + b, 0),
    cleanTopics: junk.filter((j) => j === 0).length,
  };
}

/** Junk per off-topic follow; a planted paper counts as relevant to its own topic only. */
function offTopicJunk(engine: Engine, judgments: Judgments, planted: PlantedPaper[] = []): { junk: number[]; found: number } {
  let found = 0;
  const junk = judgments.offTopic.map((q) => {
    const relevant = new Map(q.relevant);
    const own = planted.filter((p) => p.topic === q.qid);
    for (const p of own) relevant.set(p.id, 2);
    const delivered = engine.match(q.query);
    found += own.filter((p) => delivered.includes(p.id)).length;
    return junkCount(delivered, relevant);
  });
  return { junk, found };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function scoreAdded(makers: EngineMaker[], seeds: Paper[], judgments: Judgments, planted = loadPlanted()): AddedScores[] {
  const synthetic = syntheticCorpus(seeds, SYNTHETIC_PAPERS);
  return makers.map((make) => {
    const withPlanted = offTopicJunk(make([...seeds, ...planted]), judgments, planted);
    const engine = make(seeds.slice(0, 1));
    // The synthetic check is for Paperboy and the keyword alert it is compared with (lunr and minisearch take long to index 10k papers).
    const withSynthetic = SYNTHETIC_ENGINES.includes(engine.name) ? offTopicJunk(make([...seeds, ...synthetic]), judgments) : undefined;
    return {
      engine: engine.name,
      plantedJunk: sum(withPlanted.junk),
      plantedClean: withPlanted.junk.filter((j) => j === 0).length,
      plantedFound: withPlanted.found,
      plantedTotal: planted.filter((p) => judgments.offTopic.some((q) => q.qid === p.topic)).length,
      syntheticJunk: withSynthetic ? sum(withSynthetic.junk) : NaN,
      syntheticClean: withSynthetic ? withSynthetic.junk.filter((j) => j === 0).length : NaN,
    };
  });
}

type EngineMaker = (papers: Paper[]) => Engine;

export async function runEval(dir = evalDir()): Promise<EvalReport> {
  const { papers } = await loadCorpus(seedsDir);
  const judgments = loadJudgments(papers, dir);
  const makers: EngineMaker[] = [paperboyEngine, minisearchDefaultsEngine, fts5Engine, lunrEngine];
  return {
    evalDir: dir,
    papers: papers.length,
    topicalQueries: judgments.topical.length,
    knownItemQueries: judgments.knownItem.length,
    offTopicQueries: judgments.offTopic.length,
    unmapped: judgments.unmapped,
    scores: makers.map((make) => scoreEngine(make(papers), judgments)),
    added: scoreAdded(makers, papers, judgments),
    learning: scoreLearning(papers, judgments, dir),
    byExample: scoreByExample(papers, judgments, loadPlanted()),
  };
}

const f = (x: number) => x.toFixed(3);

export function evalTable(report: EvalReport): string {
  const head = '| Engine | nDCG@10 | P@5 | R@20 | MRR@10 | S@1 | S@5 | Known: nothing matches | Match P | Match R | Match F1 | F1 ceiling |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = report.scores.map(
    (s) => `| ${s.engine} | ${f(s.ndcg10)} | ${f(s.p5)} | ${f(s.r20)} | ${f(s.mrr10)} | ${f(s.s1)} | ${f(s.s5)} | ${s.knownNothing} | ${f(s.matchPrecision)} | ${f(s.matchRecall)} | ${f(s.matchF1)} | ${f(s.matchCeiling)} |`,
  );
  return [head, rule, ...rows].join('\n');
}

/** Off-topic follows: junk delivered (summed over topics) and clean topics, on the seeds and with papers added. */
export function junkTable(report: EvalReport): string {
  const n = report.offTopicQueries;
  const head = `| Engine | Junk | Clean topics (of ${n}) | + planted: junk | clean | planted delivered | + ${SYNTHETIC_PAPERS / 1000}k synthetic: junk | clean |`;
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|';
  const rows = report.scores.map((s, i) => {
    const a = report.added[i]!;
    const n = (x: number) => (Number.isNaN(x) ? 'n/a' : String(x));
    return `| ${s.engine} | ${s.junk} | ${s.cleanTopics} | ${a.plantedJunk} | ${a.plantedClean} | ${a.plantedFound}/${a.plantedTotal} | ${n(a.syntheticJunk)} | ${n(a.syntheticClean)} |`;
  });
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
    `Off-topic follows: ${report.offTopicQueries} topics the seeds have (almost) nothing on. Junk: delivered papers not judged on the topic,`,
    'summed over the topics; clean: topics with no junk. "+ planted": the seeds plus test/fixtures/planted (papers written to be on',
    'some of these topics; each must reach its own follow and no other). "+ synthetic": the seeds plus word-salad papers from bench/lib/synthetic.ts.',
    '',
    junkTable(report),
    '',
    learningSection(report.learning),
    '',
    'Follow by example (`/papers follow like <id>`): for each topical query, a follow seeded with one of its grade-2 papers, each in turn,',
    'scored on the other papers (precision over the follows that deliver anything; F1 counts an empty follow as precision 0),',
    'beside the same query\'s word follow scored without the seed.',
    '',
    byExampleTable(report.byExample),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runEval();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else {
    if (report.unmapped.length) console.error(`warning: ${report.unmapped.length} judged papers not found in the corpus`);
    console.log(evalTable(report));
    console.log();
    console.log(junkTable(report));
    console.log();
    console.log(learningSection(report.learning));
    console.log();
    console.log(byExampleTable(report.byExample));
  }
}
