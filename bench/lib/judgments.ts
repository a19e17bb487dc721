import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeTitle } from '../../src/core/corpus/index.js';
import type { Paper } from '../../src/core/types.js';

export interface TopicalQuery {
  qid: string;
  query: string;
  /** Our paper id -> grade (1 or 2). */
  relevant: Map<string, number>;
}

export interface KnownItemQuery {
  qid: string;
  style: string;
  query: string;
  /** Our ids that count as a hit: the target first. */
  targets: string[];
}

export interface Judgments {
  topical: TopicalQuery[];
  /** Topics the corpus has (almost) nothing on: what a follow delivers beyond `relevant` is junk. */
  offTopic: TopicalQuery[];
  knownItem: KnownItemQuery[];
  /** Judged papers that could not be found in the corpus by normalized title. */
  unmapped: string[];
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The project's own copy of the judgments, so a fresh clone can run the eval and the quality test. */
export const bundledEvalDir = join(repoRoot, 'bench', 'judgments');
/** The shared judgments beside the checkout, when present. */
export const sharedEvalDir = join(repoRoot, '..', 'shared', 'eval');

/**
 * EVAL_DIR; else ../shared/eval beside the repository when present; else the bundled copy.
 * Bench scripts are outside the core, so they may read the environment.
 */
export function evalDir(): string {
  if (process.env.EVAL_DIR) return resolve(process.env.EVAL_DIR);
  return existsSync(join(sharedEvalDir, 'topical.json')) ? sharedEvalDir : bundledEvalDir;
}

/** Loads the judgments and maps their ids (p000...) to ours by normalized title. */
export function loadJudgments(papers: Paper[], dir = evalDir()): Judgments {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const titles = read('papers.json') as Record<string, string>;
  const ourIdByTitle = new Map(papers.map((p) => [normalizeTitle(p.title), p.id]));
  const unmapped: string[] = [];
  const ourId = (evalId: string): string | undefined => {
    const title = titles[evalId];
    const id = title === undefined ? undefined : ourIdByTitle.get(normalizeTitle(title));
    if (!id) unmapped.push(evalId);
    return id;
  };
  const graded = (file: string): TopicalQuery[] =>
    (read(file) as { qid: string; query: string; relevant: Record<string, number> }[]).map((q) => {
      const relevant = new Map<string, number>();
      for (const [evalId, grade] of Object.entries(q.relevant)) {
        const id = ourId(evalId);
        if (id) relevant.set(id, grade);
      }
      return { qid: q.qid, query: q.query, relevant };
    });
  const topical = graded('topical.json');
  const offTopic = graded('off_topic.json');
  const knownItem = (read('known_item.json') as { qid: string; style: string; query: string; target: string; also_ok: string[] }[]).map((q) => ({
    qid: q.qid,
    style: q.style,
    query: q.query,
    targets: [q.target, ...q.also_ok].map(ourId).filter((id): id is string => id !== undefined),
  }));
  return { topical, offTopic, knownItem, unmapped: [...new Set(unmapped)] };
}
