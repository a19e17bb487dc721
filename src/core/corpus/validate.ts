import type { Paper } from '../types.js';
import { arxivSearchUrl, cleanText, paperId } from './normalize.js';

/** Field limits shared by corpus files and fetched papers. */
export const PAPER_LIMITS = {
  /** A title longer than this is taken for an abstract out of place (or junk). */
  titleChars: 300,
  /** Real abstracts stay under 2,000 characters (arXiv's own limit); leave room for other sources. */
  abstractChars: 10_000,
  urlChars: 2_000,
  publishedChars: 40,
  authors: 500,
  authorChars: 200,
} as const;

/** What a corpus line or a source hands in, before it is trusted. */
export interface RawPaper {
  title: string;
  abstract: string;
  url?: string | undefined;
  published?: string | undefined;
  authors?: string[] | undefined;
}

export type Validated = { ok: true; paper: Paper } | { ok: false; reason: string };

// C0 and C1 controls other than tab, line feed and carriage return, the replacement character a
// bad UTF-8 sequence decodes to, noncharacters, and unpaired surrogates.
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** NOT_TEXT without the global flag, for a test that keeps no state between calls. */
const ANY_NOT_TEXT = new RegExp(NOT_TEXT.source, 'u');

/**
 * True when `s` reads as text: no control characters, and at most one replacement character per
 * 200 (a stray bad byte in an otherwise fine abstract is tolerated; random bytes are not).
 */
export function isText(s: string): boolean {
  if (!ANY_NOT_TEXT.test(s)) return true;
  let bad = 0;
  for (const m of s.matchAll(NOT_TEXT)) {
    if (m[0] !== '\uFFFD') return false;
    bad++;
  }
  return bad === 0 || bad * 200 <= s.length;
}

/** http(s) only: a `javascript:` or `data:` link must never reach a chat message. */
export function isSafeUrl(url: string): boolean {
  if (url.length > PAPER_LIMITS.urlChars || /\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * The one gate every paper passes, from a corpus file or a live source: whitespace cleaned, text
 * that is text, lengths bounded, links http(s). Returns the paper (id from the title) or why not.
 */
export function validatePaper(raw: RawPaper): Validated {
  const title = cleanText(raw.title);
  const abstract = cleanText(raw.abstract);
  if (!title) return { ok: false, reason: 'the title is empty' };
  if (title.length > PAPER_LIMITS.titleChars) return { ok: false, reason: `the title is longer than ${PAPER_LIMITS.titleChars} characters` };
  if (!isText(title)) return { ok: false, reason: 'the title is not text (control characters or undecodable bytes)' };
  if (abstract.length > PAPER_LIMITS.abstractChars) return { ok: false, reason: `the abstract is longer than ${PAPER_LIMITS.abstractChars} characters` };
  if (!isText(abstract)) return { ok: false, reason: 'the abstract is not text (control characters or undecodable bytes)' };
  if (raw.url !== undefined && !isSafeUrl(raw.url)) return { ok: false, reason: 'the url is not an http(s) link' };
  const paper: Paper = { id: paperId(title), title, abstract, url: raw.url ?? arxivSearchUrl(title) };
  if (raw.published !== undefined && raw.published !== '') {
    const published = cleanText(raw.published);
    if (published.length > PAPER_LIMITS.publishedChars || !isText(published)) return { ok: false, reason: 'the published date is not a short date' };
    paper.published = published;
  }
  if (raw.authors?.length) {
    if (raw.authors.length > PAPER_LIMITS.authors) return { ok: false, reason: `more than ${PAPER_LIMITS.authors} authors` };
    const authors = raw.authors.map(cleanText).filter(Boolean);
    if (authors.some((a) => a.length > PAPER_LIMITS.authorChars || !isText(a))) return { ok: false, reason: 'an author name is too long or not text' };
    if (authors.length) paper.authors = authors;
  }
  return { ok: true, paper };
}
