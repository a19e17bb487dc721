export { loadCorpus, type CorpusLoad, type LoadOptions } from './load.js';
export { parseCorpusFile, readCorpusFile, isCorpusFile, CORPUS_EXTENSIONS, MAX_LINE_CHARS } from './parse-file.js';
export { validatePaper, isText, isSafeUrl, PAPER_LIMITS, type RawPaper, type Validated } from './validate.js';
export { MAX_WARNINGS_PER_FILE } from './parsed.js';
export type { ParsedFile } from './parsed.js';
export { watchCorpus, DEFAULT_WATCH_DEBOUNCE_MS, type WatchOptions } from './watch.js';
export { normalizeTitle, paperId, arxivSearchUrl, arxivPaperId, parseArxivId, arxivAbsUrl } from './normalize.js';
export { mergeDuplicates } from './merge.js';
export { inSlices, PAPERS_PER_SLICE } from './slices.js';
