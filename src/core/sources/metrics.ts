/** What the source machinery reports; the app backs it with prom-client. */
export interface SourceMetrics {
  /** Papers a fetch brought back (before validation and dedupe). */
  fetched(source: string, papers: number): void;
  failed(source: string): void;
  succeeded(source: string, at: Date): void;
}

export const noSourceMetrics: SourceMetrics = { fetched() {}, failed() {}, succeeded() {} };
