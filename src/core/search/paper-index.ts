import SearchableMap from 'minisearch/SearchableMap';
import type { Neighbour, PaperSearch, SearchHit, SearchPage } from '../search-port.js';
import type { Paper } from '../types.js';
import { compoundParts, termsOfToken } from './analyze.js';
import { ownWordEvidence } from './evidence.js';
import { wordForm } from './stem.js';
import {
  checkOptions, DEFAULT_MATCH, DEFAULT_RANKING, DEFAULT_SIMILAR,
  type MatchOptions, type PaperIndexOptions, type RankingOptions, type SimilarOptions,
} from './options.js';
import { addDoc, docBits, grow, hasDoc, Postings, type DocBits, type DocList, type TermScores, type WeightedTerm } from './postings.js';
import { FieldScratch, LastSeen, TokenTable } from './token-table.js';
import { firstSentenceEnd, TokenSpans, tokensBefore } from './token-scan.js';
import { parseQuery, type Concept, type ParsedQuery } from './query.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { textHash } from '../corpus/text-hash.js';
import { exportState, exportSteps, importState, type IndexState } from './index-state.js';
import type { LatentFitter } from './latent-fitter.js';
import { fitInput, nearestOf, SemanticSpace, type CorpusTerms, type FittedSpace, type TermCounts } from './semantic.js';
import { DocumentSequences } from './sequences.js';
import { StemForms } from './stem-forms.js';
import { heapPush, heapReplaceTop } from './min-heap.js';
import { StringIds } from '../string-ids.js';
import { containsSequence, countSequence } from './sequence.js';

/** One query concept's scores over the corpus, and every index term that stood for it. */
interface ConceptScores extends TermScores {
  terms: Set<string>;
  /** The terms standing for the concept's own single words: not the latent related terms. */
  ownWords: Set<string>;
  /** Papers having the concept's own words, for its idf: expansions must not make a word look common. */
  ownDocs: number;
  alternatives: string[][];
  /** When the word's stem class holds words the corpus uses differently: the papers using the word's own forms. */
  allowed?: { term: string; docs: DocBits };
  /** terms, ownWords and the multi-word alternatives as term ids (-1 for a term the corpus lacks). */
  termIds: Set<number>;
  ownIds: Set<number>;
  phraseIds: Int32Array[];
  /**
   * Per multi-word alternative, the papers having all its words: the first `length` of `docs`
   * (later alternatives may append to that list; lent with the scores, valid until release).
   */
  phraseDocs: { docs: DocList; length: number }[];
  /**
   * True when a paper has the concept's own words exactly where it has a score: no latent related
   * term, every weight positive, at most one word-form mask that applies to every single-word match.
   */
  presenceIsScore: boolean;
  /** Papers with a score (for a deferred concept: all it will have once scored). */
  papers: number;
  /**
   * For a one-word concept scored only where needed (see deferredConcept): its term id, else -1.
   * Its scores then hold the papers worked out so far, and `max` may be an upper bound.
   */
  deferred: number;
}

export interface Ranked {
  /** minisearch's short document id. */
  doc: number;
  score: number;
}

/** Candidates past the leaders, unsorted: views of reusable arrays, valid until the next query. */
export interface Rest {
  docs: Int32Array;
  scores: Float64Array;
  length: number;
}

interface Ranking {
  /** Best first; only as many as were needed, unless all were. */
  ranked: Ranked[];
  /** The other papers past the threshold, unsorted (empty when all were needed). */
  rest: Rest;
  concepts: ConceptScores[];
  /** Per concept, the idf of its own words (see isAbout). */
  idf: number[];
}

/** When nothing matches a search, this many nearest papers are offered, marked as such. */
const NEAREST_SHOWN = 3;
/** How many query terms' related terms are kept at hand. */
const RELATED_CACHE_LIMIT = 10_000;
/** No papers skipped (nearestOf): the full-scan blend zeroes the similarities of those it must skip. */
const NO_MARKS = new Uint8Array(0);
/**
 * A deferred concept is scored at a walked concept's papers one by one (a binary search per field)
 * while they number under its postings divided by this; past that, all its postings are scored.
 */
const LOOKUPS_PER_POSTING = 8;
/** Candidates below this share of the best score are dropped before re-ranking (re-ranking moves scores by less). */
const PREFILTER_SHARE = 0.5;
const identity = (term: string) => term;
const byScore = (a: Ranked, b: Ranked) => b.score - a.score || a.doc - b.doc;

/**
 * The in-memory paper index: term-id postings and per-paper term sequences in typed arrays
 * (postings.ts, sequences.ts; minisearch's radix tree for prefix and fuzzy lookup), BM25 and
 * concept-aware ranking on top.
 */
export class PaperIndex implements PaperSearch {
  private readonly papers = new Map<string, Paper>();
  /** Papers by short id. */
  private readonly byShortId: Paper[] = [];
  private shortIds = new StringIds();
  private readonly postings = new Postings();
  /** Every paper's index terms in reading order, analysed once at add(). */
  private readonly sequences = new DocumentSequences();
  private readonly ranking: RankingOptions;
  private readonly matching: MatchOptions;
  private readonly similarity: SimilarOptions;
  /** Every word the papers use (at least minFuzzyLength letters) -> its index term, for correcting typos word by word. */
  private readonly words = new Map<string, string>();
  /** Restored words not yet in `words`: a restore that adds no paper and meets no typo never builds that map (270k words at 100k papers). */
  private restoredWords?: { tokens: string[]; terms: Int32Array; names: string[] };
  /** The same words in a radix tree for fuzzy lookup, filled from wordsPending when a typo needs it. */
  private readonly wordTree = new SearchableMap<string>();
  private wordsPending: string[] = [];
  /** Restored words not yet in the tree either, read from the snapshot's state when a typo first needs them. */
  private restoredTypos?: () => string[];
  /** relatedTerms per query term (a scan of the whole vocabulary), until the next paper is added. */
  private readonly related = new Map<string, [string, number][]>();
  /** usedAlike per "term variant", until the next paper is added. */
  private readonly alikeCache = new Map<string, boolean>();
  /** Per index term, the word forms papers use for it, each with the papers using it: a stem class told apart by use. */
  private readonly forms = new StemForms((term) => this.postings.docsOf(term), (term) => this.postings.documentFrequencyOf(term));
  /** formsAlike per "term form", until the next paper is added. */
  private readonly formsCache = new Map<string, DocBits | null>();
  private readonly semantic: SemanticSpace;
  /** Where refits run when the corpus has grown (a worker thread); without one they run in add(). */
  private fitter?: LatentFitter;
  /** The background fit in flight, if any. */
  private fitting?: Promise<void>;
  /** Papers added while a background fit runs: projected into the new space once it is installed. */
  private addedWhileFitting?: Map<number, TermCounts>;
  private fits = 0;
  /** textHash per short id, for a snapshot to tell whether a paper's text changed since. */
  private textHashes = new Uint32Array(1024);
  /** meanDocVector, until the next paper is added or the space refitted. */
  private meanVector: Float32Array | undefined;
  private meanDotsOf: { mean: Float32Array; dots: Float64Array } | undefined;

  constructor(papers: Paper[] = [], options: PaperIndexOptions = {}) {
    checkOptions(options);
    this.ranking = { ...DEFAULT_RANKING, ...options.ranking };
    this.matching = { ...DEFAULT_MATCH, ...options.match };
    this.similarity = { ...DEFAULT_SIMILAR, ...options.similar };
    this.semantic = new SemanticSpace({ dims: this.ranking.semanticDims, sampleSize: this.ranking.semanticSample });
    this.add(papers);
    if (papers.length > 0) this.compact();
  }

  get size(): number {
    return this.papers.size;
  }

  /**
   * Tests: true turns the query path's shortcuts off, to show they change nothing: rank() walks
   * every candidate (no bound skip), scores every concept in full (no deferred concept, no factor
   * table); search() marks presence from the postings; isAbout reads a copy of the paper's words;
   * the semantic blend takes its largest similarity in a pass of its own.
   */
  static referenceRanking = false;

  /** Candidate papers rank() has scored so far (tests read it to see the skip at work). */
  candidatesScored = 0;

  get(id: string): Paper | undefined {
    return this.papers.get(id);
  }

  /**
   * Adds papers not yet indexed. When the corpus has doubled since the latent space was fitted, it
   * is refitted: in the background when a fitter is attached, else here. `{ fit: false }` leaves
   * that to a later fitLatent(), for a build in slices.
   */
  add(papers: Paper[], options: { fit?: boolean } = {}): Paper[] {
    const fresh: Paper[] = [];
    for (const paper of papers) {
      if (this.papers.has(paper.id)) continue;
      this.papers.set(paper.id, paper);
      fresh.push(paper);
    }
    if (fresh.length) {
      this.changes++;
      this.related.clear();
      this.meanVector = undefined;
      this.alikeCache.clear();
      this.formsCache.clear();
    }
    for (const paper of fresh) {
      const title = this.analyzeField(paper.title, this.titleScratch, false);
      const abstract = this.analyzeField(paper.abstract, this.abstractScratch, true);
      const doc = this.postings.add(paper.id, title, abstract);
      this.byShortId[doc] = paper;
      this.shortIds.set(paper.id, doc);
      this.hashText(doc, paper);
      this.sequences.add(title.sequence, abstract.sequence, abstract.lead);
      const forms = this.formScratch;
      for (const formText of forms.keys) this.forms.addDoc(this.formId(forms.get(formText), formText, doc), doc);
      this.forms.endDoc(doc, title, abstract);
      // Once fitted, the latent space takes new papers in as they come, until the next refit.
      if (this.semantic.fitted || this.addedWhileFitting) {
        const counts = this.latentTerms(title.sequence, abstract.sequence);
        if (this.semantic.fitted) this.semantic.setDoc(doc, counts);
        this.addedWhileFitting?.set(doc, counts);
      }
    }
    if (fresh.length && options.fit !== false && this.semantic.wantsRefit(this.papers.size)) {
      if (this.fitter) void this.fitLatent();
      else this.fitNow();
    }
    return fresh;
  }

  private tokens = new TokenTable();
  private readonly spans = new TokenSpans();
  private titleScratch = new FieldScratch();
  private abstractScratch = new FieldScratch();
  /** The paper's word forms (TokenTable form ids), each with the term of its last use. */
  private formScratch = new LastSeen();
  /** Stamp of the field being read, to mark its distinct tokens in the token table. */
  private fieldStamp = 0;
  /** Per TokenTable form id, the term and StemForms id it was last filed under. */
  private formTerms = new Int32Array(1024).fill(-1);
  private formIds = new Int32Array(1024);

  /**
   * Tokenizes one field once: its term counts by id, its sequence (sequences.ts) and, for the
   * abstract (`lead`), the entries before its first sentence's end, its BM25 length (distinct raw
   * tokens); the paper's word forms go to formScratch (reset by the title). Tokens are looked up
   * by their place in the text (token-scan.ts); only new ones become strings, analysed once
   * (analyzeToken).
   */
  private analyzeField(text: string, out: FieldScratch, lead: boolean): FieldScratch {
    const lower = text.toLowerCase();
    const spans = this.spans;
    const tokens = spans.scan(lower);
    const leadTokens = lead ? tokensBefore(spans, firstSentenceEnd(lower)) : -1;
    out.reset();
    const stamp = ++this.fieldStamp;
    if (!lead) this.formScratch.reset();
    const table = this.tokens;
    const sequence = out.sequence;
    let distinct = 0;
    for (let i = 0; i < tokens; i++) {
      if (i === leadTokens) out.lead = sequence.length;
      let id = table.spanId(lower, spans.starts[i]!, spans.ends[i]!, spans.hashes[i]!);
      if (id < 0) id = this.analyzeToken(lower.slice(spans.starts[i]!, spans.ends[i]!));
      if (table.mark(id, stamp)) distinct++;
      const form = table.formOf(id);
      const start = table.termStart(id);
      const count = table.termCount(id);
      const pool = table.termPool;
      if (form >= 0) this.formScratch.set(form, pool[start]!);
      for (let k = 0; k < count; k++) {
        const term = pool[start + k]!;
        out.count(term);
        sequence.push(k === count - 1 && table.joinedLast(id) ? -1 - term : term);
      }
    }
    if (leadTokens < 0 || leadTokens >= tokens) out.lead = sequence.length;
    out.length = distinct;
    return out;
  }

