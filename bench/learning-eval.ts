/**
 * Simulated readers for follows that learn from 👍 / 👎 (adaptive filtering on the dev judgments).
 * The judgments' even paper ids are the past, odd ids the future. For each topic the reader rates
 * the first papers its follow delivered from the past half, in the follow's own order, at most N
 * (👍 if graded >= 1, else 👎); the follow's set on the future half is then scored with and
 * without those ratings: macro P/R/F1 over topics with a relevant future paper, off-topic junk on
 * the future half, and how many topics improved or worsened. Called from bench/eval.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeTitle } from '../src/core/corpus/index.js';
import type { Rating } from '../src/core/learning/feedback.js';
import { learnedMatch } from '../src/core/learning/topic-learning.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';
import type { Judgments, TopicalQuery } from './lib/judgments.js';
import { junkCount, mean, setScores } from './lib/metrics.js';

/** The numbers of ratings the report grows through. */
export const RATING_BUDGETS = [3, 5, 10] as const;

export interface LearningRow {
  ratings: number;
  topics: number;
  before: { precision: number; recall: number; f1: number };
  after: { precision: number; recall: number; f1: number };
  improved: number;
  worsened: number;
  junkBefore: number;
  junkAfter: number;
  /** Ratings given on average per topic (a follow may deliver fewer past papers than the budget). */
  meanRatings: number;
}

/** Our paper id -> whether it is in the past half (its judgment id is even). */
export function pastHalf(papers: Paper[], dir: string): (id: string) => boolean {
  const titles = JSON.parse(readFileSync(join(dir, 'papers.json'), 'utf8')) as Record<string, string>;
  const ours = new Map(papers.map((p) => [normalizeTitle(p.title), p.id]));
  const even = new Map<string, boolean>();
  for (const [evalId, title] of Object.entries(titles)) {
    const id = ours.get(normalizeTitle(title));
    const n = Number(evalId.replace(/\D/g, ''));
    if (id && Number.isFinite(n)) even.set(id, n % 2 === 0);
  }
  // Papers the judgments do not list are future papers: never rated, always scored.
  return (id) => even.get(id) === true;
}

const relevantTo = (q: TopicalQuery) => (id: string) => (q.relevant.get(id) ?? 0) >= 1;

/** The reader's ratings: the first `budget` past papers the follow delivers, in its order. */
export function readerRatings(index: PaperIndex, q: TopicalQuery, past: (id: string) => boolean, budget: number): Map<string, Rating> {
  const isRelevant = relevantTo(q);
  const delivered = index.match(q.query).map((h) => h.paper.id).filter(past).slice(0, budget);
  return new Map(delivered.map((id) => [id, isRelevant(id) ? 1 : -1]));
}

export function scoreLearning(papers: Paper[], judgments: Judgments, dir: string, index = new PaperIndex(papers)): LearningRow[] {
  const past = pastHalf(papers, dir);
  const future = (ids: string[]) => ids.filter((id) => !past(id));
  const futureGrades = (q: TopicalQuery) => new Map([...q.relevant].filter(([id]) => !past(id)));
  return RATING_BUDGETS.map((budget) => {
    const rows = judgments.topical.filter((q) => [...futureGrades(q)].some(([, g]) => g >= 1)).map((q) => {
      const grades = futureGrades(q);
      const feedback = readerRatings(index, q, past, budget);
      const before = setScores(future(index.match(q.query).map((h) => h.paper.id)), grades);
      const after = setScores(future(learnedMatch(index, q.query, feedback).map((h) => h.paper.id)), grades);
      return { before, after, ratings: feedback.size };
    });
    const junk = judgments.offTopic.map((q) => {
      const feedback = readerRatings(index, q, past, budget);
      return {
        before: junkCount(future(index.match(q.query).map((h) => h.paper.id)), q.relevant),
        after: junkCount(future(learnedMatch(index, q.query, feedback).map((h) => h.paper.id)), q.relevant),
      };
    });
    const avg = (pick: (r: (typeof rows)[number]) => { precision: number; recall: number; f1: number }) => ({
      precision: mean(rows.map((r) => pick(r).precision)),
      recall: mean(rows.map((r) => pick(r).recall)),
      f1: mean(rows.map((r) => pick(r).f1)),
    });
    return {
      ratings: budget,
      topics: rows.length,
      before: avg((r) => r.before),
      after: avg((r) => r.after),
      improved: rows.filter((r) => r.after.f1 > r.before.f1 + 1e-9).length,
      worsened: rows.filter((r) => r.after.f1 < r.before.f1 - 1e-9).length,
      junkBefore: junk.reduce((a, j) => a + j.before, 0),
      junkAfter: junk.reduce((a, j) => a + j.after, 0),
      meanRatings: mean(rows.map((r) => r.ratings)),
    };
  });
}

const f = (x: number) => x.toFixed(3);

export function learningTable(rows: LearningRow[]): string {
  const head = '| Ratings (at most) | Topics | Mean ratings | P without | R without | F1 without | P with | R with | F1 with | F1 gain | Improved | Worsened | Off-topic junk without | with |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => `| ${r.ratings} | ${r.topics} | ${r.meanRatings.toFixed(1)} | ${f(r.before.precision)} | ${f(r.before.recall)} | ${f(r.before.f1)} | ${f(r.after.precision)} | ${f(r.after.recall)} | ${f(r.after.f1)} | ${(r.after.f1 - r.before.f1 >= 0 ? '+' : '') + f(r.after.f1 - r.before.f1)} | ${r.improved} | ${r.worsened} | ${r.junkBefore} | ${r.junkAfter} |`);
  return [head, rule, ...lines].join('\n');
}

/** The eval section's markdown for ratings. */
export function learningSection(rows: LearningRow[]): string {
  return [
    'Follows that learn (simulated readers): even judgment ids are the past, odd ids the future. The reader rates the first',
    'papers its follow delivered from the past half, in the follow\'s order, at most N (👍 if graded >= 1, else 👎); the set on the',
    'future half is scored with and without those ratings (macro over topics with a relevant future paper; junk: off-topic follows).',
    '',
    learningTable(rows),
  ].join('\n');
}
