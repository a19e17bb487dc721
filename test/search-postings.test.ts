import SearchableMap from 'minisearch/SearchableMap';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeWords, termsOfToken, tokenize } from '../src/core/search/analyze.js';
import { PaperIndex } from '../src/core/search/index.js';
import { addDoc, docBits, FieldPostings, hasDoc, Postings } from '../src/core/search/postings.js';
import { DocumentSequences } from '../src/core/search/sequences.js';
import { StemForms } from '../src/core/search/stem-forms.js';
import type { Paper } from '../src/core/types.js';
import { paper } from './fixtures/fake-search.js';

const papers: Paper[] = [
  paper('a', 'Neuro-Symbolic Program Synthesis', 'We combine neural networks with symbolic search. The neuro-symbolic learner writes programs; programs are checked.'),
  paper('b', "Graph Networks Don't Forget", 'Graph neural networks forget old graphs. We keep a replay buffer of graphs!'),
  paper('c', 'Program Repair with Language Models', 'Language models repair programs. Repair is checked by tests, and tests by humans.'),
  paper('d', 'Symbolic Regression', 'Search over expressions finds the law. No neural network is used.'),
];
const bm25 = { k: 1.2, b: 0.7, d: 0.5 };

/** Builds Postings the way PaperIndex feeds it: per field, term id -> count and the distinct raw tokens. */
function postingsOf(docs: Paper[]): Postings {
  const postings = new Postings();
  for (const p of docs) {
    const field = (text: string) => {
      const counts = new Map<number, number>();
      for (const t of analyze(text)) {
        const id = postings.intern(t);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return { terms: [...counts.keys()], counts: [...counts.values()], size: counts.size, length: new Set(tokenize(text)).size };
    };
    postings.add(p.id, field(p.title), field(p.abstract));
  }
  return postings;
}

describe('papers as bits (a word-form mask)', () => {
  it('hold exactly the papers added, an eighth of a byte each', () => {
    const bits = docBits(21);
    expect(bits.length).toBe(3);
    const added = [0, 7, 8, 15, 20];
    for (const doc of added) addDoc(bits, doc);
    expect(Array.from({ length: 21 }, (_, doc) => doc).filter((doc) => hasDoc(bits, doc))).toEqual(added);
  });
});

describe('score arrays lent for a query', () => {
  it('come back zeroed when given back mid-query, and a release does not take them twice', () => {
    const postings = postingsOf(papers);
    const first = postings.score([{ term: 'program', weight: 1 }], 2, bm25);
    expect(first.docs.length).toBeGreaterThan(0);
    const held = postings.score([{ term: 'graph', weight: 1 }], 2, bm25);
    postings.giveBack(first);
    const again = postings.lend();
    expect(again).toBe(first);
    expect(again.docs.length).toBe(0);
    expect([...again.scores].every((s) => s === 0) && [...again.inTitle].every((t) => t === 0)).toBe(true);
    postings.giveBack(again);
    postings.release();
    const lent = [postings.lend(), postings.lend(), postings.lend()];
    expect(new Set(lent).size).toBe(3);
    expect(lent).toContain(held);
    postings.release();
  });
});

describe('score arrays over many papers', () => {
  // 200 papers: "rare" in one (cleared paper by paper); "common" in 50, then "method" in 100 more:
  // 150 (cleared whole), the list growing past its first 64 ids with ids already in it.
  const title = (i: number) => (i < 50 ? `Common idea ${i}` : i < 150 ? `Method idea ${i}` : `Other title ${i}`);
  const many = Array.from({ length: 200 }, (_, i) => paper(`p${i}`, title(i), i === 7 ? 'A rare word.' : 'Plain text.'));

  it('list every paper scored once, and come back zeroed whether few or most had a score', () => {
    const postings = postingsOf(many);
    const rare = postings.score([{ term: 'rare', weight: 1 }], 2, bm25);
    expect(Array.from(rare.docs.ids.subarray(0, rare.docs.length))).toEqual([7]);
    const common = postings.score([{ term: 'common', weight: 1 }, { term: 'method', weight: 0.5 }], 2, bm25);
    expect(Array.from(common.docs.ids.subarray(0, common.docs.length)).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect([...common.scores].filter((s) => s > 0).length).toBe(150);
    for (const lent of [rare, common]) {
      postings.giveBack(lent);
      expect(lent.docs.length).toBe(0);
      expect([...lent.scores].every((s) => s === 0) && [...lent.inTitle].every((t) => t === 0)).toBe(true);
    }
  });
});

describe('term-id postings', () => {
  it('score the same as minisearch does with the same analyzer, float for float', () => {
    const mini = new MiniSearch<Paper>({ fields: ['title', 'abstract'], tokenize, processTerm: (t) => termsOfToken(t), searchOptions: { processTerm: (t) => t, bm25, boost: { title: 2 } } });
    mini.addAll(papers);
    const postings = postingsOf(papers);
    for (const query of [['program'], ['graph', 'network', 'symbol'], ['neurosymbol', 'repair', 'test']]) {
      const boost = (t: string) => 1 + t.length / 10;
      const ours = postings.searchAny(query, boost, 2, bm25).map((r) => [postings.externalId(r.doc), r.score]);
      const theirs = mini.search({ combineWith: 'OR', queries: query }, { boostTerm: boost }).map((r) => [r.id, r.score]);
      expect(ours).toEqual(theirs);
      expect(ours.length).toBeGreaterThan(0);
    }
  });

  it('write every term’s documents and counts as forEachDocOf visits them, title documents first', () => {
    const postings = postingsOf(papers);
    const docs = new Int32Array(64);
    const counts = new Int32Array(64);
    for (let t = 0; t < postings.vocabularySize; t++) {
      const visits: number[][] = [];
      postings.forEachDocOf(t, 2, (doc, count) => visits.push([doc, count]));
      const end = postings.writeDocsOf(t, 2, docs, counts, 3);
      expect(end - 3).toBeLessThanOrEqual(postings.postingsOf(t));
      expect([...docs.subarray(3, end)].map((doc, i) => [doc, counts[3 + i]])).toEqual(visits);
    }
    // "program": a and c in their titles (weighted) and abstracts.
    const program = postings.id('program');
    const end = postings.writeDocsOf(program, 2, docs, counts, 0);
    expect([...docs.subarray(0, end)].map((d) => postings.externalId(d))).toEqual(['a', 'c']);
    expect([...counts.subarray(0, end)]).toEqual([4, 3]);
  });

  it('fill the vocabulary tree as lookups need it: the same prefix and typo answers, in the same order, as a tree filled at intern', () => {
    const postings = new Postings();
    const eager = new SearchableMap<number>();
    const intern = (words: string[]) => words.forEach((w) => eager.set(w, postings.intern(w)));
    const prefixes = ['grap', 'neur', 'prog', 'sym', 'zz'];
    const same = () => {
      for (const p of prefixes) expect(postings.withPrefix(p)).toEqual([...eager.atPrefix(p).keys()].filter((t) => t !== p));
      for (const w of ['graff', 'neurall', 'symbolik']) expect(postings.near(w, 2)).toEqual([...eager.fuzzyGet(w, 2)].map(([t, [, d]]) => [t, d]));
    };
    intern(['graph', 'graphs', 'neural', 'neuron', 'program']);
    same();
    // Terms interned after a lookup, some put in by a partial fill, the rest by the next lookup.
    intern(['graphical', 'neurosymbolic', 'programs', 'symbol', 'symbolic', 'grapheme']);
    expect(postings.fillTree(2)).toBe(false);
    same();
    expect(postings.fillTree(1)).toBe(true);
  });

  it('visit title documents first, then abstract-only ones, with title counts weighted', () => {
    const postings = postingsOf(papers);
    const visits: [string, number][] = [];
    postings.forEachDoc('program', 2, (doc, count) => visits.push([postings.externalId(doc), count]));
    // a: title once (x2) + abstract twice; c: title once (x2) + abstract once.
    expect(visits).toEqual([['a', 4], ['c', 3]]);
    const network: string[] = [];
    postings.forEachDoc('network', 1, (doc) => network.push(postings.externalId(doc)));
    expect(network).toEqual(['b', 'a', 'd']);
    expect(postings.documentFrequency('network')).toBe(3);
    expect(postings.withPrefix('neuro')).toEqual(expect.arrayContaining(['neurosymbol']));
    expect(postings.near('grph', 1).map(([t]) => t)).toContain('graph');
  });

  it('keep counts past what a posting packs, across many blocks', () => {
    const field = new FieldPostings();
    for (let doc = 0; doc < 10_000; doc++) field.append(7, doc, doc === 9_999 ? 1_000 : (doc % 300) + 1);
    const seen: number[] = [];
    const counts: number[] = [];
    field.forEach(7, (doc, count) => {
      seen.push(doc);
      counts.push(count);
    });
    expect(seen).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(counts[299]).toBe(300);
    expect(counts[254]).toBe(255);
    expect(counts[9_999]).toBe(1_000);
    expect(field.df[7]).toBe(10_000);
    field.forEach(3, () => expect.unreachable());
  });

  it('export one exact block per term and end at the last term used; a loaded field reads and appends as the original', () => {
    const field = new FieldPostings();
    const docsOf = (f: FieldPostings, term: number) => {
      const out: [number, number][] = [];
      f.forEach(term, (doc, count) => out.push([doc, count]));
      return out;
    };
    // Interleaved terms, so chains of many blocks; term 1500 past the first growth; term 2 never used.
    for (let doc = 0; doc < 3_000; doc++) for (const term of [0, 1, 3, doc % 7 === 0 ? 1500 : 4]) field.append(term, doc, (doc % 5) + 1);
    field.append(9, 3_000, 400);
    const state = field.export();
    const used = [0, 1, 3, 4, 9, 1500];
    const postings = used.reduce((sum, t) => sum + field.df[t]!, 0);
    expect(state.pool.length).toBe(postings + 3 * used.length);
    expect(state.head.length).toBe(1501);
    expect(state.df.length).toBe(1501);

    const loaded = new FieldPostings();
    loaded.load(field.export());
    for (const term of [...used, 2, 7, 2000]) expect(docsOf(loaded, term)).toEqual(docsOf(field, term));
    expect(loaded.export()).toEqual(state);
    // Appends continue after the compact blocks, for old terms and new ones past the arrays' end.
    for (const f of [field, loaded]) {
      f.append(3, 3_001, 2);
      f.append(5_000, 3_001, 1);
    }
    for (const term of [3, 5_000]) expect(docsOf(loaded, term)).toEqual(docsOf(field, term));
    expect(loaded.export()).toEqual(field.export());
  });
});

describe('per-document term sequences', () => {
  it('hold analyze() and analyzeWords() of each field, compound joins marked, and the lead sentence', () => {
    const sequences = new DocumentSequences();
    const index = new PaperIndex(papers);
    const ids = postingsOf(papers);
    const encode = (text: string) => tokenize(text).flatMap((token) => {
      const terms = termsOfToken(token).map((t) => ids.id(t));
      return /-|'/.test(token) && terms.length > 1 ? [...terms.slice(0, -1), -1 - terms.at(-1)!] : terms;
    });
    for (const p of papers) sequences.add(encode(p.title), encode(p.abstract), encode(p.abstract.slice(0, p.abstract.indexOf('.') + 1)).length);
    papers.forEach((p, doc) => {
      const names = (a: Int32Array) => [...a].map((t) => ids.names[t]);
      expect(names(sequences.terms(doc, 'title'))).toEqual(analyze(p.title));
      expect(names(sequences.terms(doc, 'abstract'))).toEqual(analyze(p.abstract));
      expect(names(sequences.words(doc, 'abstract'))).toEqual(analyzeWords(p.abstract));
      expect(names(sequences.words(doc, 'lead'))).toEqual(analyzeWords(p.abstract.slice(0, p.abstract.indexOf('.') + 1)));
    });
    expect(sequences.documents).toBe(4);
    // The index reads the same streams: a phrase across a compound's parts is found, one spanning a join is not broken by it.
    expect(index.search('"neuro symbolic learner"').hits.map((h) => h.paper.id)).toEqual(['a']);
    expect(index.search('"symbolic learner writes"').hits.map((h) => h.paper.id)).toEqual(['a']);
  });

  it('are analysed when a paper is added: later edits to the paper object change nothing the index decides', () => {
    const copy = papers.map((p) => ({ ...p }));
    const index = new PaperIndex(copy);
    const before = index.match('program repair').map((h) => h.paper.id);
    for (const p of copy) Object.assign(p, { title: 'Unrelated', abstract: 'unrelated words only' });
    expect(index.match('program repair').map((h) => h.paper.id)).toEqual(before);
    expect(before).toContain('c');
  });
});

describe('stem forms', () => {
  /** Papers (ascending) with their terms, and which forms each uses for them, added as PaperIndex adds them. */
  const formsOf = (papers: { terms: number[]; forms: [number, string][] }[]) => {
    const termDocs = new Map<number, number[]>();
    const forms = new StemForms((term) => termDocs.get(term) ?? []);
    papers.forEach((paper, doc) => {
      for (const t of paper.terms) termDocs.set(t, [...(termDocs.get(t) ?? []), doc]);
      for (const [term, form] of paper.forms) forms.add(term, form, doc);
      forms.endDoc(doc, { terms: paper.terms, size: paper.terms.length });
    });
    return forms;
  };

  it('keep each term\'s forms in first-use order with their papers, a form shared by two terms apart', () => {
    const forms = formsOf([
      { terms: [3], forms: [[3, 'organ'], [3, 'organization']] },
      { terms: [5], forms: [[5, 'organ']] },
      { terms: [3, 7], forms: [[3, 'organ']] },
      // Term 3 without a form of it (a compound's part): not among the first form's papers.
      { terms: [3], forms: [] },
      { terms: [3, 5], forms: [[3, 'organization']] },
    ]);
    expect(forms.count(3)).toBe(2);
    expect(forms.count(5)).toBe(1);
    expect(forms.count(9)).toBe(0);
    expect(forms.count(-1)).toBe(0);
    expect(forms.of(3)).toEqual(new Map([['organ', [0, 2]], ['organization', [0, 4]]]));
    expect(forms.of(5)).toEqual(new Map([['organ', [1]]]));
    expect(forms.of(9)).toEqual(new Map());
  });

  it('give a first form only the papers that used it, when papers had the term before it had a form', () => {
    const forms = formsOf([
      { terms: [2], forms: [] },
      { terms: [2], forms: [] },
      { terms: [2], forms: [[2, 'learn']] },
      { terms: [2], forms: [[2, 'learning']] },
      { terms: [2], forms: [[2, 'learn'], [2, 'learning']] },
    ]);
    expect(forms.of(2)).toEqual(new Map([['learn', [2, 4]], ['learning', [3, 4]]]));
    // Restored from its arrays, then added to: the same.
    const termDocs = [0, 1, 2, 3, 4, 5, 6];
    const restored = new StemForms(() => termDocs);
    restored.load(forms.export());
    restored.add(2, 'learn', 5);
    restored.endDoc(5, { terms: [2], size: 1 });
    restored.endDoc(6, { terms: [2], size: 1 });
    expect(restored.of(2)).toEqual(new Map([['learn', [2, 4, 5]], ['learning', [3, 4]]]));
  });
});
