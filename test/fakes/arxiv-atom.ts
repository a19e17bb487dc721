/**
 * Writes export-API answers in the shape arXiv sends: Atom 1.0, opensearch counts, arXiv
 * extension elements with their namespace declared on each element (the classic service) or
 * once on the feed (`rootNamespaces`), titles and abstracts hard-wrapped with indentation.
 */

export interface FakeArxivPaper {
  /** Without version, e.g. 2401.12345 or hep-th/9901001. */
  id: string;
  version?: number;
  title: string;
  abstract: string;
  authors: string[];
  /** ISO date of version 1. */
  published: string;
  updated?: string;
  primary: string;
  /** Cross-lists, besides the primary category. */
  crossLists?: string[];
  comment?: string;
  doi?: string;
}

const OPENSEARCH = 'http://a9.com/-/spec/opensearch/1.1/';
const ARXIV = 'http://arxiv.org/schemas/atom';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Hard-wraps at ~78 columns the way arXiv's titles and abstracts arrive. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 78) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

function stamp(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ns(name: string, uri: string, rootNamespaces: boolean): string {
  return rootNamespaces ? '' : ` xmlns:${name}="${uri}"`;
}

export function atomEntry(p: FakeArxivPaper, rootNamespaces = false): string {
  const v = `${p.id}v${p.version ?? 1}`;
  const a = ns('arxiv', ARXIV, rootNamespaces);
  const lines = [
    '  <entry>',
    `    <id>http://arxiv.org/abs/${v}</id>`,
    `    <updated>${stamp(p.updated ?? p.published)}</updated>`,
    `    <published>${stamp(p.published)}</published>`,
    `    <title>${wrap(escapeXml(p.title), '  ')}</title>`,
    `    <summary>  ${wrap(escapeXml(p.abstract), '')}\n</summary>`,
    ...p.authors.map((name) => `    <author>\n      <name>${escapeXml(name)}</name>\n    </author>`),
    ...(p.doi ? [`    <arxiv:doi${a}>${escapeXml(p.doi)}</arxiv:doi>`, `    <link title="doi" href="http://dx.doi.org/${escapeXml(p.doi)}" rel="related"/>`] : []),
    ...(p.comment ? [`    <arxiv:comment${a}>${wrap(escapeXml(p.comment), '  ')}</arxiv:comment>`] : []),
    `    <link href="http://arxiv.org/abs/${v}" rel="alternate" type="text/html"/>`,
    `    <link title="pdf" href="http://arxiv.org/pdf/${v}" rel="related" type="application/pdf"/>`,
    `    <arxiv:primary_category${a} term="${p.primary}" scheme="${ARXIV}"/>`,
    ...[p.primary, ...(p.crossLists ?? [])].map((c) => `    <category term="${c}" scheme="${ARXIV}"/>`),
    '  </entry>',
  ];
  return lines.join('\n');
}

export interface FeedOptions {
  query: string;
  start: number;
  maxResults: number;
  totalResults: number;
  rootNamespaces?: boolean;
}

export function atomFeed(entries: string[], o: FeedOptions): string {
  const root = o.rootNamespaces ?? false;
  const os = ns('opensearch', OPENSEARCH, root);
  const echo = `search_query=${o.query}&id_list=&start=${o.start}&max_results=${o.maxResults}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    root ? `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="${OPENSEARCH}" xmlns:arxiv="${ARXIV}">` : '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <link href="http://arxiv.org/api/query?${escapeXml(encodeURIComponent(echo))}" rel="self" type="application/atom+xml"/>`,
    `  <title type="html">ArXiv Query: ${escapeXml(echo)}</title>`,
    '  <id>http://arxiv.org/api/3Lm0bQ9tJbTTlN8kHqrYw2mZQ1c</id>',
    '  <updated>2024-01-24T00:00:00-05:00</updated>',
    `  <opensearch:totalResults${os}>${o.totalResults}</opensearch:totalResults>`,
    `  <opensearch:startIndex${os}>${o.start}</opensearch:startIndex>`,
    `  <opensearch:itemsPerPage${os}>${o.maxResults}</opensearch:itemsPerPage>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** arXiv's answer to a query it cannot run: a feed with one entry titled "Error". */
export function errorFeed(message: string): string {
  const anchor = `http://arxiv.org/api/errors#${message.replace(/\W+/g, '_')}`;
  const os = ns('opensearch', OPENSEARCH, false);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    '  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>',
    '  <title type="html">ArXiv Query: search_query=&amp;id_list=&amp;start=0&amp;max_results=10</title>',
    '  <id>http://arxiv.org/api/Rq8BVpNw0m1eBkSNbiHj3cLz1XU</id>',
    '  <updated>2024-01-24T00:00:00-05:00</updated>',
    `  <opensearch:totalResults${os}>1</opensearch:totalResults>`,
    `  <opensearch:startIndex${os}>0</opensearch:startIndex>`,
    `  <opensearch:itemsPerPage${os}>1</opensearch:itemsPerPage>`,
    '  <entry>',
    `    <id>${anchor}</id>`,
    '    <title>Error</title>',
    `    <summary>${escapeXml(message)}</summary>`,
    '    <updated>2024-01-24T00:00:00-05:00</updated>',
    `    <link href="${anchor}" rel="alternate" type="text/html"/>`,
    '    <author>',
    '      <name>arXiv api core</name>',
    '    </author>',
    '  </entry>',
    '</feed>',
    '',
  ].join('\n');
}

/** The HTML page a proxy in front of the export API answers with when it is overloaded. */
export const html503 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>503 Service Unavailable</title>
</head><body>
<h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your
request due to maintenance downtime or capacity
problems. Please try again later.</p>
</body></html>
`;
