import { arxivAbsUrl, arxivPaperId, paperId } from '../corpus/normalize.js';
import { validatePaper } from '../corpus/validate.js';
import type { StoredPaper, Store } from '../store/port.js';
import type { Paper } from '../types.js';
import type { FetchBatch } from './source.js';

export interface IngestDeps {
  store: Store;
  /** The paper the index holds under this id. */
  lookup(id: string): Paper | undefined;
  /** Adds new papers to the index and records them as first seen now (the scheduler's addPapers). */
  addToIndex(papers: Paper[]): Paper[] | Promise<Paper[]>;
}

export interface IngestResult {
  /** New to the index: eligible for the next digests. */
  added: number;
  /** Already known from seeds or a corpus file (same normalized title): one paper, the existing id. */
  merged: number;
  /** A stored paper whose fields changed (title, abstract, authors, upvotes...). */
  updated: number;
  /** Papers the validator refused, each with why. */
  skipped: string[];
}

/** Fields shown beside a paper; changing them in place does not touch the search index. */
function refreshShown(target: Paper, from: Paper): void {
  target.url = from.url;
  for (const key of ['authors', 'published', 'arxivId', 'upvotes'] as const) {
    if (from[key] === undefined) delete target[key];
    else (target as unknown as Record<string, unknown>)[key] = from[key];
  }
}

/**
 * Stores one batch of fetched papers (one transaction) and then indexes the new ones. Identity:
 * a paper already stored under this arXiv id keeps its id; else one whose normalized title is in
 * the seeds or a corpus file takes that paper's id (so its delivery history holds); else the id
 * comes from the arXiv id. Text changes are stored at once and re-indexed at the next start.
 */
export async function ingestBatch(source: string, batch: FetchBatch, deps: IngestDeps, now: Date): Promise<IngestResult> {
  const skipped = [...batch.skipped];
  const byId = new Map<string, StoredPaper>();
  for (const f of batch.papers) {
    const checked = validatePaper({ title: f.title, abstract: f.abstract, url: arxivAbsUrl(f.arxivId), published: f.published, authors: f.authors });
    if (!checked.ok) {
      skipped.push(`${f.arxivId}: ${checked.reason}`);
      continue;
    }
    const titleId = paperId(checked.paper.title);
    const id = deps.store.paperIdByArxiv(f.arxivId) ?? (deps.lookup(titleId) ? titleId : arxivPaperId(f.arxivId));
    const paper: StoredPaper = { ...checked.paper, id, arxivId: f.arxivId, source };
    if (f.upvotes !== undefined) paper.upvotes = f.upvotes;
    byId.set(id, paper);
  }
  const papers = [...byId.values()];
  const outcomes = deps.store.savePapers(papers, now);
  const fresh: Paper[] = [];
  let merged = 0;
  let updated = 0;
  papers.forEach((stored, i) => {
    const outcome = outcomes[i];
    if (outcome === 'same') return;
    const { source: _source, ...paper } = stored;
    const indexed = deps.lookup(paper.id);
    if (!indexed) fresh.push(paper);
    else refreshShown(indexed, paper);
    if (outcome === 'new' && indexed) merged++;
    if (outcome === 'changed') updated++;
  });
  const added = fresh.length ? (await deps.addToIndex(fresh)).length : 0;
  return { added, merged, updated, skipped };
}

/**
 * The papers the index starts from: seeds and corpus files, then stored papers. A stored paper
 * replaces the corpus paper with its id (its fields are the newer ones); one whose title matches a
 * corpus paper under another id replaces that paper too, so the same paper is never listed twice.
 */
export function withStoredPapers(corpus: Paper[], stored: StoredPaper[]): Paper[] {
  const byId = new Map(corpus.map((p) => [p.id, p]));
  const storedIds = new Set(stored.map((p) => p.id));
  for (const { source: _source, ...paper } of stored) {
    const titleId = paperId(paper.title);
    if (titleId !== paper.id && byId.has(titleId) && !storedIds.has(titleId)) byId.delete(titleId);
    byId.set(paper.id, paper);
  }
  return [...byId.values()];
}