  /** A token the index has not read before: its terms (interned), typo word, form and compound join, into the token table. */
  private analyzeToken(token: string): number {
    const terms = termsOfToken(token);
    if (terms.length === 1 && token.length >= this.ranking.minFuzzyLength && !this.wordMap().has(token)) {
      this.words.set(token, terms[0]!);
      this.wordsPending.push(token);
    }
    const form = terms.length === 1 && /^[a-z]+$/.test(token) ? wordForm(token) : undefined;
    const joinedLast = terms.length > 0 && /['’-]/.test(token) && compoundParts(token).length > 1;
    return this.tokens.add(token, terms.map((t) => this.postings.intern(t)), form, joinedLast);
  }

  /** StemForms' id for a word form (TokenTable form id) used for a term, remembered per form. */
  private formId(term: number, formText: number, doc: number): number {
    if (formText >= this.formTerms.length) {
      this.formTerms = grow(this.formTerms, formText + 1, -1);
      this.formIds = grow(this.formIds, formText + 1);
    }
    if (this.formTerms[formText] !== term) {
      this.formIds[formText] = this.forms.idFor(term, this.tokens.formNames[formText]!, doc);
      this.formTerms[formText] = term;
    }
    return this.formIds[formText]!;
  }

  /** A paper's terms for the latent space from its sequences: title occurrences count twice, in first-use order. */
  private latentTerms(title: number[], abstract: number[]): TermCounts {
    const names = this.postings.names;
    const counts: TermCounts = new Map();
    for (const [sequence, weight] of [[title, 2], [abstract, 1]] as const) {
      for (const entry of sequence) {
        const term = names[entry < 0 ? -1 - entry : entry]!;
        counts.set(term, (counts.get(term) ?? 0) + weight);
      }
    }
    return counts;
  }

  /** -1 per term id, for feedback() to mark its terms in and clear again. */
  private termSlots(): Int32Array {
    const terms = this.postings.names.length;
    if (this.slots.length < terms) this.slots = new Int32Array(Math.max(terms, this.slots.length * 2)).fill(-1);
    return this.slots;
  }

  private slots = new Int32Array(0);

  /** feedback()'s weights, one per term in the order first seen (left zeroed); a few thousand, not one per vocabulary term. */
  private feedbackWeights(count: number): Float64Array {
    if (this.feedbackSums.length < count) this.feedbackSums = new Float64Array(Math.max(count, this.feedbackSums.length * 2));
    return this.feedbackSums;
  }

  private feedbackSums = new Float64Array(1024);

  /** Reusable per-query candidate arrays over all short ids (`seen` is left zeroed by rank()). */
  private candidateArrays(): { seen: Uint8Array; docs: Int32Array; scores: Float64Array } {
    const capacity = this.postings.capacity;
    if (this.candidates.docs.length !== capacity) {
      this.candidates = { seen: new Uint8Array(capacity), docs: new Int32Array(capacity), scores: new Float64Array(capacity) };
    }
    return this.candidates;
  }

  private candidates = { seen: new Uint8Array(0), docs: new Int32Array(0), scores: new Float64Array(0) };
  private heap = new Float64Array(64);

  /** Room for a top-`count` heap (unused when count is Infinity: then every candidate leads). */
  private heapScratch(count: number): Float64Array {
    if (count === Infinity || this.heap.length >= count) return this.heap;
    return (this.heap = new Float64Array(count));
  }

  /** The words papers use, in a radix tree: built on the first typo, not per token at add(). */
  private typoWords(): SearchableMap<string> {
    const words = this.wordMap();
    const restored = this.restoredTypos?.();
    this.restoredTypos = undefined;
    if (restored) for (const token of restored) this.wordTree.set(token, words.get(token)!);
    for (const token of this.wordsPending) this.wordTree.set(token, words.get(token)!);
    this.wordsPending = [];
    return this.wordTree;
  }

  /** The index as flat arrays (see index-state.ts), for a snapshot; the papers' own fields are not in it. */
  exportState(): IndexState {
    return exportState(this.stateParts(), this.textHashes, this.latentState);
  }

  /**
   * exportState in steps with turns of the event loop between them (no long pause for a snapshot
   * write); taken again when papers were added or a fit installed meanwhile.
   */
  async exportStateInSteps(): Promise<IndexState> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = this.changes;
      const steps = exportSteps(this.stateParts(), this.textHashes, this.latentState);
      let step = steps.next();
      while (!step.done) {
        await yieldToLoop();
        if (this.changes !== before) break;
        step = steps.next();
      }
      if (step.done && this.changes === before) return step.value;
    }
    throw new Error('PaperIndex: the index kept changing while its state was taken');
  }

  /** Bumped by whatever changes the exported state: papers added, a latent space installed. */
  private changes = 0;

  private stateParts() {
    return { postings: this.postings, sequences: this.sequences, words: () => this.wordsState(), forms: this.forms };
  }

  /** The typo words as a snapshot keeps them (copies), without filling `words` from restored ones. */
  private wordsState(): { tokens: string[]; terms: Int32Array } {
    const restored = this.restoredWords;
    if (restored) return { tokens: restored.tokens.slice(), terms: restored.terms.slice() };
    const terms = Int32Array.from(this.words.values(), (term) => {
      const id = this.postings.id(term);
      if (id < 0) throw new Error(`PaperIndex: "${term}" is used but not in the vocabulary`);
      return id;
    });
    return { tokens: [...this.words.keys()], terms };
  }

  /**
   * The end of a bulk build (the constructor's papers, or openIndex's): postings and stem forms
   * are cut to their contents (their blocks and per-term arrays grew by doubling), and what only speeds up adding papers goes: the token
   * table (refilled by later adds, as after a restore), the per-id scratch arrays, and the typo
   * words' map (kept as two arrays until an add or a typo needs it). At 100k papers these held
   * some 100 MB. Answers are unchanged.
   */
  compact(): void {
    const steps = this.compactSteps();
    while (!steps.next().done);
  }

  /**
   * compact() a structure at a time, for a caller that yields to the event loop between (at 100k
   * papers each step copies tens of megabytes). The papers' term sequences are left as they are:
   * cutting them saves less than it costs to copy them.
   */
  *compactSteps(): Generator<void, void> {
    this.postings.compactField('title');
    yield;
    this.postings.compactField('abstract');
    yield;
    this.postings.compactRest();
    yield;
    this.forms.compact();
    yield;
    this.tokens = new TokenTable();
    this.formTerms = new Int32Array(1024).fill(-1);
    this.formIds = new Int32Array(1024);
    this.titleScratch = new FieldScratch();
    this.abstractScratch = new FieldScratch();
    this.formScratch = new LastSeen();
    if (!this.restoredWords && this.words.size > 0) {
      this.restoredWords = { ...this.wordsState(), names: this.postings.names };
      this.words.clear();
    }
  }

  /** `words`, with the restored ones put in on first use. */
  private wordMap(): Map<string, string> {
    const restored = this.restoredWords;
    if (restored) {
      this.restoredWords = undefined;
      restored.tokens.forEach((token, i) => this.words.set(token, restored.names[restored.terms[i]!]!));
    }
    return this.words;
  }

  private readonly latentState = () => (this.semantic.fitted ? this.semantic.exportFit(this.postings.capacity) : undefined);

  private hashText(doc: number, paper: Paper): void {
    if (doc >= this.textHashes.length) {
      const grown = new Uint32Array(Math.max(doc + 1, this.textHashes.length * 2));
      grown.set(this.textHashes);
      this.textHashes = grown;
    }
    this.textHashes[doc] = textHash(paper);
  }

  /**
   * The index a state was exported from, given the same papers (by id): no text is analysed and
   * no latent space fitted. Throws when the state names a paper `paperById` does not know.
   */
  static restore(state: IndexState, paperById: (id: string, doc: number) => Paper | undefined, options: PaperIndexOptions = {}): PaperIndex {
    const index = new PaperIndex([], options);
    index.load(state, paperById);
    return index;
  }

  private load(state: IndexState, paperById: (id: string, doc: number) => Paper | undefined): void {
    state.ids.forEach((id, doc) => {
      const paper = paperById(id, doc);
      if (!paper) throw new Error(`PaperIndex: the restored index holds paper ${id}, which was not given`);
      this.papers.set(id, paper);
      this.byShortId[doc] = paper;
    });
    this.shortIds = StringIds.restoredFrom(state.ids);
    importState(state, { postings: this.postings, sequences: this.sequences, forms: this.forms });
    // The typo words are read from the state (a snapshot decodes them then) when an add or a typo first needs them.
    this.restoredWords = { get tokens() { return state.wordTokens; }, terms: state.wordTerms, names: state.terms };
    this.textHashes = Uint32Array.from(state.textHashes);
    // The typo tree is built from these on the first typo, as after add().
    this.restoredTypos = () => state.wordTokens;
    if (state.latent) this.installFit(state.latent);
  }

  /**
   * Prepares up to `count` more vocabulary terms for prefix and typo lookup (the first query that
   * needs them would otherwise); true when all are ready.
   */
  fillLookups(count: number): boolean {
    return this.postings.fillTree(count);
  }

  /** Index terms in the vocabulary. */
  get vocabularySize(): number {
    return this.postings.vocabularySize;
  }

  /** Latent-space fits installed so far (built, refitted, or restored from a snapshot). */
  get latentFits(): number {
    return this.fits;
  }

  /** Resolves when no background fit is in flight (the latent space is as current as it gets). */
  latentReady(): Promise<void> {
    return this.fitting ?? Promise.resolve();
  }

  /** Runs refits on this fitter (a worker thread) from now on, so no add() or query waits for one. */
  useLatentFitter(fitter: LatentFitter | undefined): void {
    this.fitter = fitter;
  }

  /**
   * Fits the latent space on the corpus as it is now, off the event loop when a fitter is attached;
   * resolves once the new space is in use (queries meanwhile use the previous one). Papers added
   * meanwhile are projected into the new space; if they doubled the corpus, it is fitted again.
   */
  fitLatent(): Promise<void> {
    const fitter = this.fitter;
    if (!fitter) {
      this.fitNow();
      return Promise.resolve();
    }
    this.fitting ??= (async () => {
      do {
        const input = fitInput(this.corpusTerms(), this.semantic.options);
        this.addedWhileFitting = new Map();
        let fit: FittedSpace | undefined;
        try {
          fit = await fitter.fit(input);
        } catch {
          // The worker is gone (shutdown, a crash): the space is fitted here instead, so it stays current.
        }
        const added = this.addedWhileFitting;
        this.addedWhileFitting = undefined;
        if (!fit) {
          if (this.fitter === fitter) this.fitNow();
          return;
        }
        this.installFit(fit);
        for (const [doc, terms] of added) this.semantic.setDoc(doc, terms);
      } while (this.semantic.wantsRefit(this.papers.size));
    })().finally(() => (this.fitting = undefined));
    return this.fitting;
  }

  private fitNow(): void {
    this.semantic.fit(this.corpusTerms());
    this.fitted();
  }

  private installFit(fit: FittedSpace): void {
    this.semantic.install(fit);
    this.fitted();
  }

  /** A new space: related terms and variant checks read from the old one. */
  private fitted(): void {
    this.fits++;
    this.changes++;
    this.meanVector = undefined;
    this.related.clear();
    this.alikeCache.clear();
    this.formsCache.clear();
  }

  private corpusTerms(): CorpusTerms {
    return {
      size: this.papers.size,
      capacity: this.postings.capacity,
      vocabularySize: this.postings.vocabularySize,
      name: (t) => this.postings.names[t]!,
      documentFrequency: (t) => this.postings.documentFrequencyOf(t),
      maxDocs: (t) => this.postings.postingsOf(t),
      writeDocs: (t, docs, counts, at) => this.postings.writeDocsOf(t, 2, docs, counts, at),
    };
  }

  /**
   * The latent space. It is fitted when the index is built and refitted as the corpus grows, so a
   * query finds it ready; only an index built with `{ fit: false }` and never fitted fits it here.
   */
  private semanticSpace(): SemanticSpace {
    if (!this.semantic.fitted && this.papers.size > 0) this.fitNow();
    return this.semantic;
  }

  /**
   * Ranked papers that match the query: its own words (not latent related terms) in the paper,
   * carrying at least searchMinCoverage of its weight. `total` counts those only. When none
   * matches, the nearest few are returned instead, marked `nearest`.
   */
  search(query: string, options: { limit?: number; offset?: number } = {}): SearchPage {
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? 10);
    return this.scoring(() => {
      const need = offset + limit;
      const parsed = parseQuery(query);
      const { ranked, rest, concepts, idf } = this.rank(parsed, this.ranking.minRelativeScore, need);
      const arrays = this.presenceArrays(concepts.filter((c) => !c.presenceIsScore).length);
      let next = 0;
      const present = concepts.map((c) => (c.presenceIsScore ? c.scores : this.ownPresence(c, arrays[next++]!)));
      // A sentence-long query is a half-remembered paper, worded from memory: fewer of its words need be there.
      const sentence = parsed.concepts.length >= this.ranking.sentenceConcepts;
      const min = sentence ? this.ranking.sentenceMinCoverage : this.ranking.searchMinCoverage;
      const matches = (r: Ranked) => coverage(r.doc, present, idf) >= min - 1e-9;
      const hits = ranked.filter(matches);
      let more = 0;
      for (let i = 0; i < rest.length; i++) if (coverage(rest.docs[i]!, present, idf) >= min - 1e-9) more++;
      const total = hits.length + more;
      if (hits.length < need && more) hits.push(...bestPassing(rest, need - hits.length, (doc) => coverage(doc, present, idf) >= min - 1e-9));
      if (total === 0) {
        const nearest = ranked.slice(0, Math.min(limit, NEAREST_SHOWN));
        return { hits: offset > 0 ? [] : nearest.map((r) => this.hit(r)), total: 0, nearest: nearest.length > 0 && offset === 0 };
      }
      return { hits: hits.slice(offset, need).map((r) => this.hit(r)), total };
    });
  }

  /**
   * Papers having the concept's own words (all words of a multi-word alternative: the papers
   * conceptScores found for it), by short id: lent until the next call.
   */
  private ownPresence(c: ConceptScores, out: Uint8Array): Uint8Array {
    for (const t of c.ownWords) this.postings.markDocs(t, out, c.allowed?.term === t ? c.allowed.docs : undefined);
    if (PaperIndex.referenceRanking) {
      for (const phrase of c.alternatives) if (phrase.length >= 2) this.postings.markAllOf(phrase, out, this.phraseScratch());
      return out;
    }
    for (const { docs, length } of c.phraseDocs) for (let i = 0; i < length; i++) out[docs.ids[i]!] = 1;
    return out;
  }

  /** Zeroed per-concept presence arrays over all short ids, reused by every search. */
  private presenceArrays(count: number): Uint8Array[] {
    const capacity = this.postings.capacity;
    if (this.presence[0]?.length !== capacity) this.presence = [];
    while (this.presence.length < count) this.presence.push(new Uint8Array(capacity));
    for (let i = 0; i < count; i++) this.presence[i]!.fill(0);
    return this.presence.slice(0, count);
  }

  private presence: Uint8Array[] = [];

  private phraseScratch(): Uint16Array {
    if (this.phraseHad.length !== this.postings.capacity) this.phraseHad = new Uint16Array(this.postings.capacity);
    return this.phraseHad;
  }

  private phraseHad = new Uint16Array(0);

  match(topic: string): SearchHit[] {
    return this.scoring(() => this.matchTopic(topic));
  }

  /** Runs a search, then hands the score arrays it used back to the postings for the next one. */
  private scoring<T>(run: () => T): T {
    try {
      return run();
    } finally {
      this.postings.release();
    }
  }

  private matchTopic(topic: string): SearchHit[] {
    const { minRelativeScore, minSemanticSimilarity, semanticMinRelativeScore, centroidDocs } = this.matching;
    const semantic = minSemanticSimilarity > 0 && this.ranking.semanticWeight > 0;
    const floor = semantic ? Math.min(minRelativeScore, semanticMinRelativeScore) : minRelativeScore;
    // The leaders come sorted, the other papers past `floor` in typed arrays: only the few a follow
    // may deliver become objects (the leaders' first is the best of all; see rank()).
    const { ranked: leaders, rest, concepts, idf } = this.rank(parseQuery(topic), floor, 0, false);
    const cut = (leaders[0]?.score ?? 0) * minRelativeScore;
    const own = concepts.map(ownTerms);
    const bits = this.ownWordBits(concepts);
    // isAbout reads papers in place where it can: `passage` marks the terms passageCoverage looks
    // for (own words and the parts of multi-word alternatives; the same as `bits` without those).
    const phrased = concepts.some((c) => c.phraseIds.length > 0);
    const inPlace = bits && !PaperIndex.referenceRanking && concepts.every((c) => c.phraseIds.every((p) => p.length <= RECENT_WORDS));
    const passage = inPlace ? (phrased ? this.passageWordBits(own) : bits) : undefined;
    const filter = passage && this.ownWordFilter(own);
    const about: Ranked[] = [];
    try {
      for (const r of leaders) if (r.score >= cut && this.isAbout(r.doc, concepts, idf, own, bits, passage)) about.push(r);
      for (let i = 0; i < rest.length; i++) {
        const doc = rest.docs[i]!;
        if (rest.scores[i]! >= cut && this.isAbout(doc, concepts, idf, own, bits, passage)) about.push({ doc, score: rest.scores[i]! });
      }
    } finally {
      if (bits) for (const c of concepts) for (const t of c.ownIds) if (t >= 0) bits[t] = 0;
      if (passage && passage !== bits) for (const terms of own) for (const t of terms) if (t >= 0) passage[t] = 0;
      if (filter) for (const terms of own) for (const t of terms) if (t >= 0) filter[t >>> 3] = 0;
    }
    about.sort(byScore);
    // Why each paper was delivered: the topic's own words it has (none for a latent "near" paper).
    // Found when first read (a digest reads it for the few papers it shows); which concepts the
    // paper has is read now, as the score arrays go back to the postings after this search.
    const conceptIds = concepts.map(({ ownIds, phraseIds }) => ({ ownIds, phraseIds }));
    const evidence = (r: Ranked): SearchHit => {
      const paper = this.paperAt(r.doc);
      const doc = r.doc;
      if (concepts.length > 30) {
        const has = conceptIds.filter((_, i) => concepts[i]!.scores[doc]! > 0);
        return new MatchHit(paper, r.score, () => ownWordEvidence(paper, this.sequences.entries(doc), has));
      }
      // Which concepts the paper has, as bits: most hits' evidence is never read.
      let has = 0;
      for (let i = 0; i < concepts.length; i++) if (concepts[i]!.scores[doc]! > 0) has |= 1 << i;
      return new MatchHit(paper, r.score, () => ownWordEvidence(paper, this.sequences.entries(doc), conceptIds.filter((_, i) => has & (1 << i))));
    };
    if (!semantic || about.length === 0) return about.map(evidence);
    // Papers on the topic that word it differently: about as close to what the confident hits are
    // about as those hits themselves are. Closeness is measured from the corpus's mean paper, so
    // what every paper shares (most of all in a uniform corpus) does not count as a topic.
    const space = this.semanticSpace();
    const mean = this.meanDocVector(space);
    const vector = (doc: number) => offset(space.docVector(doc), mean);
    const centroid = new Float32Array(space.dims);
    const confident = about.slice(0, centroidDocs);
    for (const r of confident) {
      const v = vector(r.doc);
      if (v) for (let k = 0; k < v.length; k++) centroid[k] = centroid[k]! + v[k]! * r.score;
    }
    let norm = 0;
    for (const x of centroid) norm += x * x;
    if (norm === 0) return about.map(evidence);
    for (let k = 0; k < centroid.length; k++) centroid[k] = centroid[k]! / Math.sqrt(norm);
    const typical = confident.reduce((sum, r) => sum + cosine(vector(r.doc), centroid), 0) / confident.length;
    const delivered = this.docMarks();
    for (const r of about) delivered[r.doc] = 1;
    const threshold = minSemanticSimilarity * typical;
    // Most candidates are far from the threshold: a cosine worked out from the paper's stored
    // product with the mean (one dot product, no offset vector) settles them; the few it leaves
    // within rounding of the threshold get the exact offset cosine.
    const meanDots = this.meanDots(space, mean);
    let meanCentroid = 0;
    let meanSquared = 0;
    for (let k = 0; k < mean.length; k++) {
      meanCentroid += mean[k]! * centroid[k]!;
      meanSquared += mean[k]! * mean[k]!;
    }
    const close = (doc: number): boolean => {
      const has = space.hasVector(doc);
      const lengthSquared = 1 - 2 * meanDots[doc]! + meanSquared;
      if (has && lengthSquared > 0.01) {
        const estimate = (space.dotDoc(doc, centroid) - meanCentroid) / Math.sqrt(lengthSquared);
        if (estimate < threshold - ESTIMATE_SLACK) return false;
        if (estimate > threshold + ESTIMATE_SLACK) return true;
      }
      return offsetCosine(has ? space.docVector(doc) : undefined, mean, centroid) >= threshold;
    };
    const near = leaders.filter((r) => !delivered[r.doc] && close(r.doc));
    for (let i = 0; i < rest.length; i++) {
      const doc = rest.docs[i]!;
      if (!delivered[doc] && close(doc)) near.push({ doc, score: rest.scores[i]! });
    }
    for (const r of about) delivered[r.doc] = 0;
    return [...about, ...near].sort(byScore).map(evidence);
  }

  /** The paper's unit vector in the latent space (a copy), or undefined when unknown or without known terms. */
  paperVector(id: string): Float32Array | undefined {
    const doc = this.shortIds.get(id);
    const v = doc === undefined ? undefined : this.semanticSpace().docVector(doc);
    return v && Float32Array.from(v);
  }

  /** The mean of the papers' latent vectors, until the next paper is added. */
  private meanDocVector(space: SemanticSpace): Float32Array {
    if (this.meanVector?.length === space.dims) return this.meanVector;
    const mean = new Float32Array(space.dims);
    let count = 0;
    for (let doc = 0; doc < this.postings.capacity; doc++) {
      const v = space.docVector(doc);
      if (!v) continue;
      for (let k = 0; k < v.length; k++) mean[k] = mean[k]! + v[k]!;
      count++;
    }
    if (count) for (let k = 0; k < mean.length; k++) mean[k] = mean[k]! / count;
    return (this.meanVector = mean);
  }

  /** Each paper's latent vector dotted with `mean` (meanDocVector's), kept while that mean is. */
  private meanDots(space: SemanticSpace, mean: Float32Array): Float64Array {
    if (this.meanDotsOf?.mean === mean) return this.meanDotsOf.dots;
    const dots = new Float64Array(this.postings.capacity);
    // Read in place (the same sums as over docVector's view, without 100k views).
    for (let doc = 0; doc < dots.length; doc++) if (space.hasVector(doc)) dots[doc] = space.dotDoc(doc, mean);
    this.meanDotsOf = { mean, dots };
    return dots;
  }

  similar(id: string, limit = 5): SearchHit[] {
    const paper = this.papers.get(id);
    if (!paper) return [];
    const weights = this.distinctiveTerms(this.shortIds.get(id)!);
    if (weights.size === 0) return [];
    const results = this.postings.searchAny([...weights.keys()], (term) => weights.get(term) ?? 1, this.ranking.titleBoost, this.ranking.bm25);
    return results
      .filter((r) => r.doc !== this.shortIds.get(id))
      .slice(0, limit)
      .map((r) => ({ paper: this.paperAt(r.doc), score: r.score }));
  }

  neighbours(id: string, minLatent: number): Neighbour[] {
    const doc = this.shortIds.get(id);
    const space = this.semanticSpace();
    const v = doc === undefined ? undefined : space.docVector(doc);
    if (!v) return [];
    // Measured from the corpus's mean paper, as match()'s near step is: what every paper shares
    // (most of all in a uniform or padded corpus) does not make two papers close. Two passes of
    // raw cosines give it: (a-m)·(d-m) = a·d - a·m - d·m + m·m over the two lengths.
    const raw = Float32Array.from(space.similarities(Float32Array.from(v), this.postings.capacity));
    const mean = this.meanDocVector(space);
    let mm = 0;
    for (const x of mean) mm += x * x;
    const mNorm = Math.sqrt(mm) || 1;
    const toMean = space.similarities(mean.map((x) => x / mNorm), this.postings.capacity);
    const am = toMean[doc!]! * mNorm;
    const sims = new Float32Array(raw.length);
    for (let d = 0; d < raw.length; d++) {
      const dm = toMean[d]! * mNorm;
      const den = Math.sqrt(Math.max(1e-9, 1 - 2 * am + mm)) * Math.sqrt(Math.max(1e-9, 1 - 2 * dm + mm));
      sims[d] = (raw[d]! - am - dm + mm) / den;
    }
    const own = this.wordVector(doc!);
    const out: Neighbour[] = [];
    for (let d = 0; d < sims.length; d++) {
      if (d === doc || sims[d]! < minLatent || !this.postings.externalId(d)) continue;
      const paper = this.paperAt(d);
      out.push({ paper, latent: sims[d]!, words: unitDot(own, this.wordVector(d)) });
    }
    return out.sort((a, b) => b.latent - a.latent);
  }

  /** The paper's unit tf-idf vector: (1 + log tf) * idf, title terms counting double. */
  private wordVector(doc: number): Map<string, number> {
    const names = this.postings.names;
    const tf = new Map<string, number>();
    for (const t of this.sequences.terms(doc, 'title')) tf.set(names[t]!, (tf.get(names[t]!) ?? 0) + 2);
    for (const t of this.sequences.terms(doc, 'abstract')) tf.set(names[t]!, (tf.get(names[t]!) ?? 0) + 1);
    const n = this.papers.size;
    let norm = 0;
    for (const [t, count] of tf) {
      const w = (1 + Math.log(count)) * Math.log(1 + n / Math.max(1, this.documentFrequency(t)));
      tf.set(t, w);
      norm += w * w;
    }
    if (norm > 0) for (const [t, w] of tf) tf.set(t, w / Math.sqrt(norm));
    return tf;
  }

  /** rank()'s score of a candidate from its BM25 sum, for queries too long for scoreFactors' table. */
  private candidateScore(doc: number, bm25: number, concepts: ConceptScores[], idf: number[], totalIdf: number): number {
    const { coverageExponent, titleCoverageBoost } = this.ranking;
    let covered = 0;
    let inTitle = 0;
    for (let i = 0; i < concepts.length; i++) {
      if (concepts[i]!.scores[doc] === 0) continue;
      covered += idf[i]!;
      if (concepts[i]!.inTitle[doc]) inTitle += idf[i]!;
    }
    return bm25 * (covered / totalIdf) ** coverageExponent * (1 + (titleCoverageBoost * inTitle) / totalIdf);
  }

  private hit(r: Ranked): SearchHit {
    return { paper: this.paperAt(r.doc), score: r.score };
  }

  private paperAt(doc: number): Paper {
    return this.byShortId[doc]!;
  }

  /**
   * Papers matching at least one concept, best first, scoring at least `minShare` of the best:
   * BM25 summed over concepts, times coverage^k (the idf-weighted share of concepts present),
   * times a title-coverage boost; then proximity and pseudo-relevance feedback on the leaders.
   */
  private rank(query: ParsedQuery, minShare: number, need: number, semantic = true): Ranking {
    const { coverageExponent, titleCoverageBoost, proximityDepth, feedbackDepth, feedbackDocs } = this.ranking;
    // A sentence-long query (a half-remembered paper) is precise already: it gets passage evidence,
    // while a short topic gets the latent related terms that find papers wording it differently.
    const sentence = query.concepts.length >= this.ranking.sentenceConcepts;
    const concepts = query.concepts.map((c) => this.conceptScores(c, !sentence, !PaperIndex.referenceRanking));
    const n = Math.max(1, this.papers.size);
    const idf = concepts.map((c) => Math.log(1 + (n - c.papers + 0.5) / (c.papers + 0.5)));
    // Whether a paper is about the query weighs each concept by its own words' rarity: expansions must not make a word look common.
    const ownIdf = concepts.map((c) => Math.log(1 + (n - c.ownDocs + 0.5) / (c.ownDocs + 0.5)));
    const totalIdf = idf.reduce((a, b) => a + b, 0) || 1;
    const excluded = this.excludedDocs(query.exclusions);

    const { seen, docs, scores } = this.candidateArrays();
    let count = 0;
    let best = 0;
    const conceptScoresOf = concepts.map((c) => c.scores);
    const conceptTitles = concepts.map((c) => c.inTitle);
    const anyExcluded = excluded.size > 0;
    const factors = concepts.length <= MAX_FACTOR_CONCEPTS && !PaperIndex.referenceRanking ? scoreFactors(idf, totalIdf, coverageExponent, titleCoverageBoost) : undefined;
    // Rarest concepts first; once the papers having only the concepts left cannot pass the
    // prefilter below (an upper bound of their score under best * minShare * PREFILTER_SHARE),
    // those concepts' own lists are not walked: every paper they share with a walked one is scored.
    const order = concepts.map((_, i) => i).sort((a, b) => concepts[a]!.papers - concepts[b]!.papers || a - b);
    const maxes = concepts.map((c) => c.max);
    const bound = new BoundLeft(maxes, idf, totalIdf, coverageExponent, titleCoverageBoost);
    for (let o = 0; o < order.length; o++) {
      const concept = concepts[order[o]!]!;
      // A deferred concept is scored in full before its own papers are walked; the others still
      // deferred are scored at those papers (or in full, when that is cheaper).
      if (concept.deferred >= 0) this.scoreDeferred(concept, maxes, order[o]!);
      concepts.forEach((c, i) => {
        if (c.deferred < 0) return;
        if (concept.docs.length * LOOKUPS_PER_POSTING >= this.postings.postingCount(c.deferred)) this.scoreDeferred(c, maxes, i);
        else this.postings.scoreAt(c.deferred, concept.docs.ids, concept.docs.length, seen, this.ranking.titleBoost, this.ranking.bm25, c);
      });
      const conceptDocs = concept.docs.ids;
      for (let at = 0; at < concept.docs.length; at++) {
        const doc = conceptDocs[at]!;
        if (seen[doc] || (anyExcluded && excluded.has(doc))) continue;
        seen[doc] = 1;
        let bm25 = 0;
        let has = 0;
        let titles = 0;
        for (let i = 0; i < conceptScoresOf.length; i++) {
          const s = conceptScoresOf[i]![doc]!;
          if (s === 0) continue;
          bm25 += s;
          has |= 1 << i;
          if (conceptTitles[i]![doc]) titles |= 1 << i;
        }
        const score = factors ? bm25 * factors.coverage[has]! * factors.title[titles]! : this.candidateScore(doc, bm25, concepts, idf, totalIdf);
        if (score > best) best = score;
        docs[count] = doc;
        scores[count++] = score;
      }
      if (!PaperIndex.referenceRanking && bound.below(order, o + 1, best * minShare * PREFILTER_SHARE)) break;
    }
    this.candidatesScored += count;
    for (let i = 0; i < count; i++) seen[docs[i]!] = 0;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      if (scores[i]! < best * minShare * PREFILTER_SHARE) continue;
      if (query.phrases.length && !this.hasPhrases(docs[i]!, query.phrases)) continue;
      docs[kept] = docs[i]!;
      scores[kept++] = scores[i]!;
    }
    // Only the leaders are re-ranked and sorted; the rest keep their order and are just counted.
    const leading = Math.max(need, proximityDepth, feedbackDepth, feedbackDocs);
    let [head, rest] = leaders(docs, scores, kept, leading, this.heapScratch(Math.min(leading, kept)));
    this.boostProximity(head, concepts, sentence ? idf : undefined);
    if (this.ranking.feedbackTerms > 0) this.feedback(head, rest, query);
    if (semantic && this.ranking.semanticWeight > 0 && this.papers.size > 0) {
      [head, rest] = this.blendSemantic(head, rest, query, concepts, excluded);
      // Papers the latent space brought in were not walked: concepts still deferred are scored there too.
      const brought = Int32Array.from(head, (r) => r.doc);
      for (const c of concepts) if (c.deferred >= 0) this.postings.scoreAt(c.deferred, brought, brought.length, seen, this.ranking.titleBoost, this.ranking.bm25, c);
    }
    const cut = (head[0]?.score ?? 0) * minShare;
    const ranked = head.filter((r) => r.score >= cut);
    let others = 0;
    for (let i = 0; i < rest.length; i++) {
      if (rest.scores[i]! < cut) continue;
      rest.docs[others] = rest.docs[i]!;
      rest.scores[others++] = rest.scores[i]!;
    }
    rest.length = others;
    return { ranked, rest, concepts, idf: ownIdf };
  }

  /**
   * A deferred concept's scores for every paper (dropping those worked out one by one, which are
   * the same doubles); its largest score is remembered for its term until papers are added.
   */
  private scoreDeferred(c: ConceptScores, maxes: number[], i: number): void {
    const { scores, inTitle, docs } = c;
    for (let k = 0; k < docs.length; k++) {
      scores[docs.ids[k]!] = 0;
      inTitle[docs.ids[k]!] = 0;
    }
    docs.length = 0;
    c.max = 0;
    this.postings.score([{ term: this.postings.names[c.deferred]!, weight: 1 }], this.ranking.titleBoost, this.ranking.bm25, c);
    this.termMaxima().set(c.deferred, c.max);
    maxes[i] = c.max;
    c.deferred = -1;
  }

  /** The largest BM25 score per term id (weight 1), for terms scored in full since papers were last added. */
  private termMaxima(): Map<number, number> {
    if (this.maxima.capacity !== this.postings.capacity) this.maxima = { capacity: this.postings.capacity, max: new Map() };
    return this.maxima.max;
  }

  private maxima = { capacity: -1, max: new Map<number, number>() };

  /**
   * A concept of one word standing for itself alone (no variant, related term or form mask), not
   * scored yet: rank() scores it only at the papers it walks, unless it must walk the word's own
   * papers. Its papers are the word's; its largest score is remembered or bounded.
   */
  private deferredConcept(concept: Concept, term: string): ConceptScores {
    const id = this.postings.id(term);
    const { titleBoost, bm25 } = this.ranking;
    const out = this.postings.lend();
    out.max = this.termMaxima().get(id) ?? this.postings.scoreBound(id, titleBoost, bm25);
    const df = this.documentFrequency(term);
    return {
      ...out, terms: new Set([term]), ownWords: new Set([term]), ownDocs: df, alternatives: concept.alternatives, allowed: undefined,
      termIds: new Set([id]), ownIds: new Set([id]), phraseIds: [], phraseDocs: [], presenceIsScore: true, papers: df, deferred: id,
    };
  }

  /** Scores of a concept: the best of its alternatives for each paper (single words expanded, with `related` terms too). */
  private conceptScores(concept: Concept, related: boolean, defer = false): ConceptScores {
    const { titleBoost, bm25 } = this.ranking;
    const terms = new Set<string>();
    const ownWords = new Set<string>();
    let ownDocs = 0;
    let allowed: ConceptScores['allowed'];
    let out: TermScores | undefined;
    const phraseDocs: ConceptScores['phraseDocs'] = [];
    // Whether the scored papers are the papers having own words (see presenceIsScore): the scores
    // of a single-word alternative cover its expansions, which must then all be own words that
    // score; a word-form mask narrows only its own alternative, so with one there must be no other.
    let onlyOwn = bm25.k > 0 && bm25.d >= 0 && titleBoost > 0;
    let masks = 0;
    let singleWords = 0;
    for (const alternative of concept.alternatives) {
      let alt: TermScores;
      if (alternative.length === 1) {
        singleWords++;
        const expanded = this.expand(alternative[0]!, related, concept.label);
        expanded.terms.forEach((w) => terms.add(w.term));
        expanded.own.forEach((t) => ownWords.add(t));
        if (expanded.terms.some((w) => !(w.weight > 0) || !expanded.own.includes(w.term))) onlyOwn = false;
        const mask = this.formsAlike(alternative[0]!, concept.label);
        const alone = expanded.terms.length === 1 && expanded.terms[0]!.term === alternative[0] && expanded.terms[0]!.weight === 1;
        if (defer && alone && !mask && concept.alternatives.length === 1 && this.postings.has(alternative[0]!) && this.deferrable()) {
          return this.deferredConcept(concept, alternative[0]!);
        }
        alt = this.postings.score(expanded.terms, titleBoost, bm25);
        if (mask) {
          masks++;
          keepOnly(alt, mask, expanded.terms.length > 1 ? this.otherTermsDocs(expanded.terms, alternative[0]!) : undefined);
          this.otherDocs?.fill(0);
          allowed = { term: alternative[0]!, docs: mask };
        }
        // Known words count their own papers; a typo counts the papers of the words it stands for.
        ownDocs = Math.max(ownDocs, this.postings.has(alternative[0]!) && !allowed ? this.documentFrequency(alternative[0]!) : alt.docs.length);
      } else {
        alternative.forEach((t) => terms.add(t));
        const parts = alternative.map((t) => this.postings.score([{ term: t, weight: 1 }], titleBoost, bm25));
        alt = allOf(parts, this.postings.lend());
        for (const part of parts) this.postings.giveBack(part);
        ownDocs = Math.max(ownDocs, alt.docs.length);
        phraseDocs.push({ docs: alt.docs, length: alt.docs.length });
      }
      if (!out) out = alt;
      else {
        bestOf(out, alt);
        // A multi-word alternative's papers stay in phraseDocs; a single word's scores are merged in.
        if (alternative.length === 1) this.postings.giveBack(alt);
      }
    }
    const ids = (terms: Iterable<string>) => Int32Array.from(terms, (t) => this.postings.id(t));
    return {
      ...out!, terms, ownWords, ownDocs, alternatives: concept.alternatives, allowed,
      termIds: new Set(ids(terms)), ownIds: new Set(ids(ownWords)),
      phraseIds: concept.alternatives.filter((a) => a.length > 1).map(ids),
      phraseDocs,
      presenceIsScore: !PaperIndex.referenceRanking && onlyOwn && (masks === 0 || singleWords === 1),
      papers: out!.docs.length,
      deferred: -1,
    };
  }

  /** Whether scoreBound bounds BM25 with these options (tf / (tf + norm) below 1, every share positive). */
  private deferrable(): boolean {
    const { titleBoost, bm25 } = this.ranking;
    return titleBoost > 0 && bm25.k > 0 && bm25.b >= 0 && bm25.b <= 1 && bm25.d >= 0;
  }

  /**
   * The index terms a query term stands for: itself; for a rarer term also the words it begins
   * and those sharing all but its last two letters ("privacy" finds "private"), each only where
   * the latent space shows the corpus uses it like the term; with `related`, the words the latent
   * space puts closest ("category" finds "functor"); and for a word the corpus never uses (most
   * likely a typo) the words a few edits away. `own` are those that stand for the word itself:
   * all but the related terms.
   */
  private expand(term: string, related: boolean, typed = term): { terms: WeightedTerm[]; own: string[] } {
    const r = this.ranking;
    if (!this.postings.has(term)) {
      if (term.length < r.minFuzzyLength) return { terms: [], own: [] };
      const distance = Math.max(1, Math.min(r.maxFuzzy, Math.round(term.length * r.fuzzy)));
      const near = new Map(this.postings.near(term, distance));
      // A typo can stem far from the word it misspells ("autoformaliztion"): compare the words as typed too.
      const word = typed.toLowerCase();
      if (/^[\p{L}\p{N}]+$/u.test(word) && word.length >= r.minFuzzyLength) {
        const wordDistance = Math.max(1, Math.min(r.maxFuzzy, Math.round(word.length * r.fuzzy)));
        for (const [, [t, d]] of this.typoWords().fuzzyGet(word, wordDistance)) if (!near.has(t) || near.get(t)! > d) near.set(t, d);
      }
      return { terms: [...near].map(([t, d]) => ({ term: t, weight: (r.fuzzyWeight * term.length) / (term.length + d) })), own: [...near.keys()] };
    }
    const out = new Map<string, number>([[term, 1]]);
    // A common word has plenty of hits already, and expanding it (or expanding into one) would cost the most time.
    if (this.isCommon(term)) return { terms: [{ term, weight: 1 }], own: [term] };
    // Spelling alone mixes words ("sign" begins "significant", "quantiz" minus two letters begins
    // "quantum"): a variant must also be used like the term.
    const alike = (t: string) => this.usedAlike(term, t);
    if (term.length >= r.prefixMinLength) for (const t of this.postings.withPrefix(term)) if (alike(t)) out.set(t, r.prefixWeight);
    if (term.length >= r.truncateMinLength) {
      const stem = term.slice(0, -2);
      for (const t of [stem, ...this.postings.withPrefix(stem)]) if (!out.has(t) && this.postings.has(t) && alike(t)) out.set(t, r.truncateWeight);
    }
    const own = [...out.keys()];
    if (related && r.relatedTerms > 0) {
      for (const [t, similarity] of this.relatedTerms(term)) if (!out.has(t)) out.set(t, r.relatedWeight * similarity);
    }
    return { terms: [...out].map(([t, weight]) => ({ term: t, weight })), own };
  }

  /**
   * Whether the corpus uses a spelling variant like the term: papers using one use the other more
   * than chance would have it (at least variantMinLift times), and the latent space, where it knows
   * both, puts them at least variantMinSimilarity apart. Co-occurrence guards where the latent
   * space is weak (a small or noisy corpus); the latent check where both words are common.
   */
  private usedAlike(term: string, variant: string): boolean {
    const r = this.ranking;
    if (r.variantMinSimilarity <= -1) return true;
    const key = `${term} ${variant}`;
    let alike = this.alikeCache.get(key);
    if (alike === undefined) {
      const similarity = this.semanticSpace().termSimilarity(term, variant);
      alike = (similarity === undefined || similarity >= r.variantMinSimilarity) && this.cooccurrenceLift(term, variant) >= r.variantMinLift;
      if (this.alikeCache.size >= RELATED_CACHE_LIMIT) this.alikeCache.delete(this.alikeCache.keys().next().value!);
      this.alikeCache.set(key, alike);
    }
    return alike;
  }

  /**
   * A stem merges words ("organ", "organization"; "linear", "linearly"). When the papers using the
   * typed word's form and those using another form of its stem are not used alike (the same test as
   * for spelling variants, on the forms' papers), the concept keeps to the papers using the forms
   * alike to the typed one. Undefined when the class is one word, or all its forms are alike.
   */
  private formsAlike(term: string, typed: string): DocBits | undefined {
    const termId = this.postings.id(term);
    if (this.forms.count(termId) < 2 || !/^[a-z]+$/i.test(typed) || this.ranking.variantMinSimilarity <= -1) return undefined;
    const own = wordForm(typed.toLowerCase());
    const key = `${term} ${own}`;
    const cached = this.formsCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const byForm = this.forms.of(termId);
    const ownDocs = byForm.get(own);
    let out: DocBits | undefined;
    if (!ownDocs) {
      // The corpus never uses the typed form: only its inflections stand for it ("organ" is not "organization").
      const inflected = [...byForm].filter(([form]) => isInflectionOf(form, term));
      if (inflected.length < byForm.size) {
        out = docBits(this.postings.capacity);
        for (const [, docs] of inflected) for (const doc of docs) addDoc(out, doc);
      }
    } else {
      const space = this.semanticSpace();
      const ownCentroid = centroid(space, ownDocs);
      // Inflections of one word ("detect", "detecting") are that word; only derived words are put to the test.
      const inflection = (form: string) => (isInflectionOf(form, term) && isInflectionOf(own, term)) || isInflectionOf(form, own) || isInflectionOf(own, form);
      const ownMarks = this.docMarks();
      for (const doc of ownDocs) ownMarks[doc] = 1;
      const apart = [...byForm].filter(([form, docs]) => form !== own && !inflection(form) && !formUsedAlike(space, ownCentroid, ownDocs, ownMarks, docs, this.papers.size, this.ranking));
      for (const doc of ownDocs) ownMarks[doc] = 0;
      if (apart.length) {
        out = docBits(this.postings.capacity);
        for (const [form, docs] of byForm) if (!apart.some(([f]) => f === form)) for (const doc of docs) addDoc(out, doc);
      }
    }
    if (this.formsCache.size >= RELATED_CACHE_LIMIT) this.formsCache.delete(this.formsCache.keys().next().value!);
    this.formsCache.set(key, out ?? null);
    return out;
  }

  /** Papers using any of the expansion terms other than `term` (they keep their match when `term`'s papers are narrowed). */
  private otherTermsDocs(terms: WeightedTerm[], term: string): Uint8Array {
    if (this.otherDocs?.length !== this.postings.capacity) this.otherDocs = new Uint8Array(this.postings.capacity);
    for (const w of terms) if (w.term !== term) this.postings.markDocs(w.term, this.otherDocs);
    return this.otherDocs;
  }

  /** otherTermsDocs' marks, reused (zeroed after each use). */
  private otherDocs: Uint8Array | undefined;

  /** How many more papers use both terms than if they were independent (0 when none does). */
  private cooccurrenceLift(a: string, b: string): number {
    const dfA = this.documentFrequency(a);
    const dfB = this.documentFrequency(b);
    if (!dfA || !dfB) return 0;
    const marks = this.docMarks();
    this.postings.markDocs(a, marks);
    const both = this.postings.countMarked(b, marks);
    this.postings.markDocs(a, marks, undefined, 0);
    return (both * this.papers.size) / (dfA * dfB);
  }

  /** Zeroed marks over all short ids, for counting papers in common; callers leave them zeroed. */
  private docMarks(): Uint8Array {
    if (this.marks.length !== this.postings.capacity) this.marks = new Uint8Array(this.postings.capacity);
    return this.marks;
  }

  private marks = new Uint8Array(0);

  private relatedTerms(term: string): [string, number][] {
    let terms = this.related.get(term);
    if (!terms) {
      const r = this.ranking;
      terms = this.semanticSpace().relatedTerms(term, r.relatedTerms, r.relatedMinSimilarity, (t) => !this.isCommon(t));
      if (this.related.size >= RELATED_CACHE_LIMIT) this.related.delete(this.related.keys().next().value!);
      this.related.set(term, terms);
    }
    return terms;
  }

  private excludedDocs(exclusions: string[][]): Set<number> {
    const out = new Set<number>();
    for (const terms of exclusions) {
      const hits = allOf(terms.map((t) => this.postings.score([{ term: t, weight: 1 }], 1, this.ranking.bm25)), this.postings.lend());
      for (let i = 0; i < hits.docs.length; i++) {
        const doc = hits.docs.ids[i]!;
        if (terms.length === 1 || this.hasPhrases(doc, [terms])) out.add(doc);
      }
    }
    return out;
  }

  private hasPhrases(doc: number, phrases: string[][]): boolean {
    const title = this.sequences.words(doc, 'title');
    const abstract = this.sequences.words(doc, 'abstract');
    return phrases.every((p) => {
      const ids = p.map((t) => this.postings.id(t));
      return containsSequence(title, ids) || containsSequence(abstract, ids);
    });
  }

  /**
   * Papers where neighbouring query concepts stand side by side ("inductive reasoning") rise; with
   * `passageIdf`, so do papers holding most of the query's weight within one passage.
   */
  private boostProximity(ranked: Ranked[], concepts: ConceptScores[], passageIdf?: number[]): void {
    const { proximityBoost, proximityDepth, passageBoost, passageWindow } = this.ranking;
    const pairs = concepts.length - 1;
    if (pairs < 1 || (proximityBoost === 0 && !(passageIdf && passageBoost > 0))) return;
    const top = ranked.slice(0, proximityDepth);
    for (const r of top) {
      const title = this.sequences.terms(r.doc, 'title');
      const abstract = this.sequences.terms(r.doc, 'abstract');
      let adjacent = 0;
      for (let i = 0; i < pairs; i++) {
        const a = concepts[i]!;
        const b = concepts[i + 1]!;
        if (a.scores[r.doc] === 0 || b.scores[r.doc] === 0) continue;
        if (standSideBySide(title, a.termIds, b.termIds) || standSideBySide(abstract, a.termIds, b.termIds)) adjacent++;
      }
      r.score *= 1 + (proximityBoost * adjacent) / pairs;
      if (passageIdf && passageBoost > 0) {
        const terms = concepts.map((c) => c.termIds);
        const passage = Math.max(passageCoverage(title, terms, passageIdf, passageWindow), passageCoverage(abstract, terms, passageIdf, passageWindow));
        r.score *= 1 + passageBoost * passage ** 2;
      }
    }
    top.sort(byScore);
    ranked.splice(0, top.length, ...top);
  }

  /**
   * Pseudo-relevance feedback: the best hits' most distinctive terms form a second query that
   * re-scores the leading candidates, so papers on the topic that word it differently rise.
   * Scores end up relative to the best hit (1.0).
   */
  private feedback(ranked: Ranked[], rest: Rest, query: ParsedQuery): void {
    const { feedbackDocs, feedbackTerms, feedbackWeight, feedbackDepth } = this.ranking;
    const best = ranked[0]?.score;
    if (!best) return;
    const queryTerms = new Set(query.concepts.flatMap((c) => c.alternatives.flat()).map((t) => this.postings.id(t)));
    // The terms of the best hits in the order they first appear, each with its weight summed over
    // them (title twice), read off the stored entries: `slot` gives a term's place in that order.
    const slot = this.termSlots();
    const docs = ranked.slice(0, feedbackDocs);
    const weights = this.feedbackWeights(docs.reduce((sum, r) => sum + this.sequences.entries(r.doc).length, 0));
    const firstSeen: number[] = [];
    for (const r of docs) {
      const entries = this.sequences.entries(r.doc);
      const titleEnd = this.sequences.titleLength(r.doc);
      const share = r.score / best / (2 * titleEnd + (entries.length - titleEnd));
      for (const [from, to] of [[0, titleEnd], [0, titleEnd], [titleEnd, entries.length]] as const) {
        for (let i = from; i < to; i++) {
          const e = entries[i]!;
          const t = e < 0 ? -1 - e : e;
          let k = slot[t]!;
          if (k < 0) {
            k = slot[t] = firstSeen.length;
            firstSeen.push(t);
          }
          weights[k] = weights[k]! + share;
        }
      }
    }
    const n = this.papers.size;
    const df = (t: number) => this.postings.documentFrequencyOf(t);
    const boost = new Map(topWeights(firstSeen, weights, (t, w) => (!queryTerms.has(t) && df(t) > 1 ? w * Math.log(1 + n / df(t)) : undefined), feedbackTerms));
    for (const t of firstSeen) slot[t] = -1;
    weights.fill(0, 0, firstSeen.length);
    const head = ranked.slice(0, feedbackDepth);
    // Per leader, the boost terms' counts (title twice) summed in the order the terms first appear,
    // read off the stored entries with no copy: slot i of `counts` is the i-th boost term.
    const boosts: number[] = [];
    for (const [t, b] of boost) {
      slot[t] = boosts.length;
      boosts.push(b);
    }
    const counts = new Float64Array(boosts.length);
    const order: number[] = [];
    const extra = head.map((r) => {
      const entries = this.sequences.entries(r.doc);
      const titleEnd = this.sequences.titleLength(r.doc);
      order.length = 0;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        const k = slot[e < 0 ? -1 - e : e]!;
        if (k < 0) continue;
        if (counts[k] === 0) order.push(k);
        counts[k] = counts[k]! + (i < titleEnd ? 2 : 1);
      }
      let score = 0;
      for (const k of order) {
        score += (boosts[k]! * counts[k]!) / (counts[k]! + 1.2);
        counts[k] = 0;
      }
      return score;
    });
    for (const t of boost.keys()) slot[t] = -1;
    const maxExtra = Math.max(0, ...extra) || 1;
    const w = boost.size ? feedbackWeight : 0;
    ranked.forEach((r, i) => {
      r.score = ((1 - w) * r.score) / best + (i < head.length ? (w * extra[i]!) / maxExtra : 0);
    });
    for (let i = 0; i < rest.length; i++) rest.scores[i] = ((1 - w) * rest.scores[i]!) / best;
    ranked.sort(byScore);
  }

  /**
   * Mixes latent-semantic similarity into the (feedback-normalized) scores: the semantic query is
   * the query's own vector plus the centroid of the best lexical hits, and the papers nearest to it
   * join the candidates even without any query word.
   */
  private blendSemantic(head: Ranked[], rest: Rest, query: ParsedQuery, concepts: ConceptScores[], excluded: Set<number>): [Ranked[], Rest] {
    const { semanticWeight: w, semanticQueryWeight, semanticFeedbackDocs, semanticCandidates } = this.ranking;
    const space = this.semanticSpace();
    const dims = space.dims;
    const target = new Float32Array(dims);
    const own = semanticQueryWeight === 0 ? undefined : space.project(new Map(concepts.flatMap((c) => [...c.terms].map((t) => [t, 1] as const))));
    if (own) for (let k = 0; k < dims; k++) target[k] = target[k]! + semanticQueryWeight * own[k]!;
    const best = head[0]?.score || 1;
    for (const r of head.slice(0, semanticFeedbackDocs)) {
      const v = space.docVector(r.doc);
      if (v) for (let k = 0; k < dims; k++) target[k] = target[k]! + (v[k]! * r.score) / best / semanticFeedbackDocs;
    }
    let norm = 0;
    for (const x of target) norm += x * x;
    if (norm === 0) return [head, rest];
    const unit = target.map((x) => x / Math.sqrt(norm));
    const candidates = !query.phrases.length && semanticCandidates > 0 && !PaperIndex.referenceRanking;
    if (candidates) {
      // Papers already ranked or excluded are not candidates again (their similarities still count toward the largest).
      const found = space.nearest(unit, semanticCandidates, [Int32Array.from(head, (r) => r.doc), rest.docs.subarray(0, rest.length), [...excluded]], this.postings.capacity);
      const maxSim = found.max;
      if (maxSim <= 0) return [head, rest];
      const q = Float64Array.from(unit);
      const semantic = (sim: number) => Math.max(0, sim) / maxSim;
      for (const r of head) r.score = (1 - w) * (r.score / best) + w * semantic(space.similarity(r.doc, q));
      for (let i = 0; i < rest.length; i++) rest.scores[i] = (1 - w) * (rest.scores[i]! / best);
      found.docs.forEach((doc, i) => head.push({ doc, score: w * semantic(found.sims[i]!) }));
      head.sort(byScore);
      return [head, rest];
    }
    const sims = space.similarities(unit, this.postings.capacity);
    const maxSim = maxOf(sims);
    if (maxSim <= 0) return [head, rest];
    const headSims = head.map((r) => sims[r.doc]!);
    const semantic = (sim: number) => Math.max(0, sim) / maxSim;
    // Like feedback, only the leaders are re-scored; the rest stay below them.
    head.forEach((r, i) => (r.score = (1 - w) * (r.score / best) + w * semantic(headSims[i]!)));
    for (let i = 0; i < rest.length; i++) rest.scores[i] = (1 - w) * (rest.scores[i]! / best);
    if (!query.phrases.length && semanticCandidates > 0) {
      // Papers already ranked or excluded are not candidates again.
      for (const r of head) sims[r.doc] = 0;
      for (let i = 0; i < rest.length; i++) sims[rest.docs[i]!] = 0;
      for (const doc of excluded) sims[doc] = 0;
      for (const doc of nearestOf(sims, semanticCandidates, NO_MARKS).docs) head.push({ doc, score: w * semantic(sims[doc]!) });
    }
    head.sort(byScore);
    return [head, rest];
  }

  /**
   * A follow delivers a paper only if it is about the topic: the concepts whose own words (not
   * latent related terms) it has strongly (in the title or the abstract's first sentence, or
   * recurring in the abstract; a phrase counts once per mention, not once per word) carry at least
   * minCoverage of the topic's weight.
   */
  private isAbout(doc: number, concepts: ConceptScores[], idf: number[], own: Set<number>[], bits: Uint32Array | undefined, passage?: Uint32Array): boolean {
    const { minAbstractOccurrences, minCoverage, proximityWindow } = this.matching;
    const total = idf.reduce((a, b) => a + b, 0) || 1;
    // Cheap first: the concepts the paper has at all bound what it can cover (a sum over a subset, in the same order, is no larger).
    let possible = 0;
    for (let i = 0; i < concepts.length; i++) if (concepts[i]!.scores[doc] !== 0) possible += idf[i]!;
    if (possible / total < minCoverage - 1e-9) return false;
    if (bits && passage) return this.isAboutInPlace(doc, concepts, idf, total, bits, passage, this.termFilter);
    const { words, title, lead } = this.wordsOf(doc);
    const titleWords = words.subarray(0, title);
    const leadWords = words.subarray(title, title + lead);
    const abstractWords = words.subarray(title);
    let strong = 0;
    let any = false;
    concepts.forEach((c, i) => {
      if (c.scores[doc] === 0) return;
      any = true;
      // The opening sentence usually states what a paper is about.
      const strongly = mentions(titleWords, c, i, bits) > 0 || mentions(leadWords, c, i, bits) > 0 || mentions(abstractWords, c, i, bits) >= minAbstractOccurrences;
      if (strongly) strong += idf[i]!;
    });
    if (strong / total < minCoverage - 1e-9 || concepts.length < 2 || !any) return strong / total >= minCoverage - 1e-9;
    // A topic's words stand together where a paper is about it; scattered, they are chance.
    return passageCoverage(words, own, idf, proximityWindow) >= minCoverage - 1e-9;
  }

  /**
   * isAbout read off the paper's stored entries in one pass, compound joins skipped: the same
   * regions, counts and word positions as wordsOf's copy gives. A multi-word alternative is
   * found ending at each word, from the last RECENT_WORDS words and where each stood; it counts
   * in a region when all its words do. `filter` (ownWordFilter) is tested before the per-term
   * bits: most words are none of the topic's, and its bit per term stays in cache where the
   * bits' four bytes per term do not.
   */
  private isAboutInPlace(doc: number, concepts: ConceptScores[], idf: number[], total: number, bits: Uint32Array, passage: Uint32Array, filter: Uint8Array): boolean {
    const { minAbstractOccurrences, minCoverage, proximityWindow } = this.matching;
    const entries = this.sequences.entries(doc);
    const titleEnd = Math.min(this.sequences.titleLength(doc), entries.length);
    const leadEnd = Math.min(titleEnd + this.sequences.leadLength(doc), entries.length);
    const n = concepts.length;
    const inAbstract = this.abstractCounts;
    inAbstract.fill(0, 0, n);
    const recent = this.recentWords;
    const recentAt = this.recentEntries;
    const phrased = passage !== bits;
    // Concepts mentioned in the title or the abstract's first sentence, as bits.
    let opening = 0;
    for (let k = 0, word = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e < 0) continue;
      if (phrased) {
        recent[word & (RECENT_WORDS - 1)] = e;
        recentAt[word & (RECENT_WORDS - 1)] = k;
        for (let i = 0; i < n; i++) {
          for (const phrase of concepts[i]!.phraseIds) {
            const length = phrase.length;
            if (length > word + 1 || phrase[length - 1] !== e) continue;
            let j = 1;
            while (j < length && phrase[length - 1 - j] === recent[(word - j) & (RECENT_WORDS - 1)]) j++;
            if (j < length) continue;
            const start = recentAt[(word - length + 1) & (RECENT_WORDS - 1)]!;
            if (k < titleEnd) opening |= 1 << i;
            else if (start >= titleEnd) {
              if (k < leadEnd) opening |= 1 << i;
              inAbstract[i] = inAbstract[i]! + 1;
            }
          }
        }
        word++;
      }
      const b = (filter[e >>> 3]! >>> (e & 7)) & 1 ? bits[e]! : 0;
      if (b === 0) {
        if (n === 1 && ((opening & 1) !== 0 || inAbstract[0]! >= minAbstractOccurrences)) break;
        continue;
      }
      if (k < titleEnd) opening |= b;
      else {
        if (k < leadEnd) opening |= b;
        for (let i = 0; i < n; i++) inAbstract[i] = inAbstract[i]! + ((b >>> i) & 1);
      }
      // A one-concept topic is decided once its concept is strong (counts only grow).
      if (n === 1 && ((opening & 1) !== 0 || inAbstract[0]! >= minAbstractOccurrences)) break;
    }
    let strong = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      if (concepts[i]!.scores[doc] === 0) continue;
      any = true;
      if ((opening >>> i) & 1 || inAbstract[i]! >= minAbstractOccurrences) strong += idf[i]!;
    }
    if (strong / total < minCoverage - 1e-9 || n < 2 || !any) return strong / total >= minCoverage - 1e-9;
    // passageCoverage over the words (compound joins do not count as positions).
    const last = this.passageLast;
    last.fill(-Infinity, 0, n);
    let best = 0;
    for (let k = 0, at = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e < 0) continue;
      const i = at++;
      if (((filter[e >>> 3]! >>> (e & 7)) & 1) === 0) continue;
      const b = passage[e]!;
      if (b === 0) continue;
      for (let c = 0; c < n; c++) if ((b >>> c) & 1) last[c] = i;
      let covered = 0;
      for (let c = 0; c < n; c++) if (i - last[c]! < proximityWindow) covered += idf[c]!;
      if (covered > best) best = covered;
    }
    return best / total >= minCoverage - 1e-9;
  }

  /** A bit per term id, set for the terms `own` holds (a first test before the per-term bits); callers clear it. */
  private ownWordFilter(own: Set<number>[]): Uint8Array {
    const size = (this.postings.vocabularySize + 7) >>> 3;
    if (this.termFilter.length < size) this.termFilter = new Uint8Array(Math.max(size, this.termFilter.length * 2));
    for (const terms of own) for (const t of terms) if (t >= 0) this.termFilter[t >>> 3] = this.termFilter[t >>> 3]! | (1 << (t & 7));
    return this.termFilter;
  }

  private termFilter = new Uint8Array(0);

  /** Per term id, bit i set when the term is in own[i] (up to 32 concepts); callers clear the bits. */
  private passageWordBits(own: Set<number>[]): Uint32Array {
    const size = this.postings.vocabularySize;
    if (this.passageBits.length < size) this.passageBits = new Uint32Array(Math.max(size, this.passageBits.length * 2));
    own.forEach((terms, i) => {
      for (const t of terms) if (t >= 0) this.passageBits[t] = this.passageBits[t]! | (1 << i);
    });
    return this.passageBits;
  }

  private passageBits = new Uint32Array(0);
  /** isAboutInPlace's last words and their entry indices (a ring). */
  private readonly recentWords = new Int32Array(RECENT_WORDS);
  private readonly recentEntries = new Int32Array(RECENT_WORDS);

  /** isAboutInPlace's per-concept scratch (at most 32 concepts: ownWordBits' limit). */
  private readonly abstractCounts = new Int32Array(32);
  private readonly passageLast = new Float64Array(32);

  /**
   * The paper's words (title then abstract, compound joins left out, as sequences.words gives
   * them) in a reused array, valid until the next call, with how many are the title's and the
   * abstract's first sentence's.
   */
  private wordsOf(doc: number): { words: Int32Array; title: number; lead: number } {
    const entries = this.sequences.entries(doc);
    const titleEnd = this.sequences.titleLength(doc);
    const leadEnd = titleEnd + this.sequences.leadLength(doc);
    let compounds = false;
    for (let i = 0; i < entries.length && !compounds; i++) compounds = entries[i]! < 0;
    // Most papers have no compound joins: their entries are their words.
    if (!compounds) return { words: entries, title: Math.min(titleEnd, entries.length), lead: Math.min(leadEnd, entries.length) - Math.min(titleEnd, entries.length) };
    if (this.wordScratch.length < entries.length) this.wordScratch = new Int32Array(entries.length * 2);
    const out = this.wordScratch;
    let n = 0;
    let title = 0;
    let lead = 0;
    for (let i = 0; i < entries.length; i++) {
      if (i === titleEnd) title = n;
      if (i === leadEnd) lead = n - title;
      if (entries[i]! >= 0) out[n++] = entries[i]!;
    }
    if (titleEnd >= entries.length) title = n;
    if (leadEnd >= entries.length) lead = n - title;
    return { words: out.subarray(0, n), title, lead };
  }

  private wordScratch = new Int32Array(256);

  /**
   * Per term id, bit i set when the term is one of concept i's own words (up to 32 concepts; else
   * undefined): isAbout's word counts read it instead of hashing each word. Callers clear the bits.
   */
  private ownWordBits(concepts: ConceptScores[]): Uint32Array | undefined {
    if (concepts.length > 32) return undefined;
    const size = this.postings.vocabularySize;
    if (this.wordBits.length < size) this.wordBits = new Uint32Array(Math.max(size, this.wordBits.length * 2));
    concepts.forEach((c, i) => {
      for (const t of c.ownIds) if (t >= 0) this.wordBits[t] = this.wordBits[t]! | (1 << i);
    });
    return this.wordBits;
  }

  private wordBits = new Uint32Array(0);

  /** The paper's terms weighted by tf-idf (title terms count double), best first. */
  private distinctiveTerms(doc: number): Map<string, number> {
    const tf = new Map<number, number>();
    for (const t of this.sequences.terms(doc, 'title')) tf.set(t, (tf.get(t) ?? 0) + 2);
    for (const t of this.sequences.terms(doc, 'abstract')) tf.set(t, (tf.get(t) ?? 0) + 1);
    const n = this.papers.size;
    const names = this.postings.names;
    const scored = [...tf].map(([t, count]) => [names[t]!, (1 + Math.log(count)) * Math.log(1 + n / Math.max(1, this.postings.documentFrequencyOf(t)))] as const);
    scored.sort((a, b) => b[1] - a[1]);
    const top = scored.slice(0, this.similarity.terms).filter(([, w]) => w > 0);
    const max = top[0]?.[1] ?? 1;
    return new Map(top.map(([t, w]) => [t, w / max]));
  }

  /** In more than expansionMaxShare of the papers: never expanded, nor expanded into. */
  private isCommon(term: string): boolean {
    return this.documentFrequency(term) > this.papers.size * this.ranking.expansionMaxShare;
  }

  private documentFrequency(term: string): number {
    return this.postings.documentFrequency(term);
  }
}

