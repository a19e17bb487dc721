import { appendFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS_CACHE_FILE, loadCorpus, type CorpusLoad } from '../src/core/corpus/index.js';
import { textHash } from '../src/core/corpus/text-hash.js';
import type { Logger } from '../src/core/log.js';
import { silentLogger } from '../src/core/log.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const words = ['graph', 'neural', 'sparse', 'diffusion', 'Déjà', 'vu', 'Ω-net', 'naïve', 'tensor', 'kernel', 'π', '😀', 'attention', 'retrieval'];
/** Papers enough to fill several cache blocks: latin1, wide and surrogate-pair text, optional fields, and bad lines. */
function jsonl(count: number, seed: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const pick = (k: number) => words[(i * 7 + k * 13 + seed) % words.length];
    const abstract = Array.from({ length: 160 }, (_, k) => pick(k)).join(' ') + ` number ${i}.`;
    const paper: Record<string, unknown> = { title: `  ${pick(1)} ${pick(2)}  study ${seed}-${i}`, abstract };
    if (i % 3 === 0) paper.url = `https://arxiv.org/abs/2401.${String(10000 + i)}`;
    if (i % 4 === 0) paper.published = ' 2024-01-02 ';
    if (i % 5 === 0) paper.authors = ['A. Author', ' ', `B. Ñame ${i}`];
    lines.push(JSON.stringify(paper));
    if (i % 997 === 0) lines.push('{"title": 3}', 'not json');
  }
  return lines.join('\n');
}
const listing = ['Daily Papers', '', 'Sparse Graphs in Daily Use', '', 'We study sparse graphs in depth and show that a careful method improves results across several benchmarks.', '', 'A title with no abstract', ''].join('\n');

interface Logged { level: string; msg: string }
function recordingLogger(): { log: Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (_obj: unknown, msg?: string) => void lines.push({ level, msg: msg ?? '' });
  const log = { ...silentLogger, info: at('info'), warn: at('warn') } as unknown as Logger;
  return { log, lines };
}

/** A corpus folder whose files were last modified a minute ago (a file modified just now is not cached), and a data folder. */
async function folders(files: Record<string, string>): Promise<{ corpus: string; cache: string }> {
  const root = await mkdtemp(join(tmpdir(), 'paperboy-corpus-cache-'));
  dirs.push(root);
  const corpus = join(root, 'corpus');
  await mkdir(corpus);
  for (const [name, text] of Object.entries(files)) await writeFile(join(corpus, name), text);
  await age(corpus, Object.keys(files));
  return { corpus, cache: join(root, CORPUS_CACHE_FILE) };
}
async function age(corpus: string, names: string[], secondsAgo = 60): Promise<void> {
  const when = new Date(Date.now() - secondsAgo * 1000);
  for (const name of names) await utimes(join(corpus, name), when, when);
}

/** The load as a fresh parse gives it, key order included. */
const same = (a: CorpusLoad, b: CorpusLoad) => {
  expect(JSON.stringify(a.papers)).toBe(JSON.stringify(b.papers));
  expect(a.warnings).toEqual(b.warnings);
  expect(a.stats).toEqual(b.stats);
};

