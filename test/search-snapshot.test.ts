import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/core/corpus/index.js';
import { createLogger } from '../src/core/log.js';
import { loadIndexSnapshot, openIndex, PaperIndex, saveIndexSnapshot, SNAPSHOT_FILE } from '../src/core/search/index.js';
import { crc32 } from 'node:zlib';
import { prefetchSnapshotFile, readSnapshotFile, SnapshotUnusable, writeSnapshotFile } from '../src/core/search/snapshot-file.js';
import type { Paper } from '../src/core/types.js';

const seeds = (await loadCorpus('seeds')).papers;
const QUERIES = ['diffusion models', 'reasoning with language models', 'graph neural netwroks', 'privacy', '"chain of thought" -math', 'protein folding'];

/** Everything a user can get out of an index: search pages, follows' matches, similar papers. */
function answers(index: PaperIndex) {
  return QUERIES.map((q) => ({
    search: index.search(q, { limit: 20 }),
    match: index.match(q).map((h) => [h.paper.id, h.score]),
    similar: index.similar(seeds[QUERIES.indexOf(q)]!.id).map((h) => [h.paper.id, h.score]),
  }));
}

function recordingLog() {
  const lines: { level: number; msg: string; reason?: string }[] = [];
  const log = createLogger({ level: 'info', format: 'json' }, { write: (line: string) => void lines.push(JSON.parse(line)) } as unknown as NodeJS.WritableStream);
  return { log, lines, warnings: () => lines.filter((l) => l.level >= 40) };
}

const newPaper = (i: number): Paper => ({
  id: `late-${i}`,
  title: `Quasicrystal tilings learned by a zeolite autoencoder ${i}`,
  abstract: 'We learn aperiodic quasicrystal tilings with a zeolite autoencoder and report the tiling error.',
  url: `https://example.org/late-${i}`,
});

