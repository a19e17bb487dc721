/**
 * tokenize()'s tokens (analyze.ts TOKEN) found by hand in a lower-cased text, as offsets and a
 * hash rather than strings: an index build looks each token up in its TokenTable by its
 * characters, so a token seen before costs neither a string nor a Map lookup (at 100k papers,
 * 17 million tokens of which 270 thousand distinct). Matches TOKEN exactly: runs of \p{L} or
 * \p{N} code points, joined by one of ' ’ - standing between two such characters.
 */
export class TokenSpans {
  /** Token i is text.slice(starts[i], ends[i]), its hash hashes[i] (spanHash). */
  starts = new Int32Array(512);
  ends = new Int32Array(512);
  hashes = new Int32Array(512);
  length = 0;

  /** Finds the tokens of `text` (already lower-cased, as tokenize does first); returns how many. */
  scan(text: string): number {
    const n = text.length;
    let count = 0;
    let i = 0;
    while (i < n) {
      let width = wordWidth(text, i);
      if (width === 0) {
        i++;
        continue;
      }
      const start = i;
      let hash = 0;
      for (;;) {
        for (; width > 0; width = i < n ? wordWidth(text, i) : 0) {
          hash = Math.imul(hash, 31) + text.charCodeAt(i);
          if (width === 2) hash = Math.imul(hash, 31) + text.charCodeAt(i + 1);
          i += width;
        }
        if (i + 1 < n && isJoiner(text.charCodeAt(i)) && (width = wordWidth(text, i + 1)) > 0) {
          hash = Math.imul(hash, 31) + text.charCodeAt(i);
          i++;
          continue;
        }
        break;
      }
      if (count === this.starts.length) this.grow();
      this.starts[count] = start;
      this.ends[count] = i;
      this.hashes[count] = hash | 0;
      count++;
    }
    return (this.length = count);
  }

  private grow(): void {
    const size = this.starts.length * 2;
    for (const key of ['starts', 'ends', 'hashes'] as const) {
      const grown = new Int32Array(size);
      grown.set(this[key]);
      this[key] = grown;
    }
  }
}

/** The hash TokenSpans gives text.slice(start, end) when it is a token. */
export function spanHash(text: string, start = 0, end = text.length): number {
  let hash = 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash, 31) + text.charCodeAt(i);
  return hash | 0;
}

const isJoiner = (c: number) => c === 0x27 || c === 0x2d || c === 0x2019;

/** Code units of the \p{L} or \p{N} code point at `i` (2 for a surrogate pair), 0 when there is none. */
function wordWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const low = text.charCodeAt(i + 1);
    if (!(low >= 0xdc00 && low <= 0xdfff)) return 0;
    return isWordCodePoint((c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000) ? 2 : 0;
  }
  let known = bmpWord[c]!;
  if (known === 0) bmpWord[c] = known = WORD.test(String.fromCharCode(c)) ? 1 : 2;
  return known === 1 ? 1 : 0;
}

const WORD = /^[\p{L}\p{N}]$/u;
/** Per BMP code unit: 0 not yet known, 1 a word character, 2 not one (lone surrogates are not). */
const bmpWord = new Uint8Array(0x10000);
const astralWord = new Map<number, boolean>();

function isWordCodePoint(codePoint: number): boolean {
  let known = astralWord.get(codePoint);
  if (known === undefined) astralWord.set(codePoint, (known = WORD.test(String.fromCodePoint(codePoint))));
  return known;
}

/**
 * Where a text's first sentence ends (after its . ! or ? followed by a space or the end), or the
 * text's length. On a lower-cased text it gives the place the original's would: lower-casing
 * changes no such character.
 */
export function firstSentenceEnd(text: string): number {
  const end = text.search(/[.!?](\s|$)/);
  return end < 0 ? text.length : end + 1;
}

/** How many of the scanned tokens start before `offset` (they are in order). */
export function tokensBefore(spans: TokenSpans, offset: number): number {
  let count = 0;
  while (count < spans.length && spans.starts[count]! < offset) count++;
  return count;
}
