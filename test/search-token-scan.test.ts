import { describe, expect, it } from 'vitest';
import { prng } from '../bench/lib/synthetic.js';
import { compoundParts, termsOfToken, tokenize } from '../src/core/search/analyze.js';
import { DEFAULT_RANKING } from '../src/core/search/options.js';
import { PaperIndex } from '../src/core/search/paper-index.js';
import { firstSentenceEnd, spanHash, TokenSpans, tokensBefore } from '../src/core/search/token-scan.js';
import { TokenTable } from '../src/core/search/token-table.js';
import type { Paper } from '../src/core/types.js';

/** Texts where a hand-written tokenizer could part from TOKEN: joiners at edges, case mappings that change length, astral letters, lone surrogates, marks. */
const ODD = [
  '',
  '   ',
  'Chain-of-Thought prompting for LLMs.',
  "don't -leading trailing- a--b x-'y it's o’neill rock'n'roll",
  'İstanbul İİ kİ', // İ lower-cases to two code units
  'İİİİİİ graph. b c',
  'ΟΔΟΣ. ΑΣ.Β ΣΑΣ', // final sigma depends on what follows
  '𝔸𝔹ℂ x𝔸y 😀😀 a😀b 𝟙𝟚', // astral letters and digits, an emoji (neither)
  'lone \ud800 high, lone \udc00 low, pair-\ud835\udd38',
  'cafe\u0301 naïve résumé Ǆ ǅ ǈ', // a combining mark splits a token; title-case letters
  '½ ¾ ² x² ٣٤ 一二三 日本語テキスト',
  'U.S.A. e.g. v1.2.3 3.14 GPT-4o, Llama-2-70B!',
  'end?No space.Yes! Really? ',
  "'quoted' ’curly’ -dash- ---",
  'ABC DEF ghi\tJKL\nmno\u00a0pqr\u2028stu',
];

const ALPHABET = ['a', 'B', 'z', '0', '9', ' ', '-', "'", '’', '.', '!', '?', '\n', 'é', 'İ', 'Σ', 'ß', '\u0301', '𝔸', '😀', '\ud800', '\udc00', '½', '一', '_', ','];

function randomTexts(count: number, seed: number): string[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(random() * 40) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]!).join(''));
}

function spansOf(text: string): string[] {
  const spans = new TokenSpans();
  const lower = text.toLowerCase();
  const n = spans.scan(lower);
  return Array.from({ length: n }, (_, i) => lower.slice(spans.starts[i]!, spans.ends[i]!));
}

describe('token spans', () => {
  it('finds exactly tokenize()’s tokens, odd texts and random ones alike', () => {
    for (const text of [...ODD, ...randomTexts(3000, 7)]) expect(spansOf(text), JSON.stringify(text)).toEqual(tokenize(text));
  });

  it('hashes each token as spanHash hashes the token alone', () => {
    const spans = new TokenSpans();
    const text = 'neuro-symbolic 𝔸x graph graph '.repeat(200);
    const n = spans.scan(text);
    expect(n).toBeGreaterThan(512); // past the first arrays
    for (let i = 0; i < n; i++) expect(spans.hashes[i]).toBe(spanHash(text.slice(spans.starts[i]!, spans.ends[i]!)));
  });

  it('counts the tokens of the first sentence as tokenize(firstSentence) did', () => {
    const firstSentence = (text: string) => {
      const end = text.search(/[.!?](\s|$)/);
      return end < 0 ? text : text.slice(0, end + 1);
    };
    const spans = new TokenSpans();
    for (const text of [...ODD, ...randomTexts(3000, 11)]) {
      const lower = text.toLowerCase();
      spans.scan(lower);
      expect(tokensBefore(spans, firstSentenceEnd(lower)), JSON.stringify(text)).toBe(tokenize(firstSentence(text)).length);
    }
  });
});

describe('token table lookup by span', () => {
  it('finds a token by its place in a text, and tells apart tokens of the same hash', () => {
    const table = new TokenTable();
    // "Aa" and "BB" hash alike (31 * 65 + 97 = 31 * 66 + 66).
    expect(spanHash('Aa')).toBe(spanHash('BB'));
    const a = table.add('Aa', [1], undefined, false);
    expect(table.id('BB')).toBe(-1);
    const b = table.add('BB', [2], undefined, false);
    const text = 'x BB Aa Ab';
    expect(table.spanId(text, 2, 4, spanHash('BB'))).toBe(b);
    expect(table.spanId(text, 5, 7, spanHash('Aa'))).toBe(a);
    expect(table.spanId(text, 8, 10, spanHash('Ab'))).toBe(-1);
    expect(table.spanId(text, 5, 6, spanHash('A'))).toBe(-1);
  });

  it('keeps finding every token as its slots grow', () => {
    const table = new TokenTable();
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
    words.forEach((w, i) => expect(table.add(w, [i], undefined, false)).toBe(i));
    words.forEach((w, i) => expect(table.id(w)).toBe(i));
    expect(table.id('w')).toBe(-1);
    expect(table.id('')).toBe(-1);
  });
});

