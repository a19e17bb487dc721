import { z } from 'zod';
import { parseArxivId } from '../corpus/normalize.js';
import { getJson, type HttpOptions } from './http.js';
import { SourceError, type FetchBatch, type FetchedPaper, type FetchWindow, type PaperSource } from './source.js';

export interface HuggingFaceOptions extends HttpOptions {
  /** API base, e.g. https://huggingface.co (no trailing /api). */
  apiUrl: string;
  /** Papers per request (`limit`, at most 100). */
  pageSize: number;
  /** Pages (`p`, from 0) read per day at most. */
  maxPages: number;
}

// Only what Paperboy uses; other fields (thumbnail, numComments, submittedBy, ...) may come and go.
const item = z.object({
  paper: z.object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    authors: z.array(z.object({ name: z.string() }).loose()).optional(),
    publishedAt: z.string().optional(),
    upvotes: z.number().optional(),
  }).loose(),
  title: z.string().optional(),
  publishedAt: z.string().optional(),
}).loose();

/** The UTC days from `since` to `until`, oldest first, as YYYY-MM-DD. */
export function daysBetween(window: FetchWindow): string[] {
  const days: string[] = [];
  const day = new Date(Date.UTC(window.since.getUTCFullYear(), window.since.getUTCMonth(), window.since.getUTCDate()));
  while (day.getTime() <= window.until.getTime()) {
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/** Reads one Daily Papers response: a JSON array of items, each with a `paper`. */
export function readDailyPapers(payload: unknown): { papers: FetchedPaper[]; skipped: string[] } {
  if (!Array.isArray(payload)) throw new SourceError(`expected a JSON array of papers, got ${payload === null ? 'null' : typeof payload}`, false);
  const papers: FetchedPaper[] = [];
  const skipped: string[] = [];
  payload.forEach((raw, i) => {
    const parsed = item.safeParse(raw);
    if (!parsed.success) {
      skipped.push(`item ${i}: not a paper (${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ').slice(0, 200)})`);
      return;
    }
    const p = parsed.data.paper;
    const arxivId = parseArxivId(p.id);
    if (!arxivId) {
      skipped.push(`item ${i}: paper id ${JSON.stringify(p.id.slice(0, 40))} is not an arXiv id`);
      return;
    }
    const paper: FetchedPaper = { arxivId, title: p.title || parsed.data.title || '', abstract: p.summary };
    const authors = p.authors?.map((a) => a.name).filter(Boolean);
    if (authors?.length) paper.authors = authors;
    const published = p.publishedAt ?? parsed.data.publishedAt;
    if (published) paper.published = published.slice(0, 10);
    if (p.upvotes !== undefined && Number.isInteger(p.upvotes) && p.upvotes >= 0) paper.upvotes = p.upvotes;
    papers.push(paper);
  });
  return { papers, skipped };
}

/** Hugging Face Daily Papers: `GET {apiUrl}/api/daily_papers?date=YYYY-MM-DD&limit=N&p=K`, a day at a time. */
export function createHuggingFaceSource(options: HuggingFaceOptions): PaperSource {
  const base = options.apiUrl.replace(/\/+$/, '');
  return {
    name: 'huggingface',
    async *fetch(window, signal): AsyncIterable<FetchBatch> {
      for (const day of daysBetween(window)) {
        for (let page = 0; page < options.maxPages; page++) {
          const url = `${base}/api/daily_papers?date=${day}&limit=${options.pageSize}&p=${page}`;
          let payload: unknown;
          let read: ReturnType<typeof readDailyPapers>;
          try {
            payload = await getJson(url, options, signal);
            read = readDailyPapers(payload);
          } catch (err) {
            if (err instanceof SourceError) throw new SourceError(`${day} page ${page}: ${err.message}`, err.transient, err.retryAfterSeconds);
            throw err;
          }
          const { papers, skipped } = read;
          yield { label: `${day} page ${page}`, papers, skipped };
          // A short page is the last one.
          if ((payload as unknown[]).length < options.pageSize) break;
        }
      }
    },
  };
}
