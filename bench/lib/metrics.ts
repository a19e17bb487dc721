/** Ranking metrics over ranked id lists; grades are 0 (unjudged), 1 or 2. */

export function ndcgAt(k: number, ranked: string[], grades: Map<string, number>): number {
  const gain = (g: number) => 2 ** g - 1;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += gain(grades.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...grades.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, g, i) => sum + gain(g) / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function precisionAt(k: number, ranked: string[], grades: Map<string, number>): number {
  return ranked.slice(0, k).filter((id) => (grades.get(id) ?? 0) >= 1).length / k;
}

export function recallAt(k: number, ranked: string[], grades: Map<string, number>): number {
  const relevant = [...grades.values()].filter((g) => g >= 1).length;
  if (relevant === 0) return 0;
  return ranked.slice(0, k).filter((id) => (grades.get(id) ?? 0) >= 1).length / relevant;
}

/** 1-based rank of the first target within the top k, or 0. */
export function firstHitRank(k: number, ranked: string[], targets: string[]): number {
  const i = ranked.slice(0, k).findIndex((id) => targets.includes(id));
  return i < 0 ? 0 : i + 1;
}

export function setScores(delivered: string[], grades: Map<string, number>): { precision: number; recall: number; f1: number } {
  const relevant = new Set([...grades].filter(([, g]) => g >= 1).map(([id]) => id));
  const hits = delivered.filter((id) => relevant.has(id)).length;
  const precision = delivered.length === 0 ? (relevant.size === 0 ? 1 : 0) : hits / delivered.length;
  const recall = relevant.size === 0 ? 1 : hits / relevant.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * The best F1 any cut of a ranking reaches: what a perfect per-topic threshold on that ranking
 * would deliver. It separates what the ranking allows from what the delivery rule makes of it.
 */
export function bestCutF1(ranked: string[], grades: Map<string, number>): number {
  let best = 0;
  for (let k = 1; k <= ranked.length; k++) best = Math.max(best, setScores(ranked.slice(0, k), grades).f1);
  return best;
}

/** Delivered papers not judged on the topic (grade 0): what an off-topic follow should not send. */
export function junkCount(delivered: string[], grades: Map<string, number>): number {
  return delivered.filter((id) => (grades.get(id) ?? 0) < 1).length;
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
