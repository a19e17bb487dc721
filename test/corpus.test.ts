import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCorpus, normalizeTitle, paperId, parseCorpusFile, watchCorpus } from '../src/core/corpus/index.js';
import { silentLogger } from '../src/core/log.js';
import type { Paper } from '../src/core/types.js';

const abstract = (topic: string) =>
  `We study ${topic} in depth and show that a careful method improves results across several benchmarks and settings.`;

const spacedListing = [
  'new', '', 'Get trending papers in your email inbox!', '', 'Subscribe', '', 'Daily Papers', '',
  'byAK and the research community', '', 'Aug 21', '',
  'Graph Neural Networks for Knots', '', abstract('knots'), '',
  'Sparse Mixture of Experts at Scale', '', abstract('experts'), '',
].join('\n');

const compactListing = [
  'Get trending papers in your email inbox once a day!',
  'Get trending papers in your email inbox!',
  'SubscribeBUSTLE: Bottom-Up Program Synthesis',
  abstract('program synthesis'),
  'Graph Neural Networks for Knots',
  abstract('knot invariants with a longer abstract than the other copy of this paper'),
].join('\n');

const dirs: string[] = [];
async function corpusDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-corpus-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('parseCorpusFile', () => {
  it('parses the spaced layout and drops the page header', () => {
    const { papers, warnings } = parseCorpusFile('a.txt', spacedListing);
    expect(warnings).toEqual([]);
    expect(papers.map((p) => p.title)).toEqual(['Graph Neural Networks for Knots', 'Sparse Mixture of Experts at Scale']);
    expect(papers[0]!.abstract).toBe(abstract('knots'));
  });

  it('parses the compact layout with "Subscribe" glued to the first title', () => {
    const { papers } = parseCorpusFile('b.txt', compactListing);
    expect(papers.map((p) => p.title)).toEqual(['BUSTLE: Bottom-Up Program Synthesis', 'Graph Neural Networks for Knots']);
  });

  it('links to an arXiv title search when no URL is known', () => {
    const [paper] = parseCorpusFile('a.txt', spacedListing).papers;
    expect(paper!.url).toBe('https://arxiv.org/search/?query=Graph%20Neural%20Networks%20for%20Knots&searchtype=title');
  });

  it('skips a malformed jsonl line with a warning naming file and line, and keeps the rest', () => {
    const text = [
      JSON.stringify({ title: 'Good One', abstract: abstract('one'), url: 'https://example.org/1', authors: ['A. Person'] }),
      '{not json',
      JSON.stringify({ title: '', abstract: 'x' }),
      JSON.stringify({ title: 'Good Two', abstract: abstract('two') }),
    ].join('\n');
    const { papers, warnings, skippedLines } = parseCorpusFile('extra.jsonl', text);
    expect(papers.map((p) => p.title)).toEqual(['Good One', 'Good Two']);
    expect(papers[0]!.url).toBe('https://example.org/1');
    expect(skippedLines).toBe(2);
    expect(warnings[0]).toMatch(/^extra\.jsonl:2: /);
    expect(warnings[1]).toMatch(/^extra\.jsonl:3: .*title/);
  });
});

describe('ids', () => {
  it('derive from the normalized title', () => {
    expect(normalizeTitle('  BUSTLE: Bottom-Up  Program—Synthesis! ')).toBe('bustle bottom up program synthesis');
    expect(paperId('BUSTLE: Bottom-Up Program Synthesis')).toBe(paperId('bustle bottom up program synthesis'));
    expect(paperId('BUSTLE: Bottom-Up Program Synthesis')).toMatch(/^p-[0-9a-z]{10}$/);
  });
});

describe('loadCorpus', () => {
  it('loads the real seeds: 515 papers, no page header leaked into titles, no id collisions', async () => {
    const { papers, stats, warnings } = await loadCorpus('seeds');
    expect(stats).toEqual({ files: 5, papers: 515, duplicatesMerged: 82, skippedLines: 0 });
    expect(warnings).toEqual([]);
    const header = /^(new|subscribe|daily papers|get trending papers|byak)|^subscribe|^[A-Z][a-z]{2} \d{1,2}$/i;
    expect(papers.filter((p) => header.test(p.title))).toEqual([]);
    expect(papers.every((p) => p.abstract.length > p.title.length)).toBe(true);
    expect(new Set(papers.map((p) => p.id)).size).toBe(papers.length);
  });

  it('merges duplicates across files, keeping the longer abstract and a real URL', async () => {
    const jsonl = JSON.stringify({ title: 'graph neural networks for KNOTS', abstract: 'short', url: 'https://example.org/knots' });
    const dir = await corpusDir({ 'a.txt': spacedListing, 'b.txt': compactListing, 'c.jsonl': jsonl });
    const { papers, stats } = await loadCorpus(dir);
    expect(stats).toMatchObject({ files: 3, papers: 3, duplicatesMerged: 2 });
    const knots = papers.find((p) => p.title.includes('Knots'))!;
    expect(knots.abstract).toContain('longer abstract');
    expect(knots.url).toBe('https://example.org/knots');
  });

  it('gives the same ids and papers whatever the file order', async () => {
    const one = await loadCorpus(await corpusDir({ '1.txt': spacedListing, '2.txt': compactListing }));
    const two = await loadCorpus(await corpusDir({ '1.txt': compactListing, '2.txt': spacedListing }));
    const byId = (papers: Paper[]) => [...papers].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(two.papers)).toEqual(byId(one.papers));
  });

  it('skips a malformed line without stopping other files', async () => {
    const dir = await corpusDir({ 'a.txt': spacedListing, 'bad.jsonl': '{oops\n' });
    const { papers, warnings, stats } = await loadCorpus(dir);
    expect(papers).toHaveLength(2);
    expect(stats.skippedLines).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/^bad\.jsonl:1: /)]);
  });

  it('explains a missing or empty corpus directory', async () => {
    await expect(loadCorpus('/no/such/corpus-dir')).rejects.toThrow(/\/no\/such\/corpus-dir.*CORPUS_DIR/);
    const empty = await corpusDir({ 'notes.md': 'not a corpus file' });
    await expect(loadCorpus(empty)).rejects.toThrow(/has no \*\.txt or \*\.jsonl files/);
  });
});

describe('watchCorpus', () => {
  it('re-parses a new file and hands over its papers', async () => {
    const dir = await corpusDir({ 'a.txt': spacedListing });
    let watcher: { close(): void } | undefined;
    const delivered = new Promise<Paper[]>((resolve, reject) => {
      watcher = watchCorpus(dir, resolve, silentLogger, { debounceMs: 10 });
      setTimeout(() => reject(new Error('no change reported within 5 s')), 5000).unref();
    });
    try {
      const line = JSON.stringify({ title: 'Fresh Paper On Knots', abstract: abstract('fresh knots') });
      await writeFile(join(dir, 'new.jsonl'), `${line}\n`);
      const papers = await delivered;
      expect(papers.map((p) => p.title)).toEqual(['Fresh Paper On Knots']);
    } finally {
      watcher?.close();
    }
  });
});

