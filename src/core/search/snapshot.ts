import { createHash } from 'node:crypto';
import type { Paper } from '../types.js';
import { ACRONYMS } from './acronyms.js';
import { analyze, analyzeWords, tokenize } from './analyze.js';
import type { IndexState } from './index-state.js';
import { DEFAULT_MATCH, DEFAULT_RANKING, DEFAULT_SIMILAR, type PaperIndexOptions } from './options.js';
import type { PaperIndex } from './paper-index.js';
import type { ReadFile } from './read-off-thread.js';
import { readSnapshotFile, SnapshotUnusable, writeSnapshotFile, type SectionValue, type Sections } from './snapshot-file.js';
import { wordForm } from './stem.js';
import { QUERY_STOP_WORDS, STOP_WORDS } from './stopwords.js';

/** The snapshot file's layout; bump when the container or the sections below change. */
export const SNAPSHOT_FORMAT = 4;
export { SNAPSHOT_FILE } from './snapshot-file.js';
/** Bump when the analyzer changes in a way PROBE below might not show. */
const ANALYZER_REVISION = 1;
/** Text whose analysis stands for the analyzer: compounds, plurals, British spellings, acronyms, stop words. */
const PROBE =
  "The transformers' neuro-symbolic chain-of-thought optimisers were organising LLMs and GNNs; GPT-4 isn't state-of-the-art " +
  'in generalization, generation, communication or community detection, privately studied by organizations of organs.';

/**
 * What a snapshot's contents depend on besides the papers: the analyzer (its output on PROBE, the
 * stop words, acronyms) and the index options. A snapshot with another fingerprint is rebuilt.
 */
export function indexFingerprint(options: PaperIndexOptions = {}): string {
  const words = tokenize(PROBE);
  const analyzer = [ANALYZER_REVISION, words, analyze(PROBE), analyzeWords(PROBE), words.map(wordForm), [...STOP_WORDS].sort(), [...QUERY_STOP_WORDS].sort(), ACRONYMS];
  const resolved = [{ ...DEFAULT_RANKING, ...options.ranking }, { ...DEFAULT_MATCH, ...options.match }, { ...DEFAULT_SIMILAR, ...options.similar }];
  return createHash('sha256').update(JSON.stringify([SNAPSHOT_FORMAT, analyzer, resolved])).digest('hex');
}

export { textHash } from './index-state.js';

export interface IndexSnapshot {
  state: IndexState;
  /** textHash per short document id (state.textHashes). */
  textHashes: Uint32Array;
  createdAt: Date;
}

/**
 * Writes the index to `path`: its state is taken here in steps between turns of the event loop
 * (typed-array copies, the vocabulary tree a slice at a time), then checksummed in slices and
 * written on the thread pool. Waits for a
 * background latent fit first, so the snapshot holds the current space.
 */
export async function saveIndexSnapshot(path: string, index: PaperIndex, options: PaperIndexOptions = {}): Promise<{ bytes: number; papers: number }> {
  await index.latentReady();
  const state = await index.exportStateInSteps();
  const { sections, values } = flatten(state as unknown as Tree);
  const bytes = await writeSnapshotFile(path, SNAPSHOT_FORMAT, { fingerprint: indexFingerprint(options), values, sections });
  return { bytes, papers: state.ids.length };
}

/** The snapshot at `path`, undefined when there is none; throws SnapshotUnusable when it cannot be trusted. */
export async function loadIndexSnapshot(path: string, options: PaperIndexOptions = {}, prefetched?: Promise<ReadFile>): Promise<IndexSnapshot | undefined> {
  const contents = await readSnapshotFile(path, SNAPSHOT_FORMAT, indexFingerprint(options), prefetched);
  if (!contents) return undefined;
  const missing = REQUIRED.filter((name) => !(name in contents.sections));
  if (missing.length) throw new SnapshotUnusable(`sections missing: ${missing.join(', ')}`);
  const state = unflatten(contents.sections, contents.values) as unknown as IndexState;
  return { state, textHashes: state.textHashes, createdAt: contents.createdAt };
}

/** Sections every snapshot of this format has (the latent space is optional: a corpus too small to fit one has none). */
const REQUIRED = [
  'ids', 'textHashes', 'terms', 'treeNodes', 'treeEdges', 'df', 'titleLengths', 'abstractLengths', 'averages', 'sequencePool', 'sequenceOffsets',
  'wordTokens', 'wordTerms', ...['names', 'termOf', 'nextOf', 'first', 'last', 'counts'].map((k) => `forms.${k}`),
  ...['title', 'abstract', 'forms.docs', 'forms.missing'].flatMap((f) => ['pool', 'head', 'tail', 'df', 'overflowKeys', 'overflowCounts'].map((k) => `${f}.${k}`)),
];

type Tree = { [key: string]: SectionValue | number | Tree | undefined };

/** Arrays become sections and numbers values, named by their path ("title.pool", "latent.dims"). */
function flatten(tree: Tree, sections: Sections = {}, values: Record<string, number> = {}, prefix = ''): { sections: Sections; values: Record<string, number> } {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix + key;
    if (value === undefined) continue;
    if (typeof value === 'number') values[name] = value;
    else if (Array.isArray(value) || ArrayBuffer.isView(value)) sections[name] = value as SectionValue;
    else flatten(value as Tree, sections, values, `${name}.`);
  }
  return { sections, values };
}

/** The tree of `sections` and `values`; a section is read from `sections` when its property is (string lists decode then). */
function unflatten(sections: Sections, values: Record<string, number>): Tree {
  const root: Tree = {};
  const place = (name: string): [Tree, string] => {
    const path = name.split('.');
    let node = root;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    return [node, path.at(-1)!];
  };
  for (const name of Object.keys(sections)) {
    const [node, key] = place(name);
    Object.defineProperty(node, key, { get: () => sections[name], enumerable: true, configurable: true });
  }
  for (const [name, value] of Object.entries(values)) {
    const [node, key] = place(name);
    node[key] = value;
  }
  return root;
}
