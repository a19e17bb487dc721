import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import type { Paper } from '../types.js';
import { parseCorpusFile } from './parse-file.js';
import { rememberTextHash, textHash } from './text-hash.js';
import type { ParsedFile } from './parsed.js';

/**
 * Parsed corpus files kept in the data folder, so a restart reads each unchanged file's papers
 * back instead of parsing and validating it again (at 100k papers, 0.3 s instead of about 5 s).
 * An entry is used only while its file has the same size, modification time and inode, and only
 * when the parser and validator give the same output on a probe text as when it was written;
 * a cache that is missing, corrupt (CRC-32) or of another version is ignored and rewritten.
 *
 *   "PBCORPUS" | u32 format | u32 header bytes | header JSON | records | u32 crc32
 *
 * Records come in blocks of whole papers: u32 meta bytes, u32 narrow bytes, u32 wide bytes; meta
 * (per paper u32 textHash, u8 flags (1 published, 2 authors), u16 authors, then per string id, title,
 * abstract, url, [published], [authors...] a u32 (characters << 1 | wide)); the narrow strings'
 * characters as latin1 bytes; the wide ones' as UTF-16. Each pool decodes to one string (both
 * encodings give back exactly the characters written, with no UTF-8 pass) that the papers' fields
 * are slices of: large pools are kept outside the JavaScript heap, so the garbage collector
 * copies none of the text (at 100k papers it otherwise copied about 100 MB, twice). The header
 * also says whether the papers' ids were all distinct: read back unchanged, they need no merging.
 */
export const CORPUS_CACHE_FILE = 'corpus.cache';

/** Bump when the layout below changes, or the parsing changes in a way the probe might not show. */
const FORMAT = 1;
const MAGIC = Buffer.from('PBCORPUS', 'latin1');
/** Bytes read or written per call: the buffer is reused, so little fresh memory is touched. */
const CHUNK = 4 * 1024 * 1024;
/** Text bytes per block (a block holds whole papers, so it can be longer), and papers per block: a block is decoded between two turns of the event loop. */
const BLOCK_TEXT = 3 * 1024 * 1024;
const BLOCK_PAPERS = 4096;
/** A file modified this close to its parse might change again within the clock's resolution with the same size: not cached. */
const RACY_MS = 2_000;
const PUBLISHED = 1;
const AUTHORS = 2;
const WIDE = /[^\u0000-\u00ff]/;
const CACHED_KEYS = new Set(['id', 'title', 'abstract', 'url', 'published', 'authors']);

/** What identifies one version of a corpus file. */
export interface FileKey {
  name: string;
  size: number;
  mtimeNs: string;
  ino: string;
}

export interface CachedFile extends FileKey {
  parsed: ParsedFile;
}

export interface CachedCorpus {
  files: CachedFile[];
  /** No two papers of these files (all of them, in this order) had the same id when written: loaded as they are, they need no merging. */
  distinctIds: boolean;
}

interface HeaderFile extends FileKey {
  papers: number;
  warnings: string[];
  skippedLines: number;
}

interface Header {
  fingerprint: string;
  files: HeaderFile[];
  /** Absent in caches written before it was recorded: read as false. */
  distinctIds?: boolean;
}

/** Why a cache file is not used; the caller logs it and parses the files. */
export class CacheUnusable extends Error {}

export async function fileKey(path: string, name: string): Promise<FileKey & { mtimeMs: number }> {
  const s = await stat(path, { bigint: true });
  return { name, size: Number(s.size), mtimeNs: String(s.mtimeNs), ino: String(s.ino), mtimeMs: Number(s.mtimeMs) };
}

export const sameFile = (a: FileKey, b: FileKey) => a.name === b.name && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino;

/** True when a file parsed at `parsedAtMs` may be cached: it had not been modified just before. */
export const cacheable = (key: { mtimeMs: number }, parsedAtMs: number, papers: Paper[]) =>
  key.mtimeMs + RACY_MS < parsedAtMs && papers.every((p) => Object.keys(p).every((k) => CACHED_KEYS.has(k)));

let fingerprint: string | undefined;
/**
 * The parser's and validator's output on probe texts (both layouts, JSON lines, bad lines,
 * whitespace, ids, links): a cache written by code that parses differently is not used.
 */
export function parserFingerprint(): string {
  if (fingerprint) return fingerprint;
  const listing = 'Daily Papers\nSubscribeA  Title\u00a0with spaces\n\nAn abstract of the paper, long enough to read as one and made of words, about graphs.\nx\u0001y\nQ\n';
  const jsonl = [
    JSON.stringify({ title: ' Déjà vu: ünïcode  ', abstract: 'Abstract\twith\ttabs, Ω and 😀.', url: 'https://arxiv.org/abs/2401.00001', published: ' 2024-01-02 ', authors: [' A. One ', '', 'B. Two'] }),
    '{"title": 1}',
    'not json',
  ].join('\n');
  const parsed = [parseCorpusFile('probe.txt', listing), parseCorpusFile('probe.jsonl', jsonl)];
  const probe = [FORMAT, parsed, parsed.flatMap((f) => f.papers.map(textHash))];
  return (fingerprint = createHash('sha256').update(JSON.stringify(probe)).digest('hex'));
}

