export type { FetchBatch, FetchedPaper, FetchWindow, PaperSource } from './source.js';
export { SourceError } from './source.js';
export { createHuggingFaceSource, readDailyPapers, daysBetween } from './huggingface.js';
export { ingestBatch, withStoredPapers, type IngestResult } from './ingest.js';
export { createSourceRunner, type SourceRunner, type FetchOutcome } from './runner.js';
export { createSources, sourceFactories, type SourcesConfig } from './registry.js';
export { sourceStatuses, describeSource, type SourceStatus } from './status.js';
export { noSourceMetrics, type SourceMetrics } from './metrics.js';
