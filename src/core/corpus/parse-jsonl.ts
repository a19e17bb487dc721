import { z } from 'zod';
import { type LineParser, type ParsedFile, ParseResult } from './parsed.js';
import { validatePaper } from './validate.js';

const jsonlPaper = z.object({
  title: z.string(),
  abstract: z.string(),
  url: z.string().optional(),
  published: z.string().optional(),
  authors: z.array(z.string()).optional(),
});

/** One `{title, abstract, url?, published?, authors?}` object per line; bad lines are skipped. */
export function jsonlParser(fileName: string): LineParser {
  const out = new ParseResult(fileName);
  return {
    line(raw, no) {
      if (!raw.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        out.skip(no, `skipped line that is not valid JSON (${(err as Error).message.slice(0, 120)})`);
        return;
      }
      const parsed = jsonlPaper.safeParse(value);
      if (!parsed.success) {
        const why = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
        out.skip(no, `skipped line that is not a paper (${why.slice(0, 200)})`);
        return;
      }
      const checked = validatePaper(parsed.data);
      if (!checked.ok) out.skip(no, `skipped line: ${checked.reason}`);
      else out.papers.push(checked.paper);
    },
    skip: (no, why) => out.skip(no, why),
    end: () => out.done(),
  };
}

export function parseJsonl(fileName: string, text: string): ParsedFile {
  const parser = jsonlParser(fileName);
  text.split(/\r?\n/).forEach((line, i) => parser.line(line, i + 1));
  return parser.end();
}
