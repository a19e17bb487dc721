import Database from 'better-sqlite3';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import { PaperIndex } from '../../src/core/search/index.js';
import type { Paper } from '../../src/core/types.js';

/** One search engine under evaluation: ranked ids for a query, and the set a topic follow delivers. */
export interface Engine {
  name: string;
  search(query: string, limit: number): string[];
  /** Baselines deliver a keyword alert: every paper containing every query term. */
  match(topic: string): string[];
  /** True when the engine tells the user nothing matches (engines without that notion leave it out). */
  nothingMatches?(query: string): boolean;
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

export function paperboyEngine(papers: Paper[]): Engine {
  const index = new PaperIndex(papers);
  return {
    name: 'Paperboy',
    search: (q, limit) => index.search(q, { limit }).hits.map((h) => h.paper.id),
    match: (topic) => index.match(topic).map((h) => h.paper.id),
    nothingMatches: (q) => index.search(q, { limit: 1 }).nearest === true || index.search(q, { limit: 1 }).total === 0,
  };
}

/** minisearch as its README configures it: title and abstract, title boosted 2. */
export function minisearchDefaultsEngine(papers: Paper[]): Engine {
  const ms = new MiniSearch<Paper>({ fields: ['title', 'abstract'] });
  ms.addAll(papers);
  return {
    name: 'minisearch defaults',
    search: (q, limit) => ms.search(q, { boost: { title: 2 } }).slice(0, limit).map((r) => r.id as string),
    match: (topic) => ms.search(topic, { combineWith: 'AND' }).map((r) => r.id as string),
  };
}

/** SQLite FTS5 with the porter tokenizer, ranked by bm25 with the title weighted 2. */
export function fts5Engine(papers: Paper[]): Engine {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE papers USING fts5(id UNINDEXED, title, abstract, tokenize = 'porter unicode61')`);
  const insert = db.prepare('INSERT INTO papers (id, title, abstract) VALUES (?, ?, ?)');
  db.transaction(() => papers.forEach((p) => insert.run(p.id, p.title, p.abstract)))();
  const ranked = db.prepare(`SELECT id FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 0, 2.0, 1.0) LIMIT ?`);
  const quoted = (q: string) => words(q).map((w) => `"${w}"`);
  return {
    name: 'SQLite FTS5 bm25',
    search: (q, limit) => {
      const terms = quoted(q);
      return terms.length ? (ranked.all(terms.join(' OR '), limit) as { id: string }[]).map((r) => r.id) : [];
    },
    match: (topic) => {
      const terms = quoted(topic);
      return terms.length ? (ranked.all(terms.join(' AND '), 1e9) as { id: string }[]).map((r) => r.id) : [];
    },
  };
}

/** lunr with its default English pipeline (stemmer, stop words), title boosted 2. */
export function lunrEngine(papers: Paper[]): Engine {
  const idx = lunr(function () {
    this.ref('id');
    this.field('title', { boost: 2 });
    this.field('abstract');
    papers.forEach((p) => this.add(p));
  });
  const run = (q: string, presence: lunr.Query.presence) =>
    idx.query((query) => {
      for (const w of words(q)) query.term(w, { presence });
    });
  return {
    name: 'lunr',
    search: (q, limit) => run(q, lunr.Query.presence.OPTIONAL).slice(0, limit).map((r) => r.ref),
    match: (topic) => run(topic, lunr.Query.presence.REQUIRED).map((r) => r.ref),
  };
}