/**
 * The `count` best of the first `length` candidates (all scoring at least the count-th best score),
 * sorted, as objects; the others stay in the arrays, unsorted, in candidate order.
 */
function leaders(docs: Int32Array, scores: Float64Array, length: number, count: number, heap: Float64Array): [Ranked[], Rest] {
  if (length <= count) {
    const all: Ranked[] = [];
    for (let i = 0; i < length; i++) all.push({ doc: docs[i]!, score: scores[i]! });
    return [all.sort(byScore), { docs, scores, length: 0 }];
  }
  const threshold = kthLargest(scores, length, count, heap);
  const head: Ranked[] = [];
  let rest = 0;
  for (let i = 0; i < length; i++) {
    if (scores[i]! >= threshold) head.push({ doc: docs[i]!, score: scores[i]! });
    else {
      docs[rest] = docs[i]!;
      scores[rest++] = scores[i]!;
    }
  }
  return [head.sort(byScore), { docs, scores, length: rest }];
}

/** The k-th largest of the first `length` values (k <= length), with a min-heap of the k largest in `heap`. */
function kthLargest(values: Float64Array, length: number, k: number, heap: Float64Array): number {
  let size = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (size < k) heapPush(heap, size++, v);
    else if (v > heap[0]!) heapReplaceTop(heap, size, v);
  }
  return heap[0]!;
}

