import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../src/app/boot.js';
import { isText, loadCorpus, MAX_LINE_CHARS, MAX_WARNINGS_PER_FILE, PAPER_LIMITS, readCorpusFile, validatePaper } from '../src/core/corpus/index.js';
import { createLogger } from '../src/core/log.js';
import { cleanText } from '../src/core/corpus/normalize.js';
import { testConfig } from './support/context.js';

const abstract = (topic: string) => `We study ${topic} in depth and show that a careful method improves results across several benchmarks and settings.`;
const good = ['Graph Neural Networks for Knots', abstract('knots'), 'Sparse Mixture of Experts at Scale', abstract('experts')].join('\n');

const dirs: string[] = [];
async function corpusDir(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-validate-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Largest gap between ticks of a 10 ms interval while `work` runs: how long the event loop was held. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(worst, performance.now() - last);
}

describe('validatePaper: the one gate for corpus lines and fetched papers', () => {
  it('accepts an ordinary paper and cleans its whitespace', () => {
    const v = validatePaper({ title: '  Attention  Is All\u00a0You Need ', abstract: abstract('attention'), url: 'https://arxiv.org/abs/1706.03762', authors: [' A. Vaswani '] });
    expect(v.ok && v.paper.title).toBe('Attention Is All You Need');
    expect(v.ok && v.paper.authors).toEqual(['A. Vaswani']);
  });

  it('refuses titles past the limit, non-http links and text that is not text', () => {
    const cases: [Parameters<typeof validatePaper>[0], RegExp][] = [
      [{ title: 'x'.repeat(100_000), abstract: 'a' }, /title is longer/],
      [{ title: 'T', abstract: 'a', url: 'javascript:alert(1)' }, /not an http\(s\) link/],
      [{ title: 'T', abstract: 'a', url: 'data:text/html,hi' }, /not an http\(s\) link/],
      [{ title: 'T', abstract: 'a', url: 'ftp://example.org/x' }, /not an http\(s\) link/],
      [{ title: 'Nul\u0000byte', abstract: 'a' }, /title is not text/],
      [{ title: 'T', abstract: 'x'.repeat(PAPER_LIMITS.abstractChars + 1) }, /abstract is longer/],
      [{ title: 'T', abstract: '\uFFFD\uFFFD\uFFFDbinary\uFFFD' }, /abstract is not text/],
      [{ title: 'T', abstract: 'a', authors: ['ok', 'y'.repeat(500)] }, /author/],
      [{ title: '   ', abstract: 'a' }, /title is empty/],
    ];
    for (const [raw, why] of cases) {
      const v = validatePaper(raw);
      expect(v.ok, JSON.stringify(raw).slice(0, 60)).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(why);
    }
    expect(validatePaper({ title: 'T', abstract: 'a', url: 'http://example.org/p' }).ok).toBe(true);
  });

  it('tolerates one stray replacement character in a long abstract, not random bytes', () => {
    expect(isText(`${abstract('noise')} caf\uFFFD ${abstract('more noise')}`)).toBe(true);
    expect(isText(randomBytes(400).toString('utf8'))).toBe(false);
    expect(isText('Ünïcödé – “quotes” 漢字 😀')).toBe(true);
  });
});

describe('corpus files through the validator', () => {
  it('turns a .txt of random bytes into no papers, with a capped list of warnings', async () => {
    const dir = await corpusDir({ 'a-good.txt': good, 'b-random.txt': randomBytes(2 * 1024 * 1024) });
    const { papers, warnings, stats } = await loadCorpus(dir);
    expect(papers.map((p) => p.title).sort()).toEqual(['Graph Neural Networks for Knots', 'Sparse Mixture of Experts at Scale']);
    const fromRandom = warnings.filter((w) => w.startsWith('b-random.txt'));
    expect(fromRandom).toHaveLength(MAX_WARNINGS_PER_FILE + 1);
    expect(fromRandom.at(-1)).toMatch(/^b-random\.txt: \d+ more skipped lines not listed \(\d+ skipped in all\)$/);
    expect(stats.skippedLines).toBeGreaterThan(1000);
  });

  it('takes no paper from short printable fragments such as random bytes leave between bad lines', async () => {
    // Each pair once passed as title + abstract: a line longer than its "title" and shorter than 80.
    const fragments = ['k', 'Q#7', '%', 'a=b;c', 'x', '~~zz~~'].join('\n');
    const dir = await corpusDir({ 'a-good.txt': good, 'b-fragments.txt': fragments });
    const { papers } = await loadCorpus(dir);
    expect(papers.map((p) => p.title).sort()).toEqual(['Graph Neural Networks for Knots', 'Sparse Mixture of Experts at Scale']);
  });

  it('skips jsonl lines with javascript: links, huge titles or binary text, naming file and line', async () => {
    const lines = [
      { title: 'Fine Paper', abstract: abstract('fine'), url: 'https://example.org/fine' },
      { title: 'Evil Link', abstract: abstract('evil'), url: 'javascript:alert(1)' },
      { title: 'y'.repeat(100_000), abstract: abstract('long') },
      { title: 'Binary\u0001Title', abstract: abstract('binary') },
    ].map((l) => JSON.stringify(l));
    const dir = await corpusDir({ 'x.jsonl': lines.join('\n') });
    const { papers, warnings } = await loadCorpus(dir);
    expect(papers.map((p) => p.title)).toEqual(['Fine Paper']);
    expect(warnings).toEqual([
      'x.jsonl:2: skipped line: the url is not an http(s) link',
      'x.jsonl:3: skipped line: the title is longer than 300 characters',
      'x.jsonl:4: skipped line: the title is not text (control characters or undecodable bytes)',
    ]);
  });

  it('drops a line longer than the line limit without holding it, and keeps reading', async () => {
    const dir = await corpusDir({ 'long.txt': `${'z'.repeat(MAX_LINE_CHARS * 3)}\n${good}\n` });
    const parsed = await readCorpusFile(join(dir, 'long.txt'), 'long.txt');
    expect(parsed.papers).toHaveLength(2);
    expect(parsed.warnings).toEqual([`long.txt:1: skipped a line longer than ${MAX_LINE_CHARS} characters`]);
  });

  it('logs at most a capped number of warnings for a file of bad lines, then one summary line', async () => {
    const bad = Array.from({ length: 20_000 }, (_, i) => `{"title": "broken ${i}"`).join('\n');
    const dir = await corpusDir({ 'a.txt': good, 'bad.jsonl': bad });
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'json' }, { write: (l: string) => void lines.push(l) } as unknown as NodeJS.WritableStream);
    const { stats } = await loadCorpus(dir, log);
    expect(stats.skippedLines).toBe(20_000);
    expect(lines).toHaveLength(MAX_WARNINGS_PER_FILE + 1);
    expect(lines.at(-1)).toContain('bad.jsonl: 19980 more skipped lines not listed (20000 skipped in all)');
  });

  it('parses a large file without holding the event loop for a second', async () => {
    const papers = Array.from({ length: 40_000 }, (_, i) => `Paper number ${i} on sparse attention\n${abstract(`topic ${i}`)}`).join('\n');
    const dir = await corpusDir({ 'big.txt': papers });
    let parsed = 0;
    const stall = await longestStall(async () => (parsed = (await readCorpusFile(join(dir, 'big.txt'), 'big.txt')).papers.length));
    expect(parsed).toBe(40_000);
    expect(stall).toBeLessThan(1000);
  });
});

