/** Ranking knobs. General settings for any corpus, never tuned to particular queries. */
export interface RankingOptions {
  /** How much a title match counts against an abstract match in BM25. */
  titleBoost: number;
  bm25: { k: number; b: number; d: number };
  /** score *= coverage^this, where coverage is the idf-weighted share of query concepts a paper has. */
  coverageExponent: number;
  /** score *= 1 + this * (idf-weighted share of concepts found in the title). */
  titleCoverageBoost: number;
  /** Fuzzy matching is tried only for terms of at least this length that the index does not know. */
  minFuzzyLength: number;
  /** Edit distance allowed, as a fraction of the term length (capped by maxFuzzy). */
  fuzzy: number;
  maxFuzzy: number;
  /** Weight of a fuzzy match against an exact one. */
  fuzzyWeight: number;
  /** Query terms at least this long also match words they begin ("math" finds "mathematics"). */
  prefixMinLength: number;
  /** Weight of a prefix match against an exact one. */
  prefixWeight: number;
  /** Query terms at least this long also match words sharing all but their last two letters ("privacy" finds "private"). */
  truncateMinLength: number;
  /** Weight of such a truncated match. */
  truncateWeight: number;
  /** Prefix and truncated matches count only where the latent space, if it knows both words, puts them at least this close (-1 turns the variant checks off)... */
  variantMinSimilarity: number;
  /** ...and papers use the two together at least this many times as often as chance would. */
  variantMinLift: number;
  /** Two rare word forms of one stem ("organ", "organization") count as one word only if some paper uses both and the centroids of their papers' latent vectors have at least this cosine. */
  formMinSimilarity: number;
  /** score *= 1 + this * (share of neighbouring query concepts that stand side by side in the paper). */
  proximityBoost: number;
  /** A query of at least this many concepts reads as a sentence: passage evidence counts for it, related terms do not. */
  sentenceConcepts: number;
  /** For a sentence query: score *= 1 + this * (largest idf-weighted share of its concepts within one passage)^2. */
  passageBoost: number;
  /** A passage: this many consecutive index terms. */
  passageWindow: number;
  /** For a short query, a rarer term also matches up to this many terms the latent space puts closest (0 turns it off)... */
  relatedTerms: number;
  /** ...whose cosine with it is at least this... */
  relatedMinSimilarity: number;
  /** ...weighted this much, times that cosine, against an exact match. */
  relatedWeight: number;
  /** How many of the best hits get the proximity check (it reads their text). */
  proximityDepth: number;
  /** Prefix and truncation matching are used only for terms in at most this share of papers. */
  expansionMaxShare: number;
  /** How many leading candidates the feedback query re-scores. */
  feedbackDepth: number;
  /** Pseudo-relevance feedback: terms taken from the best hits and added to the query (0 turns it off). */
  feedbackTerms: number;
  /** How many of the best hits feed those terms. */
  feedbackDocs: number;
  /** Share of the final score that comes from the feedback query. */
  feedbackWeight: number;
  /** Hits scoring below this fraction of the best hit are dropped from results. */
  minRelativeScore: number;
  /** A search result matches only if the query's own words it has carry at least this share of the query's weight. */
  searchMinCoverage: number;
  /** ...or this share for a sentence-long query (see sentenceConcepts). */
  sentenceMinCoverage: number;
  /** Share of the final score from latent-semantic similarity (0 turns the semantic space off). */
  semanticWeight: number;
  /** Dimensions of the latent semantic space. */
  semanticDims: number;
  /** The semantic projection is fitted on at most this many papers; the rest are folded in. */
  semanticSample: number;
  /** The semantic query is the query's own vector plus the centroid of this many best lexical hits. */
  semanticFeedbackDocs: number;
  /** Weight of the query's own latent vector against the centroid of the best hits (which weighs 1). */
  semanticQueryWeight: number;
  /** Papers matching no query word may still enter the results if among this many semantically nearest. */
  semanticCandidates: number;
}

