import { z } from 'zod';
import type { Paper } from '../types.js';
import { arxivSearchUrl, cleanText, paperId } from './normalize.js';
import type { ParsedFile } from './parsed.js';

const jsonlPaper = z.object({
  title: z.string().trim().min(1, 'title must not be empty'),
  abstract: z.string(),
  url: z.url().optional(),
  published: z.string().optional(),
  authors: z.array(z.string()).optional(),
});

/** One `{title, abstract, url?, published?, authors?}` object per line; bad lines are skipped. */
export function parseJsonl(fileName: string, text: string): ParsedFile {
  const papers: Paper[] = [];
  const warnings: string[] = [];
  let skippedLines = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${fileName}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      warnings.push(`${where}: skipped line that is not valid JSON (${(err as Error).message})`);
      skippedLines++;
      return;
    }
    const parsed = jsonlPaper.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
      warnings.push(`${where}: skipped line that is not a paper (${why})`);
      skippedLines++;
      return;
    }
    const { title, abstract, url, published, authors } = parsed.data;
    const clean = cleanText(title);
    const paper: Paper = { id: paperId(clean), title: clean, abstract: cleanText(abstract), url: url ?? arxivSearchUrl(clean) };
    if (published) paper.published = published;
    if (authors?.length) paper.authors = authors;
    papers.push(paper);
  });
  return { papers, warnings, skippedLines };
}