/** What an index built from these papers holds per paper, worked out from tokenize() and termsOfToken() alone (the build's analysis before token-scan.ts). */
function expectedAnalysis(papers: Paper[]) {
  const words = new Map<string, string>();
  const field = (text: string) => {
    const sequence: string[] = [];
    for (const token of tokenize(text)) {
      const terms = termsOfToken(token);
      if (terms.length === 1 && token.length >= DEFAULT_RANKING.minFuzzyLength && !words.has(token)) words.set(token, terms[0]!);
      const joined = terms.length > 0 && /['’-]/.test(token) && compoundParts(token).length > 1;
      terms.forEach((t, k) => sequence.push(k === terms.length - 1 && joined ? `~${t}` : t));
    }
    return { sequence, length: new Set(tokenize(text)).size };
  };
  const perPaper = papers.map((p) => {
    const end = p.abstract.search(/[.!?](\s|$)/);
    const leadTokens = tokenize(end < 0 ? p.abstract : p.abstract.slice(0, end + 1)).length;
    const lead = tokenize(p.abstract).slice(0, leadTokens).reduce((sum, token) => sum + termsOfToken(token).length, 0);
    return { title: field(p.title), abstract: field(p.abstract), lead };
  });
  return { perPaper, words };
}

describe('index build over odd texts', () => {
  const papers: Paper[] = ODD.map((text, i) => ({
    id: `odd-${i}`,
    title: i % 3 === 0 ? '' : `${ODD[(i + 5) % ODD.length]} graph graph networks`,
    abstract: i === 1 ? '' : `${text} Repeated repeated REPEATED words. Second sentence-level idea. ${text}`,
    url: `https://example.org/${i}`,
  }));

  it('holds the sequences, first-sentence ends, field lengths and typo words the analyzer gives', () => {
    const state = new PaperIndex(papers).exportState();
    const { perPaper, words } = expectedAnalysis(papers);
    const name = (entry: number) => (entry < 0 ? `~${state.terms[-1 - entry]}` : state.terms[entry]!);
    const o = state.sequenceOffsets;
    perPaper.forEach((expected, doc) => {
      const title = [...state.sequencePool.subarray(o[3 * doc]!, o[3 * doc + 1]!)].map(name);
      const end = doc + 1 < perPaper.length ? o[3 * doc + 3]! : state.sequencePool.length;
      const abstract = [...state.sequencePool.subarray(o[3 * doc + 1]!, end)].map(name);
      expect(title, `title of ${doc}`).toEqual(expected.title.sequence);
      expect(abstract, `abstract of ${doc}`).toEqual(expected.abstract.sequence);
      expect(o[3 * doc + 2]! - o[3 * doc + 1]!, `lead of ${doc}`).toBe(expected.lead);
      expect(state.titleLengths[doc]).toBe(expected.title.length);
      expect(state.abstractLengths[doc]).toBe(expected.abstract.length);
    });
    expect(state.wordTokens).toEqual([...words.keys()]);
    expect([...state.wordTerms].map((t) => state.terms[t])).toEqual([...words.values()]);
  });

  it('builds the same state one paper at a time as all at once, and after a restore', () => {
    const whole = new PaperIndex(papers).exportState();
    const stepwise = new PaperIndex([]);
    for (const p of papers) stepwise.add([p], { fit: false });
    stepwise.compact();
    const restored = PaperIndex.restore(new PaperIndex(papers.slice(0, 5)).exportState(), (id) => papers.find((p) => p.id === id));
    restored.add(papers.slice(5), { fit: false });
    restored.compact();
    for (const other of [stepwise.exportState(), restored.exportState()]) {
      expect(other.terms).toEqual(whole.terms);
      expect(other.sequencePool).toEqual(whole.sequencePool);
      expect(other.sequenceOffsets).toEqual(whole.sequenceOffsets);
      expect(other.abstractLengths).toEqual(whole.abstractLengths);
      expect(other.wordTokens).toEqual(whole.wordTokens);
    }
  });
});
