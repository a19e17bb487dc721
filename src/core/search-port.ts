import type { Paper } from './types.js';

export interface SearchHit {
  paper: Paper;
  score: number;
  /**
   * match() only: the topic's own words and phrases as this paper writes them ("diffusion",
   * "denoising"), the evidence it was delivered on; empty for a paper added by latent closeness.
   */
  matched?: string[];
}

/** A paper near another: the cosine of their latent vectors, and of their tf-idf word vectors. */
export interface Neighbour {
  paper: Paper;
  latent: number;
  words: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** How many papers match the query in all, for "Showing 6-10 of 42". */
  total: number;
  /** True when nothing matches and `hits` are the nearest few papers instead. */
  nearest?: boolean;
}

/** What commands and digests need from the in-memory paper index. */
export interface PaperSearch {
  readonly size: number;
  get(id: string): Paper | undefined;
  /** Ranked search; supports "exact phrases" and -exclusions. Throws UserError for an empty query. */
  search(query: string, options?: { limit?: number; offset?: number }): SearchPage;
  /** The papers most like the given one, best first, never including it. */
  similar(id: string, limit?: number): SearchHit[];
  /** Every paper a follow of this topic would deliver, best first (relevance-thresholded). */
  match(topic: string): SearchHit[];
  /** A paper's unit vector in the latent space, for follows that learn from ratings; absent or undefined: none. */
  paperVector?(id: string): Float32Array | undefined;
  /**
   * Papers whose latent cosine (from the corpus's mean paper) with the given one is at least `minLatent`, never itself, best
   * first, each with its word cosine too: what a follow by example (follows/by-example.ts) is built from.
   */
  neighbours(id: string, minLatent: number): Neighbour[];
  /** Adds papers not yet indexed (by id); returns those that were new. */
  add(papers: Paper[]): Paper[];
}
