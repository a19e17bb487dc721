export { loadCorpus, type CorpusLoad } from './load.js';
export { parseCorpusFile, isCorpusFile, CORPUS_EXTENSIONS } from './parse-file.js';
export type { ParsedFile } from './parsed.js';
export { watchCorpus, DEFAULT_WATCH_DEBOUNCE_MS, type WatchOptions } from './watch.js';
export { normalizeTitle, paperId, arxivSearchUrl } from './normalize.js';
export { mergeDuplicates } from './merge.js';
