/** Two independent 32-bit hashes of a string (FNV-1a and a multiply-xorshift), taken in one pass. */
export type Fingerprint = (key: string, out: Int32Array) => void;

export const fingerprint: Fingerprint = (key, out) => {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out[0] = a;
  out[1] = b;
};

/**
 * Numbers for a fixed list of keys, found by a 64-bit fingerprint in flat arrays. Looking up a
 * key that is not in the list gives -1, except when its fingerprint equals a listed key's: a
 * chance of about 2^-64 per look-up. It exists for look-ups by the hundred thousand with keys
 * made fresh each time (read from SQLite), where a Map's hashing and compares cost two to four
 * times as much. Two listed keys with one fingerprint cannot be told apart: both are left out (-1).
 */
export class KeyFingerprints {
  private readonly mask: number;
  private readonly numbers: Int32Array;
  private readonly first: Int32Array;
  private readonly second: Int32Array;
  private readonly scratch = new Int32Array(2);

  /** Numbers keys[i] as i; a key listed twice keeps its first number. */
  constructor(keys: readonly string[], private readonly hash: Fingerprint = fingerprint) {
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.numbers = new Int32Array(size).fill(-1);
    this.first = new Int32Array(size);
    this.second = new Int32Array(size);
    keys.forEach((key, n) => {
      const slot = this.slot(key);
      if (this.numbers[slot] === -1) {
        this.numbers[slot] = n;
        this.first[slot] = this.scratch[0]!;
        this.second[slot] = this.scratch[1]!;
      } else if (keys[this.numbers[slot]!] !== key) {
        this.numbers[slot] = -2; // two keys, one fingerprint: neither can be told apart, so both are left out
      }
    });
  }

  /** The key's number, or -1. */
  get(key: string): number {
    const n = this.numbers[this.slot(key)]!;
    return n < 0 ? -1 : n;
  }

  /** The slot holding the key's fingerprint, or the empty one where it would go. */
  private slot(key: string): number {
    this.hash(key, this.scratch);
    const a = this.scratch[0]!;
    const b = this.scratch[1]!;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const n = this.numbers[slot]!;
      if (n === -1 || (this.first[slot] === a && this.second[slot] === b)) return slot;
    }
  }
}