/**
 * The `count` heaviest of `terms` (weights[i] the i-th's) as `weigh` re-weighs them (undefined leaves a
 * term out), heaviest first, ties in `terms`' order: what a stable sort of all of them and a slice
 * give, without the sort.
 */
function topWeights(terms: number[], weights: Float64Array, weigh: (t: number, w: number) => number | undefined, count: number): [number, number][] {
  const best: [number, number][] = [];
  if (count <= 0) return best;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    const w = weigh(t, weights[i]!);
    if (w === undefined) continue;
    if (best.length === count && !(w > best[count - 1]![1])) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]![1] < w) at--;
    best.splice(at, 0, [t, w]);
    if (best.length > count) best.pop();
  }
  return best;
}

/** isAboutInPlace finds multi-word alternatives of up to this many words (a power of two). */
const RECENT_WORDS = 16;

/** Queries of up to this many concepts get rank()'s score factors from a table (2^concepts entries). */
const MAX_FACTOR_CONCEPTS = 8;

/**
 * rank()'s two factors per set of concepts (bit i for concept i): present, `(covered / totalIdf) **
 * exponent`; in the title, `1 + (boost * inTitle) / totalIdf`, the idf summed in concept order as
 * rank() sums it, so the doubles are the same; worked out once per query, not per paper.
 */