/** When a follow of a topic delivers a paper. */
export interface MatchOptions {
  /** A paper must score at least this fraction of the best paper for the topic. */
  minRelativeScore: number;
  /** The idf-weighted share of the topic's concepts a paper must have strongly (see minAbstractOccurrences). */
  minCoverage: number;
  /** A concept counts as strong if it is in the title or the abstract's first sentence, or occurs at least this many times in the abstract. */
  minAbstractOccurrences: number;
  /** ...and, for a topic of several concepts, concepts carrying that share stand within this many consecutive terms (of the title followed by the abstract). */
  proximityWindow: number;
  /** A paper failing the coverage rule is still delivered if its latent cosine with the confident hits' centroid is at least this share of theirs (0 turns this off). */
  minSemanticSimilarity: number;
  /** ...and it scores at least this fraction of the best paper lexically. */
  semanticMinRelativeScore: number;
  /** How many of the best confident hits make up that centroid. */
  centroidDocs: number;
}

export interface SimilarOptions {
  /** How many of the paper's most distinctive terms make up the more-like-this query. */
  terms: number;
}

export interface PaperIndexOptions {
  ranking?: Partial<RankingOptions>;
  match?: Partial<MatchOptions>;
  similar?: Partial<SimilarOptions>;
}

export const DEFAULT_RANKING: RankingOptions = {
  titleBoost: 2,
  bm25: { k: 1.2, b: 0.75, d: 0.5 },
  coverageExponent: 2,
  titleCoverageBoost: 0.5,
  minFuzzyLength: 5,
  fuzzy: 0.2,
  maxFuzzy: 2,
  fuzzyWeight: 0.6,
  prefixMinLength: 4,
  prefixWeight: 0.5,
  truncateMinLength: 7,
  truncateWeight: 0.5,
  variantMinSimilarity: 0.3,
  variantMinLift: 2,
  formMinSimilarity: 0.5,
  proximityBoost: 1,
  proximityDepth: 30,
  sentenceConcepts: 6,
  passageBoost: 2,
  passageWindow: 20,
  relatedTerms: 3,
  relatedMinSimilarity: 0.8,
  relatedWeight: 0.4,
  expansionMaxShare: 0.1,
  feedbackDepth: 30,
  feedbackTerms: 20,
  feedbackDocs: 10,
  feedbackWeight: 0.3,
  minRelativeScore: 0.05,
  searchMinCoverage: 0.5,
  sentenceMinCoverage: 0.3,
  semanticWeight: 0.25,
  semanticDims: 48,
  semanticSample: 4000,
  semanticFeedbackDocs: 5,
  semanticQueryWeight: 0,
  semanticCandidates: 20,
};

export const DEFAULT_MATCH: MatchOptions = {
  minRelativeScore: 0.2,
  minCoverage: 0.65,
  minAbstractOccurrences: 2,
  proximityWindow: 8,
  minSemanticSimilarity: 0.7,
  semanticMinRelativeScore: 0.15,
  centroidDocs: 10,
};

export const DEFAULT_SIMILAR: SimilarOptions = { terms: 15 };

const KNOWN: Record<string, readonly string[]> = {
  '': ['ranking', 'match', 'similar'],
  ranking: Object.keys(DEFAULT_RANKING),
  match: Object.keys(DEFAULT_MATCH),
  similar: Object.keys(DEFAULT_SIMILAR),
};

/** Rejects misspelt options instead of silently ignoring them. */
export function checkOptions(options: PaperIndexOptions): void {
  const check = (group: string, value: object | undefined) => {
    for (const key of Object.keys(value ?? {})) {
      if (!KNOWN[group]!.includes(key)) {
        throw new Error(`PaperIndex: unknown option "${group ? `${group}.` : ''}${key}"; known: ${KNOWN[group]!.join(', ')}`);
      }
    }
  };
  check('', options);
  check('ranking', options.ranking);
  check('match', options.match);
  check('similar', options.similar);
}
