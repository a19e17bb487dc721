import type { Paper } from '../types.js';
import { arxivSearchUrl, cleanText, paperId } from './normalize.js';
import type { ParsedFile } from './parsed.js';

/** Lines of the Hugging Face Daily Papers page chrome that precede the first title. */
const HEADER_LINES: RegExp[] = [
  /^new$/i,
  /^get trending papers\b/i,
  /^subscribe$/i,
  /^daily papers$/i,
  /^by\s*ak and the research community$/i,
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(, \d{4})?$/i,
];
/** In the compact layout the "Subscribe" button text is glued to the first title. */
const GLUED_SUBSCRIBE = /^Subscribe(?=\S)/;
/** A title longer than this is taken for an abstract out of place. */
export const MAX_TITLE_LENGTH = 300;
/** An abstract shorter than this is taken for a title out of place. */
export const MIN_ABSTRACT_LENGTH = 80;

interface Line {
  no: number;
  text: string;
}

/**
 * Parses a Daily Papers listing. Both layouts (blank-line separated, or one title line then one
 * abstract line) reduce to the same thing once blank lines and the page header are dropped:
 * title and abstract alternate.
 */
export function parseListing(fileName: string, text: string): ParsedFile {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = cleanText(raw);
    if (t) lines.push({ no: i + 1, text: t });
  });
  let start = 0;
  while (start < lines.length && HEADER_LINES.some((re) => re.test(lines[start]!.text))) start++;
  const first = lines[start];
  if (first && GLUED_SUBSCRIBE.test(first.text)) first.text = first.text.replace(GLUED_SUBSCRIBE, '');

  const papers: Paper[] = [];
  const warnings: string[] = [];
  let skippedLines = 0;
  let i = start;
  while (i < lines.length) {
    const title = lines[i]!;
    const abstract = lines[i + 1];
    if (title.text.length > MAX_TITLE_LENGTH) {
      warnings.push(`${fileName}:${title.no}: skipped a line that looks like an abstract without a title`);
      skippedLines++;
      i++;
      continue;
    }
    if (!abstract || (abstract.text.length < MIN_ABSTRACT_LENGTH && abstract.text.length <= title.text.length)) {
      warnings.push(`${fileName}:${title.no}: skipped title "${title.text.slice(0, 60)}" with no abstract after it`);
      skippedLines++;
      i++;
      continue;
    }
    papers.push({ id: paperId(title.text), title: title.text, abstract: abstract.text, url: arxivSearchUrl(title.text) });
    i += 2;
  }
  return { papers, warnings, skippedLines };
}