describe('a bad corpus file in a running bot', () => {
  it('keeps /healthz answering 200 while a large file of random bytes is read', async () => {
    const dir = await corpusDir({ 'a.txt': good });
    const config = testConfig();
    const seen: string[] = [];
    const log = createLogger({ level: 'info', format: 'json' }, { write: (l: string) => void seen.push(l) } as unknown as NodeJS.WritableStream);
    const app = await startApp({ ...config, corpus: { dir, watch: true }, http: { port: 0, host: '127.0.0.1' } }, log, { input: new PassThrough(), output: new PassThrough(), interactive: false });
    try {
      const base = `http://127.0.0.1:${(app.server!.address() as AddressInfo).port}`;
      const read = new Promise<void>((resolve) => {
        const timer = setInterval(() => seen.some((l) => l.includes('corpus file changed') && l.includes('junk.txt')) && (clearInterval(timer), resolve()), 20);
      });
      await writeFile(join(dir, 'junk.txt'), randomBytes(8 * 1024 * 1024));
      const statuses: number[] = [];
      let slowest = 0;
      let done = false;
      void read.then(() => (done = true));
      while (!done) {
        const started = performance.now();
        statuses.push((await fetch(`${base}/healthz`)).status);
        slowest = Math.max(slowest, performance.now() - started);
      }
      expect(statuses.length).toBeGreaterThan(1);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(slowest).toBeLessThan(1000);
      expect(seen.filter((l) => l.includes('junk.txt:')).length).toBeLessThanOrEqual(MAX_WARNINGS_PER_FILE + 1);
      expect(app.health().corpus.papers).toBe(2);
    } finally {
      await app.stop();
    }
  });
});

describe('/healthz while a large corpus loads at start', () => {
  it('answers at once with 503 "starting", then 200, never stalling for a second', async () => {
    const papers = Array.from({ length: 20_000 }, (_, i) => `Paper number ${i} on sparse attention\n${abstract(`topic ${i}`)}`).join('\n');
    const dir = await corpusDir({ 'big.txt': papers });
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const config = testConfig();
    const starting = startApp({ ...config, corpus: { dir, watch: false }, http: { port, host: '127.0.0.1' } }, createLogger({ level: 'silent', format: 'json' }), { input: new PassThrough(), output: new PassThrough(), interactive: false });
    let done = false;
    void starting.then(() => (done = true), () => (done = true));
    const seen: { status: number; starting?: boolean }[] = [];
    let slowest = 0;
    while (!done) {
      const t = performance.now();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        seen.push({ status: res.status, ...((await res.json()) as { starting?: boolean }) });
        slowest = Math.max(slowest, performance.now() - t);
      } catch {
        await new Promise((r) => setImmediate(r)); // not listening yet
      }
    }
    const app = await starting;
    try {
      expect(seen.some((s) => s.status === 503 && s.starting === true)).toBe(true);
      expect(slowest).toBeLessThan(1000);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(app.health().corpus.papers).toBe(20_000);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('cleanText', () => {
  it('collapses every whitespace run as one replace-and-trim would, whether or not there is anything to collapse', () => {
    const samples = ['a b c', ' a b ', 'a  b', 'a\tb', 'a\nb', 'a\u00a0b', 'a\u2003b', 'a \u00a0 b', '\u3000a', 'plain', '', '  ', 'x\r\ny'];
    for (const text of samples) expect(cleanText(text)).toBe(text.replace(/\s+/gu, ' ').trim());
  });
});
