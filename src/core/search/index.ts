export { PaperIndex } from './paper-index.js';
export {
  DEFAULT_RANKING, DEFAULT_MATCH, DEFAULT_SIMILAR,
  type PaperIndexOptions, type RankingOptions, type MatchOptions, type SimilarOptions,
} from './options.js';
export { parseQuery, QUERY_SYNTAX_HINT, type ParsedQuery, type Concept } from './query.js';
export { analyze, tokenize } from './analyze.js';
export { openIndex, readIndexSnapshot, createSnapshotWriter, SNAPSHOT_DELAY_MS, type OpenedIndex, type OpenIndexDeps } from './index-startup.js';
export { saveIndexSnapshot, loadIndexSnapshot, SNAPSHOT_FILE, SNAPSHOT_FORMAT } from './snapshot.js';
export { createWorkerFitter, type LatentFitter } from './latent-fitter.js';
