import { createRequire } from 'node:module';
import type * as FastXml from 'fast-xml-parser';
import { ArxivError } from './errors.js';
import { arxivAbsUrl, isArxivCategory, parseArxivId } from './ids.js';

/** One paper as the export API describes it, normalized. */
export interface ArxivPaper {
  /** Without the version: `2401.12345`. */
  arxivId: string;
  version: number | null;
  /** Whitespace collapsed (arXiv wraps titles and abstracts at ~80 columns). */
  title: string;
  abstract: string;
  authors: string[];
  /** When version 1 was submitted (ISO 8601): what `sortBy=submittedDate` orders by. */
  published: string;
  /** When the latest version was submitted (ISO 8601). */
  updated: string;
  primaryCategory: string | null;
  /** Every category the paper is listed in, the primary one first. */
  categories: string[];
  /** `https://arxiv.org/abs/<arxivId>`. */
  url: string;
}

/** An entry the parser could not use, and why (for one warning line, not one per entry). */
export interface SkippedEntry {
  id: string;
  reason: string;
}

/** One page of an export-API answer. */
export interface ArxivPage {
  /** `opensearch:totalResults`, or null when the feed did not say. */
  totalResults: number | null;
  startIndex: number | null;
  /** How many entries the feed held, usable or not. */
  entryCount: number;
  papers: ArxivPaper[];
  skipped: SkippedEntry[];
}

const ARRAYS = new Set(['feed.entry', 'feed.entry.author', 'feed.entry.category', 'feed.entry.link']);

// Loaded on the first parse, not at start: most deployments never enable arXiv, and the parser
// costs about a tenth of a second of CPU to load.
let tools: { parser: FastXml.XMLParser; validate: typeof FastXml.XMLValidator.validate } | undefined;

function xmlTools(): NonNullable<typeof tools> {
  if (tools) return tools;
  const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXml;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // `arxiv:primary_category` -> `primary_category`, `opensearch:totalResults` -> `totalResults`:
    // the names are unique within the feed, and the parse no longer depends on the prefixes chosen.
    removeNSPrefix: true,
    // Keep every value a string: an id such as 2401.10000 must not become the number 2401.1.
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
    processEntities: { enabled: true, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  });
  tools = { parser, validate: (text, options) => XMLValidator.validate(text, options) };
  return tools;
}

/** Parses an export-API answer. Throws ArxivError for anything that is not a usable feed. */
export function parseArxivFeed(xml: string): ArxivPage {
  const { parser, validate } = xmlTools();
  const valid = validate(xml);
  if (valid !== true) {
    throw new ArxivError(`the answer is not well-formed XML (${valid.err.msg.slice(0, 120)} at line ${valid.err.line}); it may have been cut off`, 'malformed');
  }
  const doc = parser.parse(xml) as Record<string, unknown>;
  const feed = doc.feed;
  if (!isRecord(feed)) throw new ArxivError('the answer is XML but not an Atom feed', 'malformed');
  const entries = Array.isArray(feed.entry) ? feed.entry.filter(isRecord) : [];
  const apiError = errorEntry(entries);
  if (apiError !== null) throw new ArxivError(`the export API reported an error: ${apiError}`, 'api');

  const page: ArxivPage = {
    totalResults: count(feed.totalResults),
    startIndex: count(feed.startIndex),
    entryCount: entries.length,
    papers: [],
    skipped: [],
  };
  for (const entry of entries) {
    const paper = toPaper(entry);
    if ('reason' in paper) page.skipped.push(paper);
    else page.papers.push(paper);
  }
  return page;
}

/** The message of arXiv's error feed: a single entry titled "Error", the message in its summary. */
function errorEntry(entries: Record<string, unknown>[]): string | null {
  if (entries.length !== 1 || collapse(text(entries[0]!.title)) !== 'Error') return null;
  return collapse(text(entries[0]!.summary)) || 'no message';
}

function toPaper(entry: Record<string, unknown>): ArxivPaper | SkippedEntry {
  const rawId = collapse(text(entry.id));
  const skip = (reason: string): SkippedEntry => ({ id: rawId.slice(0, 80) || '(no id)', reason });
  const ident = parseArxivId(rawId);
  if (!ident) return skip('its id is not an arXiv abstract URL');
  const title = collapse(text(entry.title));
  if (!title) return skip('it has no title');
  const published = isoDate(text(entry.published));
  if (!published) return skip('it has no valid published date');
  const updated = isoDate(text(entry.updated)) ?? published;
  const primary = attr(entry.primary_category, 'term');
  // Category terms also carry MSC and ACM classes (68T07, I.2.7): keep arXiv's own categories only.
  const listed = (Array.isArray(entry.category) ? entry.category : []).map((c) => attr(c, 'term')).filter((t): t is string => t !== null && isArxivCategory(t));
  const categories = [...new Set(primary ? [primary, ...listed] : listed)];
  const authors = (Array.isArray(entry.author) ? entry.author : [])
    .map((a) => (isRecord(a) ? collapse(text(a.name)) : ''))
    .filter((name) => name !== '');
  return {
    arxivId: ident.id,
    version: ident.version,
    title,
    abstract: collapse(text(entry.summary)),
    authors,
    published,
    updated,
    primaryCategory: primary ?? categories[0] ?? null,
    categories,
    url: arxivAbsUrl(ident.id),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An element's text, whether the parser gave a string or an object with attributes. */
function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return '';
}

function attr(node: unknown, name: string): string | null {
  if (!isRecord(node)) return null;
  const value = node[`@_${name}`];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function count(node: unknown): number | null {
  const value = Number(collapse(text(node)));
  return text(node).trim() !== '' && Number.isInteger(value) && value >= 0 ? value : null;
}

function isoDate(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
