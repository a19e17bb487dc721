/**
 * Exact string -> number for a fixed list of short keys, made for a million look-ups of fresh
 * strings: a planning pass's target keys against the holders of its papers' deliveries, read from
 * SQLite. Each slot is one 64-byte cache line holding a key's hash, number, length and characters
 * (ASCII, four to an int), so a look-up reads one line and compares in place, where a table of JS
 * strings (StringIds) reads the slot, the list and the string: about half the time at 100k
 * targets. Keys longer than a slot holds, or not ASCII, are kept in a Map.
 */
export class PackedKeys {
  private constructor(
    private readonly slots: Int32Array,
    private readonly mask: number,
    private readonly others: Map<string, number>,
  ) {}

  /** Key `i` of `keys` has number i (a key listed twice keeps its first). */
  static of(keys: readonly string[]): PackedKeys {
    let size = 1;
    while (size < 2 * keys.length) size *= 2;
    const table = new PackedKeys(new Int32Array(size * SLOT), size - 1, new Map());
    keys.forEach((key, i) => table.add(key, i));
    return table;
  }

  /** The key's number, or -1 when it is not one of the keys. */
  get(key: string): number {
    const h = packedHash(key);
    if (h === 0) return this.others.get(key) ?? -1;
    const { slots, mask } = this;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const s = at * SLOT;
      const number = slots[s + NUMBER]! - 1;
      if (number < 0) return -1;
      if (slots[s + HASH] === h && slots[s + LENGTH] === key.length && sameChars(slots, s, key)) return number;
    }
  }

  private add(key: string, number: number): void {
    const h = packedHash(key);
    if (h === 0) {
      if (!this.others.has(key)) this.others.set(key, number);
      return;
    }
    const { slots, mask } = this;
    let at = h & mask;
    for (; slots[at * SLOT + NUMBER] !== 0; at = (at + 1) & mask) {
      const s = at * SLOT;
      if (slots[s + HASH] === h && slots[s + LENGTH] === key.length && sameChars(slots, s, key)) return;
    }
    const s = at * SLOT;
    slots[s + HASH] = h;
    slots[s + NUMBER] = number + 1;
    slots[s + LENGTH] = key.length;
    for (let i = 0; i < key.length; i++) slots[s + CHARS + (i >> 2)]! |= key.charCodeAt(i) << ((i & 3) << 3);
  }
}

/** Ints per slot: hash, number + 1 (0: empty), length, then the characters. */
const SLOT = 16;
const HASH = 0;
const NUMBER = 1;
const LENGTH = 2;
const CHARS = 3;
const MAX_CHARS = (SLOT - CHARS) * 4;

function sameChars(slots: Int32Array, s: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) if (((slots[s + CHARS + (i >> 2)]! >>> ((i & 3) << 3)) & 0xff) !== key.charCodeAt(i)) return false;
  return true;
}

/** FNV-1a over the key's characters, never 0; 0 when a slot cannot hold the key (too long, or not ASCII). */
function packedHash(key: string): number {
  if (key.length > MAX_CHARS) return 0;
  let h = 0x811c9dc5;
  let wide = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    wide |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return wide > 0x7f ? 0 : h || 1;
}