function scoreFactors(idf: number[], totalIdf: number, exponent: number, boost: number): { coverage: Float64Array; title: Float64Array } {
  const size = 1 << idf.length;
  const coverage = new Float64Array(size);
  const title = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) {
    let covered = 0;
    for (let i = 0; i < idf.length; i++) if (mask & (1 << i)) covered += idf[i]!;
    coverage[mask] = (covered / totalIdf) ** exponent;
    title[mask] = 1 + (boost * covered) / totalIdf;
  }
  return { coverage, title };
}

/**
 * An upper bound of rank()'s candidate score for papers having none but the concepts left in an
 * order: the concepts' best scores summed, at their full coverage and all of it in the title (the
 * score grows with each; the bound is loosened by a relative 1e-9, far above rounding).
 */
class BoundLeft {
  constructor(
    private readonly best: number[],
    private readonly idf: number[],
    private readonly totalIdf: number,
    private readonly exponent: number,
    private readonly titleBoost: number,
  ) {}

  /** True when papers having only concepts order[from...] all score under `threshold`. */
  below(order: number[], from: number, threshold: number): boolean {
    if (from >= order.length) return false;
    if (!(this.exponent >= 0 && this.titleBoost >= 0 && threshold > 0)) return false;
    let sum = 0;
    let covered = 0;
    for (let o = from; o < order.length; o++) {
      sum += this.best[order[o]!]!;
      covered += this.idf[order[o]!]!;
    }
    const share = Math.min(1, covered / this.totalIdf);
    return sum * share ** this.exponent * (1 + this.titleBoost * share) * (1 + 1e-9) < threshold;
  }
}

