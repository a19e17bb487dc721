import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { readOffThread, type ReadFile } from './read-off-thread.js';

/**
 * A snapshot file: named typed arrays and string lists behind a versioned header, checksummed
 * (CRC-32, which catches a flipped byte or a cut file; read and checked on a worker thread: see
 * read-off-thread.ts) and written atomically (a
 * temp file, fsync, rename) by libuv's thread pool.
 * It knows nothing of what the arrays mean (see snapshot.ts).
 *
 *   "PBSNAPSH" | u32 format | u32 header bytes | header JSON | sections (8-byte aligned) | u32 crc32
 */
export type SectionValue = Int32Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike> | Float32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike> | string[];
export type Sections = Record<string, SectionValue>;

const MAGIC = Buffer.from('PBSNAPSH', 'latin1');
const DIGEST_BYTES = 4;
/** Bytes hashed between two turns of the event loop when writing. */
const HASH_SLICE = 4 * 1024 * 1024;
/** Strings are joined by NUL: no index term, paper id or word form contains one. */
const SEPARATOR = '\u0000';
const TYPES = { i32: Int32Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;
type ArrayType = keyof typeof TYPES;

interface SectionEntry {
  name: string;
  type: ArrayType | 'str';
  offset: number;
  bytes: number;
  count: number;
}

interface Header {
  /** What the sections were built by (analyzer, options, payload layout): a mismatch means rebuild. */
  fingerprint: string;
  createdAt: string;
  values: Record<string, number>;
  sections: SectionEntry[];
}

export interface SnapshotContents {
  fingerprint: string;
  createdAt: Date;
  values: Record<string, number>;
  sections: Sections;
}

/** The snapshot's name in the data folder. Deleting it is safe: the next start rebuilds it. */
export const SNAPSHOT_FILE = 'index.snapshot';

/**
 * Starts reading the snapshot file (and its checksum) on a worker thread, for readSnapshotFile
 * later: `npm start` calls it before the rest of the bot's modules are loaded, so the two overlap.
 */
export function prefetchSnapshotFile(path: string): Promise<ReadFile> {
  const read = readOffThread(path, DIGEST_BYTES);
  // Whoever awaits it sees a failure; until then, it is not an unhandled rejection.
  read.catch(() => {});
  return read;
}

/** Why a snapshot file cannot be used; the caller logs it and rebuilds. */
export class SnapshotUnusable extends Error {}

const typeOf = (v: SectionValue): SectionEntry['type'] =>
  Array.isArray(v) ? 'str' : v instanceof Int32Array ? 'i32' : v instanceof Uint32Array ? 'u32' : v instanceof Float32Array ? 'f32' : 'f64';

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** NUL bytes in `bytes` (a NUL appears in UTF-8 only as the separator). */
function separators(bytes: Buffer): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) count++;
  return count;
}

