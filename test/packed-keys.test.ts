import { describe, expect, it } from 'vitest';
import { PackedKeys } from '../src/core/packed-keys.js';

/** FNV-1a as PackedKeys hashes: to find two keys only a comparison of their characters can tell apart. */
function fnv(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

describe('PackedKeys', () => {
  it('finds every key by its number, the first of a key listed twice, and nothing else', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `slack:T0123ABCD:dm:U${i.toString(36).toUpperCase()}`);
    keys.push(keys[7]!);
    const table = PackedKeys.of(keys);
    keys.forEach((k, i) => expect(table.get(`${k}`)).toBe(i === keys.length - 1 ? 7 : i));
    for (const absent of ['', 'slack:T0123ABCD:dm:U', 'slack:T0123ABCD:dm:U0 ', 'slack:T0123ABCD:dm:u1', 'lack:T0123ABCD:dm:U1']) expect(table.get(absent)).toBe(-1);
  });

  it('keeps long and non-ASCII keys exact too, and never reads a wide character as its low byte', () => {
    const long = `discord:${'9'.repeat(19)}:dm:${'8'.repeat(19)}:${'x'.repeat(20)}`;
    const table = PackedKeys.of(['console:local:dm:zoë', long, 'a', '😀']);
    expect([table.get('console:local:dm:zoë'), table.get(long), table.get('a'), table.get('😀')]).toEqual([0, 1, 2, 3]);
    // U+0161 has 0x61 ("a") as its low byte.
    expect(table.get('\u0161')).toBe(-1);
    expect(table.get(long.slice(0, -1))).toBe(-1);
    expect(table.get('console:local:dm:zoe')).toBe(-1);
  });

  it('tells apart two keys with the same hash by their characters', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    // Random 10-letter ids: a 32-bit hash repeats within some 10^5 of them (the birthday bound).
    let seed = 1;
    const letter = () => String.fromCharCode(65 + ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 26);
    for (let i = 0; !pair && i < 1_000_000; i++) {
      const key = `slack:T:dm:U${Array.from({ length: 10 }, letter).join('')}`;
      const other = seen.get(fnv(key));
      if (other !== undefined && other.length === key.length) pair = [other, key];
      seen.set(fnv(key), key);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const table = PackedKeys.of([a]);
    expect(table.get(a)).toBe(0);
    expect(table.get(b)).toBe(-1);
    expect(PackedKeys.of([a, b]).get(b)).toBe(1);
  });
});
