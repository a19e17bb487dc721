import MiniSearch, { type SearchResult } from 'minisearch';
import type { PaperSearch, SearchHit, SearchPage } from '../search-port.js';
import type { Paper } from '../types.js';
import { analyze, analyzeWords, termsOfToken, tokenize } from './analyze.js';
import {
  checkOptions, DEFAULT_MATCH, DEFAULT_RANKING, DEFAULT_SIMILAR,
  type MatchOptions, type PaperIndexOptions, type RankingOptions, type SimilarOptions,
} from './options.js';
import { parseQuery, type Concept, type ParsedQuery } from './query.js';
import { containsSequence } from './sequence.js';

/** How one concept of the query met one paper. */
interface ConceptHit {
  score: number;
  inTitle: boolean;
  /** The paper's terms that matched (differ from the query's for fuzzy matches). */
  terms: string[];
  /** Terms per alternative that matched, to count occurrences. */
  width: number;
}

interface Ranked {
  id: string;
  score: number;
  coverage: number;
  /** Per concept, in query order; undefined where the paper lacks it. */
  concepts: (ConceptHit | undefined)[];
}

const identity = (term: string) => term;
function firstSentence(text: string): string {
  const end = text.search(/[.!?](\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** Index terms of recently seen papers, so re-ranking does not re-analyze the same text. */
class TextCache {
  static readonly LIMIT = 4096;
  private readonly entries = new Map<string, { title: string[]; abstract: string[] }>();

  get(paper: Paper): { title: string[]; abstract: string[] } {
    let entry = this.entries.get(paper.id);
    if (!entry) {
      entry = { title: analyze(paper.title), abstract: analyze(paper.abstract) };
      if (this.entries.size >= TextCache.LIMIT) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(paper.id, entry);
    }
    return entry;
  }
}

/** True when some term of `a` is directly followed (one slot of slack) by some term of `b`. */
function standSideBySide(stream: string[], a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  for (let i = 0; i < stream.length - 1; i++) {
    if (!left.has(stream[i]!)) continue;
    if (right.has(stream[i + 1]!) || (i + 2 < stream.length && right.has(stream[i + 2]!))) return true;
  }
  return false;
}

/** Union of two result lists, keeping each document's better-scoring entry. */
function mergeBest(a: SearchResult[], b: SearchResult[]): SearchResult[] {
  const best = new Map<unknown, SearchResult>();
  for (const r of [...a, ...b]) {
    const known = best.get(r.id);
    if (!known || known.score < r.score) best.set(r.id, r);
  }
  return [...best.values()];
}
const byScore = (a: Ranked, b: Ranked) => b.score - a.score || (a.id < b.id ? -1 : 1);

/** The in-memory paper index: minisearch's BM25 for candidates, concept-aware re-ranking on top. */
export class PaperIndex implements PaperSearch {
  private readonly papers = new Map<string, Paper>();
  private readonly mini: MiniSearch<Paper>;
  private readonly ranking: RankingOptions;
  private readonly matching: MatchOptions;
  private readonly similarity: SimilarOptions;
  /** Document frequency of every index term, kept up to date by add(). */
  private readonly df = new Map<string, number>();
  private readonly analyzed = new TextCache();
  private lastIdf: { query: ParsedQuery; idf: number[] } | undefined;

  constructor(papers: Paper[] = [], options: PaperIndexOptions = {}) {
    checkOptions(options);
    this.ranking = { ...DEFAULT_RANKING, ...options.ranking };
    this.matching = { ...DEFAULT_MATCH, ...options.match };
    this.similarity = { ...DEFAULT_SIMILAR, ...options.similar };
    this.mini = new MiniSearch<Paper>({
      fields: ['title', 'abstract'],
      tokenize,
      processTerm: (token) => {
        const terms = termsOfToken(token);
        return terms.length ? terms : null;
      },
      searchOptions: { processTerm: identity, bm25: this.ranking.bm25, boost: { title: this.ranking.titleBoost }, prefix: false, fuzzy: false },
    });
    this.add(papers);
  }

  get size(): number {
    return this.papers.size;
  }

  get(id: string): Paper | undefined {
    return this.papers.get(id);
  }

  add(papers: Paper[]): Paper[] {
    const fresh: Paper[] = [];
    for (const paper of papers) {
      if (this.papers.has(paper.id)) continue;
      this.papers.set(paper.id, paper);
      fresh.push(paper);
    }
    if (fresh.length) {
      this.mini.addAll(fresh);
      for (const paper of fresh) {
        for (const term of new Set([...analyze(paper.title), ...analyze(paper.abstract)])) this.df.set(term, (this.df.get(term) ?? 0) + 1);
      }
    }
    return fresh;
  }

  search(query: string, options: { limit?: number; offset?: number } = {}): SearchPage {
    const ranked = this.rank(parseQuery(query));
    const best = ranked[0]?.score ?? 0;
    const kept = ranked.filter((r) => r.score >= best * this.ranking.minRelativeScore);
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? 10);
    return { hits: kept.slice(offset, offset + limit).map((r) => this.hit(r)), total: kept.length };
  }

  match(topic: string): SearchHit[] {
    const query = parseQuery(topic);
    const ranked = this.rank(query);
    const idf = this.conceptIdf(query);
    const best = ranked[0]?.score ?? 0;
    return ranked.filter((r) => r.score >= best * this.matching.minRelativeScore && this.isAbout(r, idf)).map((r) => this.hit(r));
  }

  similar(id: string, limit = 5): SearchHit[] {
    const paper = this.papers.get(id);
    if (!paper) return [];
    const weights = this.distinctiveTerms(paper);
    if (weights.size === 0) return [];
    const results = this.mini.search(
      { combineWith: 'OR', queries: [...weights.keys()] },
      { boostTerm: (term) => weights.get(term) ?? 1 },
    );
    return results
      .filter((r) => r.id !== id)
      .slice(0, limit)
      .map((r) => ({ paper: this.papers.get(r.id as string)!, score: r.score }));
  }

  private idf(df: number): number {
    const n = Math.max(1, this.papers.size);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** The concepts' idf weights of the query ranked last (rank computes them anyway). */
  private conceptIdf(query: ParsedQuery): number[] {
    return this.lastIdf?.query === query ? this.lastIdf.idf : query.concepts.map((c) => this.idf(this.conceptHits(c).size));
  }

  private hit(r: Ranked): SearchHit {
    return { paper: this.papers.get(r.id)!, score: r.score };
  }

  /** Every paper matching at least one concept, best first, after phrase and exclusion filters. */
  private rank(query: ParsedQuery): Ranked[] {
    const { coverageExponent, titleCoverageBoost } = this.ranking;
    const perConcept = query.concepts.map((c) => this.conceptHits(c));
    const idf = perConcept.map((hits) => this.idf(hits.size));
    this.lastIdf = { query, idf };
    const totalIdf = idf.reduce((a, b) => a + b, 0) || 1;
    const excluded = this.excludedIds(query.exclusions);

    const ids = new Set<string>();
    for (const hits of perConcept) for (const id of hits.keys()) if (!excluded.has(id)) ids.add(id);
    const ranked: Ranked[] = [];
    for (const id of ids) {
      if (query.phrases.length && !this.hasPhrases(id, query.phrases)) continue;
      let bm25 = 0;
      let covered = 0;
      let inTitle = 0;
      const concepts = perConcept.map((hits, i) => {
        const hit = hits.get(id);
        if (hit) {
          bm25 += hit.score;
          covered += idf[i]!;
          if (hit.inTitle) inTitle += idf[i]!;
        }
        return hit;
      });
      const coverage = covered / totalIdf;
      const score = bm25 * coverage ** coverageExponent * (1 + (titleCoverageBoost * inTitle) / totalIdf);
      ranked.push({ id, score, coverage, concepts });
    }
    ranked.sort(byScore);
    this.boostProximity(ranked, query);
    return this.ranking.feedbackTerms > 0 ? this.withFeedback(ranked, query) : ranked;
  }

  /** Papers where neighbouring query concepts stand side by side ("inductive reasoning") rise. */
  private boostProximity(ranked: Ranked[], query: ParsedQuery): void {
    const { proximityBoost, proximityDepth } = this.ranking;
    const pairs = query.concepts.length - 1;
    if (pairs < 1 || proximityBoost === 0) return;
    const top = ranked.slice(0, proximityDepth);
    for (const r of top) {
      const { title, abstract } = this.analyzed.get(this.papers.get(r.id)!);
      const streams = [title, abstract];
      let adjacent = 0;
      for (let i = 0; i < pairs; i++) {
        const a = r.concepts[i];
        const b = r.concepts[i + 1];
        if (!a || !b) continue;
        if (streams.some((s) => standSideBySide(s, a.terms, b.terms))) adjacent++;
      }
      r.score *= 1 + (proximityBoost * adjacent) / pairs;
    }
    top.sort(byScore);
    ranked.splice(0, top.length, ...top);
  }

  /**
   * Pseudo-relevance feedback: the best hits' most distinctive terms form a second query that
   * re-scores the leading candidates, so papers on the topic that word it differently rise.
   */
  private withFeedback(ranked: Ranked[], query: ParsedQuery): Ranked[] {
    const { feedbackDocs, feedbackTerms, feedbackWeight, feedbackDepth } = this.ranking;
    const best = ranked[0]?.score;
    if (!best) return ranked;
    const queryTerms = new Set(query.concepts.flatMap((c) => c.alternatives.flat()));
    const weights = new Map<string, number>();
    for (const r of ranked.slice(0, feedbackDocs)) {
      const { title, abstract } = this.analyzed.get(this.papers.get(r.id)!);
      const terms = [...title, ...title, ...abstract];
      for (const t of terms) weights.set(t, (weights.get(t) ?? 0) + r.score / best / terms.length);
    }
    const n = this.papers.size;
    const expansion = [...weights]
      .filter(([t]) => !queryTerms.has(t) && this.documentFrequency(t) > 1)
      .map(([t, w]) => [t, w * Math.log(1 + n / this.documentFrequency(t))] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, feedbackTerms);
    if (expansion.length === 0) return ranked;
    const boost = new Map(expansion);
    const head = ranked.slice(0, feedbackDepth);
    const feedback = head.map((r) => {
      const { title, abstract } = this.analyzed.get(this.papers.get(r.id)!);
      const tf = new Map<string, number>();
      for (const t of title) if (boost.has(t)) tf.set(t, (tf.get(t) ?? 0) + 2);
      for (const t of abstract) if (boost.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
      let score = 0;
      for (const [t, count] of tf) score += (boost.get(t)! * count) / (count + 1.2);
      return score;
    });
    const maxFeedback = Math.max(...feedback) || 1;
    head.forEach((r, i) => {
      r.score = ((1 - feedbackWeight) * r.score) / best + (feedbackWeight * feedback[i]!) / maxFeedback;
    });
    for (const r of ranked.slice(feedbackDepth)) r.score = ((1 - feedbackWeight) * r.score) / best;
    return ranked.sort(byScore);
  }

  /** The papers that have a concept, each with its best-scoring alternative. */
  private conceptHits(concept: Concept): Map<string, ConceptHit> {
    const out = new Map<string, ConceptHit>();
    for (const alternative of concept.alternatives) {
      for (const r of this.alternativeResults(alternative)) {
        // A concept counts once however many words spell it ("large language model" vs "llm").
        const score = r.score / alternative.length;
        const known = out.get(r.id as string);
        if (known && known.score >= score) continue;
        const fields = Object.values(r.match);
        const inTitle = alternative.length === 1 ? fields.some((f) => f.includes('title')) : alternative.every((t) => r.match[t]?.includes('title') ?? false);
        out.set(r.id as string, { score, inTitle, terms: r.terms, width: alternative.length });
      }
    }
    return out;
  }

  private alternativeResults(terms: string[]): SearchResult[] {
    if (terms.length > 1) return this.mini.search({ combineWith: 'AND', queries: terms });
    const term = terms[0]!;
    const { minFuzzyLength, fuzzy, maxFuzzy, fuzzyWeight, prefixMinLength, prefixWeight, truncateMinLength, truncateWeight } = this.ranking;
    // Prefix and truncation help find a rarer word's relatives; a common word has plenty of hits
    // already, and expanding it would cost the most time.
    const expand = this.documentFrequency(term) <= this.papers.size * this.ranking.expansionMaxShare;
    const exact = this.mini.search(term, { prefix: expand && term.length >= prefixMinLength, weights: { prefix: prefixWeight, fuzzy: 0 } });
    if (expand && term.length >= truncateMinLength && exact.length > 0) {
      // Truncation catches derivations the stemmer keeps apart (privacy/private, compiler/compilation).
      const derived = this.mini.search(term.slice(0, -2), { prefix: true, weights: { prefix: truncateWeight, fuzzy: 0 } });
      return mergeBest(exact, derived);
    }
    // A word the corpus never uses is most likely a typo: only then pay for fuzzy matching.
    if (exact.length > 0 || term.length < minFuzzyLength) return exact;
    return this.mini.search(term, { fuzzy, maxFuzzy, weights: { fuzzy: fuzzyWeight, prefix: 0 } });
  }

  private excludedIds(exclusions: string[][]): Set<string> {
    const out = new Set<string>();
    for (const terms of exclusions) {
      for (const r of this.mini.search({ combineWith: 'AND', queries: terms })) {
        if (terms.length === 1 || this.hasPhrases(r.id as string, [terms])) out.add(r.id as string);
      }
    }
    return out;
  }

  private hasPhrases(id: string, phrases: string[][]): boolean {
    const paper = this.papers.get(id)!;
    const title = analyzeWords(paper.title);
    const abstract = analyzeWords(paper.abstract);
    return phrases.every((p) => containsSequence(title, p) || containsSequence(abstract, p));
  }

  /**
   * A follow delivers a paper only if it is about the topic: the concepts it has strongly (in the
   * title, or recurring in the abstract) must carry at least minCoverage of the topic's weight.
   */
  private isAbout(r: Ranked, idf: number[]): boolean {
    const { minAbstractOccurrences, minCoverage } = this.matching;
    let abstract: string[] | undefined;
    let lead: Set<string> | undefined;
    let strong = 0;
    r.concepts.forEach((hit, i) => {
      if (!hit) return;
      if (!hit.inTitle) {
        const text = this.papers.get(r.id)!.abstract;
        abstract ??= analyze(text);
        // The opening sentence usually states what a paper is about.
        lead ??= new Set(analyze(firstSentence(text)));
        const wanted = new Set(hit.terms);
        const recurring = abstract.filter((t) => wanted.has(t)).length / hit.width >= minAbstractOccurrences;
        if (!recurring && !hit.terms.some((t) => lead!.has(t))) return;
      }
      strong += idf[i]!;
    });
    const total = idf.reduce((a, b) => a + b, 0) || 1;
    return strong / total >= minCoverage - 1e-9;
  }

  /** The paper's terms weighted by tf-idf (title terms count double), best first. */
  private distinctiveTerms(paper: Paper): Map<string, number> {
    const tf = new Map<string, number>();
    for (const t of analyze(paper.title)) tf.set(t, (tf.get(t) ?? 0) + 2);
    for (const t of analyze(paper.abstract)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const n = this.papers.size;
    const scored = [...tf].map(([term, count]) => {
      const df = this.documentFrequency(term);
      return [term, (1 + Math.log(count)) * Math.log(1 + n / Math.max(1, df))] as const;
    });
    scored.sort((a, b) => b[1] - a[1]);
    const top = scored.slice(0, this.similarity.terms).filter(([, w]) => w > 0);
    const max = top[0]?.[1] ?? 1;
    return new Map(top.map(([t, w]) => [t, w / max]));
  }

  private documentFrequency(term: string): number {
    return this.df.get(term) ?? 0;
  }
}