describe('index snapshot', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-snapshot-'));
    path = join(dir, SNAPSHOT_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a state taken in steps is the state taken at once, and is taken again when papers arrive meanwhile', async () => {
    const index = new PaperIndex(seeds);
    expect(await index.exportStateInSteps()).toEqual(index.exportState());
    const taking = index.exportStateInSteps();
    // Added while the steps yield to the event loop: the state must hold them, not a mix of before and after.
    index.add([newPaper(1)]);
    const state = await taking;
    expect(state.ids).toContain('late-1');
    expect(state).toEqual(index.exportState());
  });

  it('round trip: the restored index answers exactly as the one written, without a fit or analysing text', async () => {
    const built = new PaperIndex(seeds);
    await saveIndexSnapshot(path, built);
    const { log, warnings } = recordingLog();
    const opened = await openIndex(seeds, { snapshotPath: path, log });
    expect(opened.restored).toBe(true);
    expect(opened.added).toBe(0);
    expect(opened.index.latentFits).toBe(1); // the restored space, not a new fit
    expect(answers(opened.index)).toEqual(answers(built));
    expect(opened.index.latentFits).toBe(1);
    expect(warnings()).toEqual([]);
  });

  it('uses a read started earlier (npm start starts it before loading the bot), and a missing file reads as no snapshot', async () => {
    await saveIndexSnapshot(path, new PaperIndex(seeds));
    const early = prefetchSnapshotFile(path);
    const snapshot = await loadIndexSnapshot(join(dir, 'not-read-again'), {}, early);
    expect(snapshot?.state.ids).toEqual(seeds.map((p) => p.id));
    // Nobody awaits this one until later: its rejection must not surface as unhandled meanwhile.
    const missing = prefetchSnapshotFile(join(dir, 'missing'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await loadIndexSnapshot(join(dir, 'missing'), {}, missing)).toBeUndefined();
  });

  it('adds the papers stored since the snapshot, and finds them', async () => {
    await saveIndexSnapshot(path, new PaperIndex(seeds));
    const later = [...seeds, newPaper(1), newPaper(2)];
    const { log, lines } = recordingLog();
    const opened = await openIndex(later, { snapshotPath: path, log });
    expect(opened).toMatchObject({ restored: true, added: 2 });
    expect(opened.index.size).toBe(seeds.length + 2);
    expect(opened.index.search('quasicrystal zeolite').hits.map((h) => h.paper.id).sort()).toEqual(['late-1', 'late-2']);
    expect(lines.some((l) => /restored from its snapshot, 2 paper/.test(l.msg))).toBe(true);
    // The same index as one built from the seeds that took the two papers in at run time.
    const running = new PaperIndex(seeds);
    running.add([newPaper(1), newPaper(2)]);
    expect(answers(opened.index)).toEqual(answers(running));
    // Stem forms found by their term's chain (no map by text) and typo words put in on first use: the same ids and words as at run time.
    const { forms, wordTokens, wordTerms } = opened.index.exportState();
    expect({ forms, wordTokens, wordTerms }).toEqual((({ forms, wordTokens, wordTerms }) => ({ forms, wordTokens, wordTerms }))(running.exportState()));
    expect(wordTokens).toContain('quasicrystal');
  });

  const unusable: [string, (bytes: Buffer) => Buffer, RegExp][] = [
    ['a flipped byte', (b) => (b.writeUInt8(b.readUInt8(b.length >> 1) ^ 0xff, b.length >> 1), b), /checksum/],
    ['a truncated file', (b) => b.subarray(0, b.length - 100), /checksum/],
    ['a damaged checksum', (b) => (b.writeUInt8(b.readUInt8(b.length - 1) ^ 0x01, b.length - 1), b), /checksum/],
    ['another format version', (b) => (b.writeUInt32LE(99, 8), b), /format 99/],
    // Format 1 (SHA-256 trailer, before CRC-32) must be rebuilt, not read with the new trailer.
    ['a format-1 snapshot', (b) => (b.writeUInt32LE(1, 8), b), /format 1,/],
    ['not a snapshot', () => Buffer.from('hello'), /not a Paperboy index snapshot/],
  ];
  for (const [what, spoil, reason] of unusable) {
    it(`treats ${what} as no snapshot: one warning, a full build`, async () => {
      await saveIndexSnapshot(path, new PaperIndex(seeds));
      writeFileSync(path, spoil(readFileSync(path)));
      const { log, warnings } = recordingLog();
      const opened = await openIndex(seeds, { snapshotPath: path, log });
      expect(opened.restored).toBe(false);
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.reason).toMatch(reason);
      expect(answers(opened.index)).toEqual(answers(new PaperIndex(seeds)));
    });
  }

  it('rebuilds when the analyzer or index options differ from those that wrote it', async () => {
    await saveIndexSnapshot(path, new PaperIndex(seeds));
    const options = { ranking: { semanticDims: 32 } };
    const { log, warnings } = recordingLog();
    const opened = await openIndex(seeds, { snapshotPath: path, log, options });
    expect(opened.restored).toBe(false);
    expect(warnings()[0]!.reason).toMatch(/another analyzer or index options/);
    expect(answers(opened.index)).toEqual(answers(new PaperIndex(seeds, options)));
  });

  it('restores papers given in another order than indexed, and rebuilds when one changed its text in the same order', async () => {
    const built = new PaperIndex(seeds);
    await saveIndexSnapshot(path, built);
    const reversed = await openIndex([...seeds].reverse(), { snapshotPath: path, log: recordingLog().log });
    expect(reversed).toMatchObject({ restored: true, added: 0 });
    expect(answers(reversed.index)).toEqual(answers(built));

    const edited = seeds.map((p, i) => (i === 3 ? { ...p, abstract: `${p.abstract} Revised.` } : p));
    const { log, warnings } = recordingLog();
    const opened = await openIndex(edited, { snapshotPath: path, log });
    expect(opened.restored).toBe(false);
    expect(warnings()[0]!.reason).toMatch(/0 of its papers are gone and 1 changed/);
  });

  it('gives back string lists as written (decoded when first read), and refuses one whose count is off before anything reads it', async () => {
    const sections = { words: ['graph', '', 'déjà vu', 'Ω', '😀'], none: [], blank: [''], numbers: new Int32Array([3, -1, 7]) };
    await writeSnapshotFile(path, 7, { fingerprint: 'f', values: { n: 1 }, sections });
    const contents = await readSnapshotFile(path, 7, 'f');
    expect({ ...contents!.sections }).toEqual(sections);
    expect(contents!.values).toEqual({ n: 1 });

    // The header says 6 words where the section holds 5, the checksum sealed again: unusable at read, not at first use.
    const file = readFileSync(path);
    const header = file.toString('latin1');
    const at = header.indexOf('"count":5');
    file.write('"count":6', at, 'latin1');
    file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
    writeFileSync(path, file);
    const read = readSnapshotFile(path, 7, 'f');
    await expect(read).rejects.toThrow(SnapshotUnusable);
    await expect(read).rejects.toThrow(/words holds 5 strings, not 6/);
  });

  it('rebuilds when a paper in the snapshot changed its text or is gone', async () => {
    await saveIndexSnapshot(path, new PaperIndex(seeds));
    const edited = seeds.map((p, i) => (i === 3 ? { ...p, abstract: `${p.abstract} Revised.` } : p)).slice(1);
    const { log, warnings } = recordingLog();
    const opened = await openIndex(edited, { snapshotPath: path, log });
    expect(opened.restored).toBe(false);
    expect(warnings()[0]!.reason).toMatch(/1 of its papers are gone and 1 changed/);
    expect(opened.index.size).toBe(seeds.length - 1);
  });
});