/** Encodes and writes a snapshot to `path` atomically; the previous file stays whole until the rename. Returns its size. */
export async function writeSnapshotFile(path: string, formatVersion: number, contents: Omit<SnapshotContents, 'createdAt'>): Promise<number> {
  const bodies: Buffer[] = [];
  const entries: SectionEntry[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(contents.sections)) {
    const bytes = Array.isArray(value) ? Buffer.from(value.join(SEPARATOR), 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    entries.push({ name, type: typeOf(value), offset, bytes: bytes.length, count: value.length });
    bodies.push(bytes, Buffer.alloc(pad8(bytes.length)));
    offset += bytes.length + pad8(bytes.length);
  }
  const header: Header = { fingerprint: contents.fingerprint, createdAt: new Date().toISOString(), values: contents.values, sections: entries };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = Buffer.alloc(16);
  MAGIC.copy(lead, 0);
  lead.writeUInt32LE(formatVersion, 8);
  lead.writeUInt32LE(json.length, 12);
  const start = 16 + json.length;
  const parts = [lead, json, Buffer.alloc(pad8(start)), ...bodies];
  // Checksummed in slices with turns of the event loop between them: no copy of the whole file, no long stall.
  let crc = 0;
  for (const part of parts) {
    for (let at = 0; at < part.length; at += HASH_SLICE) {
      crc = crc32(part.subarray(at, at + HASH_SLICE), crc);
      if (part.length > HASH_SLICE) await yieldToLoop();
    }
  }
  const digest = Buffer.alloc(DIGEST_BYTES);
  digest.writeUInt32LE(crc, 0);
  const size = parts.reduce((sum, p) => sum + p.length, 0) + DIGEST_BYTES;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      const { bytesWritten } = await handle.writev([...parts, digest]);
      if (bytesWritten !== size) throw new Error(`wrote ${bytesWritten} of ${size} bytes`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return size;
}

/**
 * Reads and checks a snapshot: missing (undefined), or its contents, or SnapshotUnusable when it is
 * truncated, corrupt (checksum), of another format version, or built by another fingerprint.
 * Typed arrays are views of the file's buffer; string lists are decoded when first read (a lazy
 * property of `sections`, counted now): at 100k papers some lists (the typo words, the stem
 * forms) are not needed by a restart, and their 540k strings cost about 0.1-0.2 s with the GC.
 */
export async function readSnapshotFile(path: string, formatVersion: number, fingerprint: string, prefetched?: Promise<ReadFile>): Promise<SnapshotContents | undefined> {
  let file: Buffer;
  let crc: number;
  try {
    ({ file, crc } = await (prefetched ?? readOffThread(path, DIGEST_BYTES)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotUnusable(`cannot read it (${(err as Error).message})`);
  }
  if (file.length < 16 + DIGEST_BYTES || !file.subarray(0, 8).equals(MAGIC)) throw new SnapshotUnusable('not a Paperboy index snapshot');
  const format = file.readUInt32LE(8);
  if (format !== formatVersion) throw new SnapshotUnusable(`format ${format}, this version reads format ${formatVersion}`);
  const body = file.subarray(0, file.length - DIGEST_BYTES);
  if (crc !== file.readUInt32LE(file.length - DIGEST_BYTES)) throw new SnapshotUnusable('checksum mismatch (corrupt or truncated)');
  const jsonBytes = file.readUInt32LE(12);
  const header = JSON.parse(file.subarray(16, 16 + jsonBytes).toString('utf8')) as Header;
  if (header.fingerprint !== fingerprint) throw new SnapshotUnusable('built by another analyzer or index options');
  const start = 16 + jsonBytes + pad8(16 + jsonBytes);
  const sections: Sections = {};
  for (const s of header.sections) {
    const at = start + s.offset;
    if (at + s.bytes > body.length) throw new SnapshotUnusable(`section ${s.name} runs past the end`);
    if (s.type === 'str') {
      const bytes = file.subarray(at, at + s.bytes);
      const strings = s.bytes === 0 && s.count === 0 ? 0 : separators(bytes) + 1;
      if (strings !== s.count) throw new SnapshotUnusable(`section ${s.name} holds ${strings} strings, not ${s.count}`);
      let list: string[] | undefined;
      Object.defineProperty(sections, s.name, {
        get: () => (list ??= s.count === 0 ? [] : bytes.toString('utf8').split(SEPARATOR)),
        enumerable: true,
      });
    } else {
      const Type = TYPES[s.type];
      const absolute = file.byteOffset + at;
      const buffer = file.buffer as ArrayBuffer;
      // A view when aligned (a large file read is); a copy otherwise.
      sections[s.name] = absolute % Type.BYTES_PER_ELEMENT === 0
        ? new Type(buffer, absolute, s.count)
        : new Type(buffer.slice(absolute, absolute + s.bytes));
    }
  }
  return { fingerprint: header.fingerprint, createdAt: new Date(header.createdAt), values: header.values, sections };
}