/** The `count` best rest entries passing `passes`, best first: what sorting all that pass and taking `count` gives. */
export function bestPassing(rest: Rest, count: number, passes: (doc: number) => boolean): Ranked[] {
  const best: Ranked[] = [];
  for (let i = 0; i < rest.length; i++) {
    const doc = rest.docs[i]!;
    const score = rest.scores[i]!;
    const worst = best.length === count ? best[count - 1]! : undefined;
    if (worst && (score < worst.score || (score === worst.score && doc > worst.doc))) continue;
    if (!passes(doc)) continue;
    const entry = { doc, score };
    let at = best.length;
    while (at > 0 && byScore(best[at - 1]!, entry) > 0) at--;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return best;
}

/** Papers having every part, written into `out` (zeroed); a multi-word alternative counts once, as the mean of its parts. */
export function allOf(parts: TermScores[], out: TermScores): TermScores {
  const first = parts[0]!.docs;
  const count = parts.length;
  next: for (let i = 0; i < first.length; i++) {
    const doc = first.ids[i]!;
    for (let p = 1; p < count; p++) if (!(parts[p]!.scores[doc]! > 0)) continue next;
    let sum = 0;
    let inTitle = 1;
    for (let p = 0; p < count; p++) {
      sum += parts[p]!.scores[doc]!;
      if (!parts[p]!.inTitle[doc]) inTitle = 0;
    }
    const score = sum / count;
    out.scores[doc] = score;
    out.inTitle[doc] = inTitle;
    out.docs.push(doc);
    if (score > out.max) out.max = score;
  }
  return out;
}

/** Per paper, the better-scoring of two alternatives. */
export function bestOf(a: TermScores, b: TermScores): TermScores {
  for (let i = 0; i < b.docs.length; i++) {
    const doc = b.docs.ids[i]!;
    if (a.scores[doc] === 0) a.docs.push(doc);
    if (b.scores[doc]! > a.scores[doc]!) {
      a.scores[doc] = b.scores[doc]!;
      a.inTitle[doc] = b.inTitle[doc]!;
    }
  }
  if (b.max > a.max) a.max = b.max;
  return a;
}

/** The largest value, or 0 when none is positive. */
function maxOf(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** The dot product of two unit sparse vectors: their cosine. */
function unitDot(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) s += w * (large.get(t) ?? 0);
  return s;
}

/** `v - origin`, normalized; undefined when v is. */
function offset(v: Float32Array | undefined, origin: Float32Array): Float32Array | undefined {
  if (!v) return undefined;
  const out = new Float32Array(v.length);
  let norm = 0;
  for (let k = 0; k < v.length; k++) norm += (out[k] = v[k]! - origin[k]!) ** 2;
  if (norm === 0) return undefined;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / Math.sqrt(norm);
  return out;
}

/**
 * How far a cosine worked out another way (stored products, float64 throughout) may stray from
 * offsetCosine's for vectors at least 0.1 from the mean: rounding of float32 values moves either
 * by far less.
 */
const ESTIMATE_SLACK = 1e-4;

/**
 * MatchHit's `matched` accessor, one for every hit, so hits share a hidden class and stay in fast
 * mode (a getter per hit made each a dictionary); set in the class's static block, where #find is in reach.
 */
let MATCH_HIT_MATCHED: PropertyDescriptor;

/**
 * A match() hit: paper, score and `matched`, an own enumerable property computed on first read, then
 * kept. The function finding the evidence sits in a private field: spreads, keys and JSON never see
 * it, and setting it costs no defineProperty (a digest pass makes hundreds of thousands of hits).
 */
class MatchHit implements SearchHit {
  paper: Paper;
  score: number;
  readonly #find: () => string[];

  constructor(paper: Paper, score: number, find: () => string[]) {
    this.paper = paper;
    this.score = score;
    this.#find = find;
    Object.defineProperty(this, 'matched', MATCH_HIT_MATCHED);
  }

  static {
    MATCH_HIT_MATCHED = {
      enumerable: true,
      configurable: true,
      get(this: MatchHit): string[] {
        const value = this.#find();
        Object.defineProperty(this, 'matched', { value, enumerable: true, configurable: true, writable: true });
        return value;
      },
    };
  }
}

/** cosine(offset(v, origin), unit) without making the offset vector: the same sums, rounded as offset() stores them. */
function offsetCosine(v: Float32Array | undefined, origin: Float32Array, unit: Float32Array): number {
  if (!v) return 0;
  let norm = 0;
  for (let k = 0; k < v.length; k++) norm += (v[k]! - origin[k]!) ** 2;
  if (norm === 0) return 0;
  const length = Math.sqrt(norm);
  let s = 0;
  for (let k = 0; k < v.length; k++) s += Math.fround(Math.fround(v[k]! - origin[k]!) / length) * unit[k]!;
  return s;
}

function cosine(a: Float32Array | undefined, unit: Float32Array): number {
  if (!a) return 0;
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * unit[k]!;
  return s;
}

/** True when `form` is its stem plus at most an inflectional ending ("trained", "training" of "train"). */
function isInflectionOf(form: string, stem: string): boolean {
  if (!form.startsWith(stem.slice(0, -1))) return false;
  const ending = form.slice(stem.length - 1);
  return /^.?(e|y|i)?(s|es|ed|d|ing)?$/.test(ending) && ending.length <= 5;
}

/** Removes every paper not in `allowed` (nor marked in `alsoAllowed`) from a concept's scores. */
export function keepOnly(scores: TermScores, allowed: DocBits, alsoAllowed?: Uint8Array): void {
  const list: DocList = scores.docs;
  const docs = list.ids;
  let kept = 0;
  let max = 0;
  for (let i = 0; i < list.length; i++) {
    const doc = docs[i]!;
    if (hasDoc(allowed, doc) || alsoAllowed?.[doc]) {
      docs[kept++] = doc;
      if (scores.scores[doc]! > max) max = scores.scores[doc]!;
    } else {
      scores.scores[doc] = 0;
      scores.inTitle[doc] = 0;
    }
  }
  list.length = kept;
  scores.max = max;
}

/** The normalized mean latent vector of some papers. */
function centroid(space: SemanticSpace, docs: number[]): Float32Array {
  const out = new Float32Array(space.dims);
  for (const doc of docs.length > 500 ? docs.filter((_, i) => i % Math.ceil(docs.length / 500) === 0) : docs) {
    const v = space.docVector(doc);
    if (v) for (let k = 0; k < v.length; k++) out[k] = out[k]! + v[k]!;
  }
  let norm = 0;
  for (const x of out) norm += x * x;
  if (norm > 0) for (let k = 0; k < out.length; k++) out[k] = out[k]! / Math.sqrt(norm);
  return out;
}

/**
 * Two forms of a stem are used alike when papers using one use the other at least as often as
 * chance would have it. Where chance would put less than one paper on both (rare forms), some paper
 * must still use both, and the centroids of their papers sit close in the latent space: in a
 * one-field corpus the latent space alone puts nearly any two forms close ("linear", "linearly").
 */
function formUsedAlike(space: SemanticSpace, ownCentroid: Float32Array, ownDocs: number[], own: Uint8Array, docs: number[], n: number, r: RankingOptions): boolean {
  let both = 0;
  for (const doc of docs) if (own[doc]) both++;
  const expected = (ownDocs.length * docs.length) / n;
  if (expected >= 1) return both >= expected;
  return both >= 1 && cosine(centroid(space, docs), ownCentroid) >= r.formMinSimilarity;
}

/** The idf-weighted share of the concepts whose own words the paper has. */
function coverage(doc: number, present: ArrayLike<number>[], idf: number[]): number {
  let covered = 0;
  let total = 0;
  for (let i = 0; i < present.length; i++) {
    total += idf[i]!;
    if (present[i]![doc]) covered += idf[i]!;
  }
  return total === 0 ? 0 : covered / total;
}

/** How often a concept's own words are mentioned in a stream of index terms: a multi-word alternative counts once per mention. */
function mentions(stream: Int32Array, c: ConceptScores, i: number, bits: Uint32Array | undefined): number {
  let count = 0;
  if (bits) for (let k = 0; k < stream.length; k++) count += (bits[stream[k]!]! >>> i) & 1;
  else for (const t of stream) if (c.ownIds.has(t)) count++;
  for (const phrase of c.phraseIds) count += countSequence(stream, phrase);
  return count;
}

/** The term ids standing for a concept's own words, the parts of its multi-word alternatives included. */
function ownTerms(c: ConceptScores): Set<number> {
  const out = new Set(c.ownIds);
  for (const phrase of c.phraseIds) phrase.forEach((t) => out.add(t));
  return out;
}

/** True when some term of `a` is directly followed (one slot of slack) by some term of `b`. */
function standSideBySide(stream: Int32Array, a: Set<number>, b: Set<number>): boolean {
  for (let i = 0; i < stream.length - 1; i++) {
    if (!a.has(stream[i]!)) continue;
    if (b.has(stream[i + 1]!) || (i + 2 < stream.length && b.has(stream[i + 2]!))) return true;
  }
  return false;
}

/** The largest idf-weighted share of the query's concepts (each given by its term ids) found within `window` consecutive terms. */
function passageCoverage(stream: ArrayLike<number>, concepts: Set<number>[], idf: number[], window: number): number {
  const total = idf.reduce((a, b) => a + b, 0) || 1;
  const last = new Float64Array(concepts.length).fill(-Infinity);
  let best = 0;
  for (let i = 0; i < stream.length; i++) {
    const t = stream[i]!;
    let hit = false;
    for (let c = 0; c < concepts.length; c++) {
      if (concepts[c]!.has(t)) {
        last[c] = i;
        hit = true;
      }
    }
    if (!hit) continue;
    let covered = 0;
    for (let c = 0; c < concepts.length; c++) if (i - last[c]! < window) covered += idf[c]!;
    if (covered > best) best = covered;
  }
  return best / total;
}
