export { PaperIndex } from './paper-index.js';
export {
  DEFAULT_RANKING, DEFAULT_MATCH, DEFAULT_SIMILAR,
  type PaperIndexOptions, type RankingOptions, type MatchOptions, type SimilarOptions,
} from './options.js';
export { parseQuery, QUERY_SYNTAX_HINT, type ParsedQuery, type Concept } from './query.js';
export { analyze, tokenize } from './analyze.js';
