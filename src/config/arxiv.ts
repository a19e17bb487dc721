import { validate as isCron } from 'node-cron';
import { z } from 'zod';
import { isArxivCategory } from '../core/sources/arxiv/ids.js';

function isZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `sources.arxiv` in config/default.yaml, which documents each option. */
export const arxivSettingsSchema = z.strictObject({
  apiUrl: z.url({ protocol: /^https?$/ }),
  categories: z.array(z.string().refine(isArxivCategory, 'expected arXiv categories such as cs.LG, stat.ML or hep-th')).max(30),
  schedule: z.string().refine((s) => isCron(s), 'expected a 5-field cron expression such as "0 21 * * 0-4"'),
  timeZone: z.string().refine(isZone, 'expected an IANA time zone such as America/New_York'),
  pageSize: z.int().min(10).max(2000),
  maxPagesPerCategory: z.int().min(1).max(500),
  marginDays: z.number().min(0).max(14),
  contact: z.string().max(200).regex(/^[^\r\n()]*$/, 'one line, without parentheses').nullable(),
});

export type ArxivSettings = z.infer<typeof arxivSettingsSchema>;

/** ARXIV_CATEGORIES: "cs.LG, cs.CL" -> ["cs.LG", "cs.CL"]; "none" or empty -> []. */
export function categoryList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return names.length === 1 && names[0]!.toLowerCase() === 'none' ? [] : [...new Set(names)];
}