/** The cached files at `path` (undefined when there is none); throws CacheUnusable when it cannot be trusted. */
export async function readCorpusCache(path: string): Promise<CachedCorpus | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CacheUnusable(`cannot open it (${(err as Error).message})`);
  }
  try {
    const reader = new ChunkReader(handle, (await handle.stat()).size - 4);
    await reader.need(16);
    if (!reader.buf.subarray(reader.at, reader.at + 8).equals(MAGIC)) throw new CacheUnusable('not a Paperboy corpus cache');
    const format = reader.buf.readUInt32LE(reader.at + 8);
    if (format !== FORMAT) throw new CacheUnusable(`format ${format}, this version reads format ${FORMAT}`);
    const headerBytes = reader.buf.readUInt32LE(reader.at + 12);
    reader.at += 16;
    await reader.need(headerBytes);
    const header = JSON.parse(reader.buf.toString('utf8', reader.at, reader.at + headerBytes)) as Header;
    reader.at += headerBytes;
    if (header.fingerprint !== parserFingerprint()) throw new CacheUnusable('written by a parser that reads files differently');
    const files: CachedFile[] = [];
    let block: Paper[] = [];
    let next = 0;
    for (const f of header.files) {
      const papers: Paper[] = [];
      for (let i = 0; i < f.papers; i++) {
        if (next === block.length) {
          // A turn of the event loop per block, so /healthz and commands are answered meanwhile.
          if (block.length) await yieldToLoop();
          block = await reader.block();
          next = 0;
          if (block.length === 0) throw new CacheUnusable('an empty block');
        }
        papers.push(block[next++]!);
      }
      files.push({ name: f.name, size: f.size, mtimeNs: f.mtimeNs, ino: f.ino, parsed: { papers, warnings: f.warnings, skippedLines: f.skippedLines } });
    }
    if (next !== block.length || reader.left() !== 0) throw new CacheUnusable('bytes left after the last paper');
    const digest = Buffer.alloc(4);
    const { bytesRead } = await handle.read(digest, 0, 4, reader.size);
    if (bytesRead !== 4 || digest.readUInt32LE(0) !== reader.crc) throw new CacheUnusable('checksum mismatch (corrupt or truncated)');
    return { files, distinctIds: header.distinctIds === true };
  } catch (err) {
    if (err instanceof CacheUnusable) throw err;
    throw new CacheUnusable(`cannot be read (${(err as Error).message})`);
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Reads the file through one reused buffer, checksumming the bytes as they come in. */
class ChunkReader {
  buf = Buffer.allocUnsafe(CHUNK);
  /** Next byte to decode, and the end of the bytes read, in `buf`. */
  at = 0;
  end = 0;
  /** File position of buf[end]. */
  private pos = 0;
  crc = 0;

  constructor(private readonly handle: Handle, readonly size: number) {
    if (size < 16) throw new CacheUnusable('truncated');
  }

  left(): number {
    return this.size - this.pos + (this.end - this.at);
  }

  /** Makes `n` bytes from `at` available in buf. */
  async need(n: number): Promise<void> {
    if (this.end - this.at >= n) return;
    if (n > this.left()) throw new CacheUnusable('truncated');
    if (this.at + n > this.buf.length) {
      const next = n > this.buf.length ? Buffer.allocUnsafe(n + CHUNK) : this.buf;
      this.buf.copy(next, 0, this.at, this.end);
      this.buf = next;
      this.end -= this.at;
      this.at = 0;
    }
    while (this.end - this.at < n) {
      const want = Math.min(this.buf.length - this.end, this.size - this.pos);
      const { bytesRead } = await this.handle.read(this.buf, this.end, want, this.pos);
      if (bytesRead === 0) throw new CacheUnusable('truncated');
      this.crc = crc32(this.buf.subarray(this.end, this.end + bytesRead), this.crc);
      this.end += bytesRead;
      this.pos += bytesRead;
    }
  }

  /** The papers of the next block. */
  async block(): Promise<Paper[]> {
    await this.need(12);
    const metaBytes = this.buf.readUInt32LE(this.at);
    const narrowBytes = this.buf.readUInt32LE(this.at + 4);
    const wideBytes = this.buf.readUInt32LE(this.at + 8);
    await this.need(12 + metaBytes + narrowBytes + wideBytes);
    const buf = this.buf;
    let at = this.at + 12;
    const metaEnd = at + metaBytes;
    const narrow = buf.toString('latin1', metaEnd, metaEnd + narrowBytes);
    const wide = buf.toString('ucs2', metaEnd + narrowBytes, metaEnd + narrowBytes + wideBytes);
    let inNarrow = 0;
    let inWide = 0;
    const str = (): string => {
      if (at + 4 > metaEnd) throw new CacheUnusable("a block's records run past their end");
      const head = buf.readUInt32LE(at);
      at += 4;
      const chars = head >>> 1;
      if (head & 1) return wide.slice(inWide, (inWide += chars));
      return narrow.slice(inNarrow, (inNarrow += chars));
    };
    const papers: Paper[] = [];
    while (at < metaEnd) {
      if (at + 7 > metaEnd) throw new CacheUnusable("a block's records run past their end");
      const hash = buf.readUInt32LE(at);
      const flags = buf[at + 4]!;
      const authors = buf.readUInt16LE(at + 5);
      at += 7;
      const paper: Paper = { id: str(), title: str(), abstract: str(), url: str() };
      if (flags & PUBLISHED) paper.published = str();
      if (flags & AUTHORS) paper.authors = Array.from({ length: authors }, str);
      rememberTextHash(paper, hash);
      papers.push(paper);
    }
    if (at !== metaEnd || inNarrow !== narrow.length || inWide !== wide.length) throw new CacheUnusable("a block's sizes do not add up");
    this.at = at + narrowBytes + wideBytes;
    return papers;
  }
}

/** True when no two of the files' papers share an id; a turn of the event loop per block of papers. */
async function distinctIds(files: CachedFile[]): Promise<boolean> {
  const seen = new Set<string>();
  for (const file of files) {
    for (const p of file.parsed.papers) {
      if (seen.has(p.id)) return false;
      seen.add(p.id);
      if (seen.size % BLOCK_PAPERS === 0) await yieldToLoop();
    }
  }
  return true;
}

/**
 * Writes `files` to `path` atomically (a temp file, fsync, rename), a chunk at a time with a turn
 * of the event loop per write. Returns the bytes written.
 */
export async function writeCorpusCache(path: string, files: CachedFile[]): Promise<number> {
  const header: Header = {
    fingerprint: parserFingerprint(),
    files: files.map(({ name, size, mtimeNs, ino, parsed }) => ({ name, size, mtimeNs, ino, papers: parsed.papers.length, warnings: parsed.warnings, skippedLines: parsed.skippedLines })),
    distinctIds: await distinctIds(files),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  let written = 0;
  let crc = 0;
  let buf = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = async () => {
    crc = crc32(buf.subarray(0, used), crc);
    const { bytesWritten } = await handle.write(buf, 0, used, written);
    if (bytesWritten !== used) throw new Error(`wrote ${bytesWritten} of ${used} bytes`);
    written += used;
    used = 0;
  };
  const room = async (n: number) => {
    if (used + n <= buf.length) return;
    await flush();
    if (n > buf.length) buf = Buffer.allocUnsafe(n);
  };
  try {
    await room(16 + json.length);
    MAGIC.copy(buf, 0);
    buf.writeUInt32LE(FORMAT, 8);
    buf.writeUInt32LE(json.length, 12);
    json.copy(buf, 16);
    used = 16 + json.length;
    let meta: number[] = [];
    let narrow: string[] = [];
    let wide: string[] = [];
    let textBytes = 0;
    let papers = 0;
    const endBlock = async () => {
      const narrowText = narrow.join('');
      const wideText = wide.join('');
      const bytes = 12 + meta.length + narrowText.length + 2 * wideText.length;
      await room(bytes);
      buf.writeUInt32LE(meta.length, used);
      buf.writeUInt32LE(narrowText.length, used + 4);
      buf.writeUInt32LE(2 * wideText.length, used + 8);
      used += 12;
      buf.set(meta, used);
      used += meta.length;
      used += buf.write(narrowText, used, 'latin1');
      used += buf.write(wideText, used, 'ucs2');
      meta = [];
      narrow = [];
      wide = [];
      textBytes = 0;
      papers = 0;
    };
    const u32 = (n: number) => meta.push(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
    for (const file of files) {
      for (const p of file.parsed.papers) {
        u32(textHash(p));
        meta.push((p.published !== undefined ? PUBLISHED : 0) | (p.authors ? AUTHORS : 0), (p.authors?.length ?? 0) & 255, (p.authors?.length ?? 0) >>> 8);
        for (const s of [p.id, p.title, p.abstract, p.url, ...(p.published !== undefined ? [p.published] : []), ...(p.authors ?? [])]) {
          const isWide = WIDE.test(s);
          u32(((s.length << 1) | (isWide ? 1 : 0)) >>> 0);
          (isWide ? wide : narrow).push(s);
          textBytes += isWide ? 2 * s.length : s.length;
        }
        if (textBytes >= BLOCK_TEXT || ++papers >= BLOCK_PAPERS) await endBlock();
      }
    }
    if (meta.length) await endBlock();
    await flush();
    const digest = Buffer.alloc(4);
    digest.writeUInt32LE(crc, 0);
    await handle.write(digest, 0, 4, written);
    written += 4;
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw err;
  }
  return written;
}
