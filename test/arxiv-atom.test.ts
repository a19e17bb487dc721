import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArxivError, isArxivCategory, parseArxivFeed, parseArxivId } from '../src/core/sources/arxiv/index.js';
import { atomEntry, atomFeed, errorFeed, html503 } from './fakes/arxiv-atom.js';
import { arxivPaper } from './fakes/arxiv.js';

const recorded = readFileSync(new URL('./fixtures/arxiv/cs-LG-page.xml', import.meta.url), 'utf8');

function failure(xml: string): ArxivError {
  try {
    parseArxivFeed(xml);
  } catch (err) {
    if (err instanceof ArxivError) return err;
    throw err;
  }
  throw new Error('expected the feed to be refused');
}

describe('parseArxivFeed', () => {
  it('reads a recorded-shape page into normalized records', () => {
    const page = parseArxivFeed(recorded);
    expect(page.totalResults).toBe(214873);
    expect(page.startIndex).toBe(0);
    expect(page.skipped).toEqual([]);
    expect(page.papers).toHaveLength(3);
    expect(page.papers[0]).toEqual({
      arxivId: '2401.13002',
      version: 2,
      title: 'Sparse Attention with $\\mathcal{O}(n \\log n)$ Cost: Routing Tokens through Learned Buckets',
      abstract:
        'Attention costs grow with the square of the sequence length. We route tokens into learned buckets & attend only within them, which keeps quality within 0.3 points of dense attention on <b>long-range</b> benchmarks while cutting cost to $\\mathcal{O}(n \\log n)$.',
      authors: ['Mira Okafor', 'Jonas Lindqvist', 'Wei Zhang'],
      published: '2024-01-23T18:59:58.000Z',
      updated: '2024-01-23T20:41:09.000Z',
      primaryCategory: 'cs.LG',
      categories: ['cs.LG', 'cs.CL'],
      url: 'https://arxiv.org/abs/2401.13002',
    });
  });

  it('keeps numeric-looking titles and ids as text, and reads old-style ids', () => {
    const [, numeric, old] = parseArxivFeed(recorded).papers;
    expect(numeric).toMatchObject({ arxivId: '2401.12977', version: 1, title: '1984', primaryCategory: 'stat.ML', categories: ['stat.ML', 'cs.LG'] });
    expect(old).toMatchObject({ arxivId: 'math/0309136', version: 3, url: 'https://arxiv.org/abs/math/0309136' });
  });

  it('keeps the trailing zero of an id such as 2401.10000', () => {
    const xml = atomFeed([atomEntry(arxivPaper('2401.10000', '2024-01-20T10:00:00Z'))], { query: 'cat:cs.LG', start: 0, maxResults: 10, totalResults: 1 });
    expect(parseArxivFeed(xml).papers[0]!.arxivId).toBe('2401.10000');
  });

  it('reads feeds whose namespaces are declared once on the root', () => {
    const entries = [atomEntry(arxivPaper('2401.00001', '2024-01-20T10:00:00Z', { crossLists: ['cs.AI'] }), true)];
    const page = parseArxivFeed(atomFeed(entries, { query: 'cat:cs.LG', start: 0, maxResults: 10, totalResults: 1, rootNamespaces: true }));
    expect(page.totalResults).toBe(1);
    expect(page.papers[0]).toMatchObject({ arxivId: '2401.00001', primaryCategory: 'cs.LG', categories: ['cs.LG', 'cs.AI'] });
  });

  it('reads an empty result as no papers', () => {
    const page = parseArxivFeed(atomFeed([], { query: 'cat:cs.XX', start: 0, maxResults: 10, totalResults: 0 }));
    expect(page).toMatchObject({ totalResults: 0, entryCount: 0, papers: [], skipped: [] });
  });

  it('turns the error feed into an error carrying its message', () => {
    const err = failure(errorFeed('incorrect id format for 1234.56789'));
    expect(err.failure).toBe('api');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('arXiv: the export API reported an error: incorrect id format for 1234.56789');
  });

  it('refuses truncated XML, HTML and XML that is not a feed', () => {
    const whole = atomFeed([atomEntry(arxivPaper('2401.00001', '2024-01-20T10:00:00Z'))], { query: 'cat:cs.LG', start: 0, maxResults: 10, totalResults: 1 });
    for (const cut of [whole.slice(0, whole.indexOf('</summary>')), whole.slice(0, -10), '']) {
      const err = failure(cut);
      expect(err.failure).toBe('malformed');
      expect(err.retryable).toBe(true);
    }
    expect(failure(html503).failure).toBe('malformed');
    expect(failure('<html><body><p>Welcome</p></body></html>').message).toMatch(/not an Atom feed/);
  });

  it('skips entries it cannot use and says why, keeping the rest', () => {
    const good = atomEntry(arxivPaper('2401.00002', '2024-01-20T10:00:00Z'));
    const noTitle = atomEntry(arxivPaper('2401.00003', '2024-01-20T10:00:00Z', { title: '   ' }));
    const badId = atomEntry(arxivPaper('2401.00004', '2024-01-20T10:00:00Z')).replace('http://arxiv.org/abs/2401.00004v1</id>', 'urn:nonsense</id>');
    const badDate = atomEntry(arxivPaper('2401.00005', '2024-01-20T10:00:00Z')).replace('<published>2024-01-20T10:00:00Z', '<published>yesterday');
    const page = parseArxivFeed(atomFeed([good, noTitle, badId, badDate], { query: 'cat:cs.LG', start: 0, maxResults: 10, totalResults: 4 }));
    expect(page.papers.map((p) => p.arxivId)).toEqual(['2401.00002']);
    expect(page.entryCount).toBe(4);
    expect(page.skipped.map((s) => s.reason)).toEqual(['it has no title', 'its id is not an arXiv abstract URL', 'it has no valid published date']);
  });

  it('does not expand entities without bound', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</title></feed>`;
    let outcome: unknown;
    try {
      outcome = parseArxivFeed(bomb);
    } catch (err) {
      outcome = err;
    }
    // Either refused or parsed with the expansion capped; never hundreds of megabytes.
    expect(JSON.stringify(outcome ?? null).length).toBeLessThan(2_000_000);
  });
});

describe('arXiv ids and categories', () => {
  it('reads ids with and without version, prefix or URL', () => {
    expect(parseArxivId('http://arxiv.org/abs/2401.12345v2')).toEqual({ id: '2401.12345', version: 2 });
    expect(parseArxivId('https://arxiv.org/abs/2401.12345')).toEqual({ id: '2401.12345', version: null });
    expect(parseArxivId('arXiv:0704.0001v1')).toEqual({ id: '0704.0001', version: 1 });
    expect(parseArxivId('hep-th/9901001v1')).toEqual({ id: 'hep-th/9901001', version: 1 });
    expect(parseArxivId('math.GT/0309136')).toEqual({ id: 'math.GT/0309136', version: null });
    for (const bad of ['', '2401.123', 'http://arxiv.org/api/errors#x', '2401.12345v', 'cs.LG']) expect(parseArxivId(bad)).toBeNull();
  });

  it('accepts arXiv category names and nothing that could change the query', () => {
    for (const ok of ['cs.LG', 'stat.ML', 'hep-th', 'astro-ph.CO', 'q-bio.NC', 'physics.optics', 'math.AG']) expect(isArxivCategory(ok)).toBe(true);
    for (const bad of ['', 'cs.LG OR all:x', 'cs.LG&max_results=9', 'CS', '68T07', 'I.2.7', 'cs.LG)']) expect(isArxivCategory(bad)).toBe(false);
  });
});