describe('the parsed-corpus cache', () => {
  it('gives back exactly the papers, warnings and counts of a fresh parse, without parsing', async () => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(5000, 1), 'b.txt': listing, 'c.jsonl': jsonl(300, 2) });
    const fresh = await loadCorpus(corpus);
    const first = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    same(first, fresh);
    expect(first.filesFromCache).toBe(0);
    expect(await first.saveCache!()).toBe(true);

    const second = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    same(second, fresh);
    expect(second.filesFromCache).toBe(3);
    expect(second.saveCache).toBeUndefined();
    expect(second.papers.map(textHash)).toEqual(fresh.papers.map(textHash));
    // More than one block, wide text among them.
    expect((await readFile(cache)).length).toBeGreaterThan(6 * 1024 * 1024);
    expect(second.papers.some((p) => /😀/.test(p.abstract))).toBe(true);
  });

  it('parses again only the files that changed, were added or are gone', async () => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(200, 1), 'b.jsonl': jsonl(200, 2) });
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();

    await appendFile(join(corpus, 'b.jsonl'), `\n${JSON.stringify({ title: 'An Appended Paper', abstract: 'It was appended after the cache was written, and must be found.' })}`);
    await writeFile(join(corpus, 'c.txt'), listing);
    await age(corpus, ['b.jsonl', 'c.txt'], 30);
    const changed = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    same(changed, await loadCorpus(corpus));
    expect(changed.filesFromCache).toBe(1);
    expect(changed.papers.some((p) => p.title === 'An Appended Paper')).toBe(true);
    await changed.saveCache!();

    // Same size, another modification time: parsed again.
    await age(corpus, ['a.jsonl'], 20);
    await rm(join(corpus, 'c.txt'));
    const touched = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    expect(touched.filesFromCache).toBe(1);
    same(touched, await loadCorpus(corpus));
    await touched.saveCache!();
    expect((await loadCorpus(corpus, silentLogger, { cachePath: cache })).filesFromCache).toBe(2);
  });

  it('does not cache a file modified just before it was parsed (it could change again unseen, same size, same second)', async () => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(50, 1), 'b.jsonl': jsonl(50, 2) });
    await age(corpus, ['b.jsonl'], 0);
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();
    const again = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    expect(again.filesFromCache).toBe(1);
  });

  it.each<[string, (b: Buffer) => Buffer, RegExp]>([
    ['a flipped byte', (b) => (b.writeUInt8(b.readUInt8(b.length >> 1) ^ 0x20, b.length >> 1), b), /checksum/],
    ['a cut file', (b) => b.subarray(0, b.length - 1000), /truncated|checksum|past/],
    ['another format', (b) => (b.writeUInt32LE(99, 8), b), /format 99/],
    ['another parser', (b) => (b.write(b.toString('latin1', 40, 41) === 'f' ? 'e' : 'f', 40, 'latin1'), b), /parser/],
    ['not a cache', () => Buffer.from('hello'), /truncated|not a Paperboy/],
  ])('is ignored, logged and rewritten when it has %s', async (_what, damage, reason) => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(3000, 1) });
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();
    await writeFile(cache, damage(await readFile(cache)));
    const { log, lines } = recordingLogger();
    const load = await loadCorpus(corpus, log, { cachePath: cache });
    same(load, await loadCorpus(corpus));
    expect(load.filesFromCache).toBe(0);
    expect(lines.filter((l) => l.level === 'warn' && /cache/.test(l.msg)).map((l) => l.msg)).toEqual([expect.stringMatching(reason)]);
    expect(lines[0]!.msg).toMatch(/parsed-corpus cache not used/);
    expect(await load.saveCache!()).toBe(true);
    expect((await loadCorpus(corpus, silentLogger, { cachePath: cache })).filesFromCache).toBe(1);
  });

  it('hands back the text hash it stored beside each paper, so a restart does not hash the text again', async () => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(20, 1) });
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();
    // Changes the first paper's stored hash and re-seals the file: the loaded paper reports the stored value.
    const file = await readFile(cache);
    const first = 16 + file.readUInt32LE(12) + 12;
    file.writeUInt32LE(file.readUInt32LE(first) ^ 1, first);
    file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
    await writeFile(cache, file);
    const [paper] = (await loadCorpus(corpus, silentLogger, { cachePath: cache })).papers;
    expect(textHash(paper!)).toBe(textHash({ title: paper!.title, abstract: paper!.abstract }) ^ 1);
    // Kept on the paper out of sight: not a key, not in JSON, not carried by a copy (which could change the text).
    expect(Object.keys(paper!)).toEqual(['id', 'title', 'abstract', 'url', 'published', 'authors']);
    expect(JSON.parse(JSON.stringify(paper))).toEqual(paper);
    expect(textHash({ ...paper! })).toBe(textHash({ title: paper!.title, abstract: paper!.abstract }));
  });

  it('merges papers sharing an id, within a file and across files, as a fresh parse does', async () => {
    const line = (title: string, abstract: string, url?: string) => JSON.stringify({ title, abstract, ...(url ? { url } : {}) });
    const abstract = 'We study sparse graphs in depth and show that a careful method improves results.';
    const { corpus, cache } = await folders({
      'a.jsonl': [line('Sparse Graphs', abstract), line('Dense Graphs', abstract), line('sparse  graphs', `${abstract} Longer.`)].join('\n'),
      'b.jsonl': [line('Dense Graphs', abstract, 'https://arxiv.org/abs/2401.00002'), line('Other Graphs', abstract)].join('\n'),
    });
    const fresh = await loadCorpus(corpus);
    expect(fresh.stats.duplicatesMerged).toBe(2);
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();
    const cached = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    expect(cached.filesFromCache).toBe(2);
    same(cached, fresh);
  });

  it('gives the papers of files whose ids are all distinct back as they are, and merges again when a file adds a duplicate', async () => {
    const { corpus, cache } = await folders({ 'a.jsonl': jsonl(300, 1), 'b.jsonl': jsonl(300, 2) });
    await (await loadCorpus(corpus, silentLogger, { cachePath: cache })).saveCache!();
    const cached = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    same(cached, await loadCorpus(corpus));
    // A third file repeats a paper of the first: the cached two are merged with it.
    await writeFile(join(corpus, 'c.jsonl'), JSON.stringify({ title: cached.papers[0]!.title, abstract: `${cached.papers[0]!.abstract} A longer version.` }));
    await age(corpus, ['c.jsonl']);
    const more = await loadCorpus(corpus, silentLogger, { cachePath: cache });
    expect(more.filesFromCache).toBe(2);
    expect(more.stats.duplicatesMerged).toBe(1);
    same(more, await loadCorpus(corpus));
  });
});
