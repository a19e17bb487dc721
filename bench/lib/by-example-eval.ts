import { matchByExample } from '../../src/core/follows/by-example.js';
import { PaperIndex } from '../../src/core/search/index.js';
import type { Paper } from '../../src/core/types.js';
import type { Judgments } from './judgments.js';
import { junkCount, mean, setScores } from './metrics.js';
import type { PlantedPaper } from './planted.js';
import { syntheticCorpus } from './synthetic.js';

/** Word-salad papers added for the check that follows by example stay clean as the corpus grows. */
export const BY_EXAMPLE_SYNTHETIC = 10_000;

/**
 * Follows by example on the dev judgments. Topical: for each query, a follow seeded with one of
 * its grade-2 papers (each in turn) is scored on the other papers (the seed left out of both the
 * set and the judgments), beside the same query's word follow scored the same way. Off-topic:
 * seeded with each planted paper, on the seeds plus the planted corpus, a follow must deliver no
 * junk (papers not on the planted paper's topic).
 */
export interface ByExampleScores {
  queries: number;
  seeds: number;
  /** Mean over queries of the mean over seeds; precision only over follows that deliver something. */
  precision: number;
  recall: number;
  f1: number;
  /** Seeds whose follow delivers nothing (they count precision 0 in f1). */
  empty: number;
  /** Papers a seeded follow delivers, on average. */
  delivered: number;
  /** The same queries' word follows, each scored without the seed paper, averaged like the above. */
  wordPrecision: number;
  wordRecall: number;
  wordF1: number;
  /** Planted seeds: how many, the junk they deliver (summed), and the same-topic planted papers they find. */
  plantedSeeds: number;
  plantedJunk: number;
  plantedFound: number;
  /** With BY_EXAMPLE_SYNTHETIC synthetic papers added too: synthetic papers delivered by every seeded follow above (all junk), and the planted junk. */
  syntheticDelivered: number;
  syntheticPlantedJunk: number;
}

const without = (grades: Map<string, number>, id: string) => new Map([...grades].filter(([k]) => k !== id));

export function scoreByExample(seeds: Paper[], judgments: Judgments, planted: PlantedPaper[]): ByExampleScores {
  const index = new PaperIndex(seeds);
  let seedCount = 0;
  let empty = 0;
  const perQuery = judgments.topical.flatMap((q) => {
    const examples = [...q.relevant].filter(([, g]) => g === 2).map(([id]) => id);
    if (examples.length === 0) return [];
    const words = index.match(q.query).map((h) => h.paper.id);
    const rows = examples.map((seed) => {
      seedCount++;
      const grades = without(q.relevant, seed);
      const delivered = matchByExample(index, [seed]).map((h) => h.paper.id);
      if (delivered.length === 0) empty++;
      const s = setScores(delivered, grades);
      return { ...s, precision: delivered.length ? s.precision : undefined, size: delivered.length, word: setScores(words.filter((id) => id !== seed), grades) };
    });
    const ps = rows.map((r) => r.precision).filter((p): p is number => p !== undefined);
    return [{
      precision: ps.length ? mean(ps) : undefined,
      recall: mean(rows.map((r) => r.recall)),
      f1: mean(rows.map((r) => r.f1)),
      size: mean(rows.map((r) => r.size)),
      word: { precision: mean(rows.map((r) => r.word.precision)), recall: mean(rows.map((r) => r.word.recall)), f1: mean(rows.map((r) => r.word.f1)) },
    }];
  });

  const withPlanted = new PaperIndex([...seeds, ...planted]);
  let plantedJunk = 0;
  let plantedFound = 0;
  for (const p of planted) {
    const topic = judgments.offTopic.find((q) => q.qid === p.topic);
    const grades = new Map(topic?.relevant ?? []);
    for (const other of planted) if (other.topic === p.topic && other.id !== p.id) grades.set(other.id, 2);
    const delivered = matchByExample(withPlanted, [p.id]).map((h) => h.paper.id);
    plantedJunk += junkCount(delivered, grades);
    plantedFound += delivered.filter((id) => planted.some((o) => o.id === id && o.topic === p.topic)).length;
  }

  // The same seeds on a corpus grown by word salad: any synthetic paper delivered is junk.
  const synthetic = syntheticCorpus(seeds, BY_EXAMPLE_SYNTHETIC);
  const fake = new Set(synthetic.map((p) => p.id));
  const grown = new PaperIndex([...seeds, ...planted, ...synthetic]);
  let syntheticDelivered = 0;
  let syntheticPlantedJunk = 0;
  for (const q of judgments.topical) for (const [id, g] of q.relevant) if (g === 2) syntheticDelivered += matchByExample(grown, [id]).filter((h) => fake.has(h.paper.id)).length;
  for (const p of planted) {
    const own = new Set([...(judgments.offTopic.find((q) => q.qid === p.topic)?.relevant.keys() ?? []), ...planted.filter((o) => o.topic === p.topic).map((o) => o.id)]);
    syntheticPlantedJunk += matchByExample(grown, [p.id]).filter((h) => !own.has(h.paper.id)).length;
  }

  const ps = perQuery.map((q) => q.precision).filter((p): p is number => p !== undefined);
  return {
    syntheticDelivered,
    syntheticPlantedJunk,
    queries: perQuery.length,
    seeds: seedCount,
    precision: mean(ps),
    recall: mean(perQuery.map((q) => q.recall)),
    f1: mean(perQuery.map((q) => q.f1)),
    empty,
    delivered: mean(perQuery.map((q) => q.size)),
    wordPrecision: mean(perQuery.map((q) => q.word.precision)),
    wordRecall: mean(perQuery.map((q) => q.word.recall)),
    wordF1: mean(perQuery.map((q) => q.word.f1)),
    plantedSeeds: planted.length,
    plantedJunk,
    plantedFound,
  };
}

const f = (x: number) => x.toFixed(3);

export function byExampleTable(s: ByExampleScores): string {
  return [
    '| Follow | Precision | Recall | F1 | Delivers nothing | Papers per follow |',
    '|---|---:|---:|---:|---:|---:|',
    `| By example (one grade-2 paper; ${s.seeds} seeds over ${s.queries} queries) | ${f(s.precision)} | ${f(s.recall)} | ${f(s.f1)} | ${s.empty} of ${s.seeds} | ${s.delivered.toFixed(1)} |`,
    `| The same queries' word follows | ${f(s.wordPrecision)} | ${f(s.wordRecall)} | ${f(s.wordF1)} | | |`,
    '',
    `Seeded with each of the ${s.plantedSeeds} planted papers (seeds + planted corpus): junk ${s.plantedJunk}, planted papers of the same topic delivered ${s.plantedFound}.`,
    `With ${BY_EXAMPLE_SYNTHETIC / 1000}k synthetic papers added as well: synthetic papers delivered by the ${s.seeds} topical seeds' follows ${s.syntheticDelivered}; junk from the planted seeds ${s.syntheticPlantedJunk}.`,
  ].join('\n');
}
