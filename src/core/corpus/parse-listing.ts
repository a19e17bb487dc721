import { cleanText } from './normalize.js';
import { type LineParser, type ParsedFile, ParseResult } from './parsed.js';
import { isText, PAPER_LIMITS, validatePaper } from './validate.js';

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
export const MAX_TITLE_LENGTH = PAPER_LIMITS.titleChars;
/** An abstract shorter than this is taken for a title out of place. */
export const MIN_ABSTRACT_LENGTH = 80;
/** An abstract is prose: at least this many words of two or more letters (a stray run of bytes is not). */
const MIN_ABSTRACT_WORDS = 3;
const isProse = (text: string) => (text.match(/\p{L}{2,}/gu)?.length ?? 0) >= MIN_ABSTRACT_WORDS;

/**
 * Parses a Daily Papers listing line by line. Both layouts (blank-line separated, or one title
 * line then one abstract line) reduce to the same thing once blank lines and the page header are
 * dropped: title and abstract alternate.
 */
export function listingParser(fileName: string): LineParser {
  const out = new ParseResult(fileName);
  let inHeader = true;
  let title: { no: number; text: string } | undefined;

  const startTitle = (no: number, text: string) => {
    if (text.length > MAX_TITLE_LENGTH) out.skip(no, 'skipped a line that looks like an abstract without a title');
    else title = { no, text };
  };

  return {
    line(raw, no) {
      let text = cleanText(raw);
      if (!text) return;
      if (inHeader) {
        if (HEADER_LINES.some((re) => re.test(text))) return;
        inHeader = false;
        text = text.replace(GLUED_SUBSCRIBE, '');
      }
      if (!isText(text)) {
        if (title) out.skip(title.no, `skipped title "${title.text.slice(0, 60)}" followed by a line that is not text`);
        title = undefined;
        out.skip(no, 'skipped a line that is not text (control characters or undecodable bytes)');
        return;
      }
      if (!title) return startTitle(no, text);
      if ((text.length < MIN_ABSTRACT_LENGTH && text.length <= title.text.length) || !isProse(text)) {
        out.skip(title.no, `skipped title "${title.text.slice(0, 60)}" with no abstract after it`);
        title = undefined;
        return startTitle(no, text);
      }
      const checked = validatePaper({ title: title.text, abstract: text });
      if (checked.ok) out.papers.push(checked.paper);
      else out.skip(title.no, `skipped "${title.text.slice(0, 60)}": ${checked.reason}`);
      title = undefined;
    },
    skip: (no, why) => out.skip(no, why),
    end() {
      if (title) out.skip(title.no, `skipped title "${title.text.slice(0, 60)}" with no abstract after it`);
      title = undefined;
      return out.done();
    },
  };
}

export function parseListing(fileName: string, text: string): ParsedFile {
  const parser = listingParser(fileName);
  text.split(/\r?\n/).forEach((line, i) => parser.line(line, i + 1));
  return parser.end();
}
