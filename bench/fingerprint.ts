/**
 * Prints what the index answers for fixed inputs: searches, topic matches and similar papers, with
 * scores to 9 places, on the seeds and on 10k synthetic papers of each kind. Two runs print the
 * same text exactly when ranking is unchanged, so a speed change proves it kept every answer:
 *   npx tsx bench/fingerprint.ts > before.txt   (change)   ... > after.txt; cmp before.txt after.txt
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { SearchHit } from '../src/core/search-port.js';
import type { Paper } from '../src/core/types.js';
import { loadJudgments } from './lib/judgments.js';
import { corpusOfKind, sampleQueries, CORPUS_KINDS } from './lib/synthetic.js';

const seedsDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'seeds');
const hits = (list: SearchHit[]) => list.map((h) => `${h.paper.id}:${h.score.toFixed(9)}${h.matched ? `[${h.matched.join('|')}]` : ''}`).join(' ');

function fingerprint(name: string, papers: Paper[], queries: string[], topics: string[]): string[] {
  const index = new PaperIndex(papers);
  const lines = [`# ${name}: ${papers.length} papers`];
  for (const q of queries) {
    for (const offset of [0, 10]) {
      const page = index.search(q, { limit: 10, offset });
      lines.push(`search ${JSON.stringify(q)} @${offset} total=${page.total}${page.nearest ? ' nearest' : ''} ${hits(page.hits)}`);
    }
  }
  for (const t of topics) lines.push(`match ${JSON.stringify(t)} ${hits(index.match(t))}`);
  for (let i = 0; i < papers.length; i += Math.ceil(papers.length / 20)) lines.push(`similar ${papers[i]!.id} ${hits(index.similar(papers[i]!.id))}`);
  return lines;
}

const { papers: seeds } = await loadCorpus(seedsDir);
const judgments = loadJudgments(seeds);
const judged = [...judgments.topical, ...judgments.offTopic].map((q) => q.query);
const queries = [...judged, ...judgments.knownItem.map((q) => q.query), ...sampleQueries(seeds, 40)];
const sections = [fingerprint('seeds', seeds, queries, judged)];
for (const kind of CORPUS_KINDS) {
  sections.push(fingerprint(`${kind} 10k`, [...seeds, ...corpusOfKind(kind, seeds, 10_000)], queries.slice(0, 80), judged));
}
const text = sections.flat().join('\n') + '\n';
process.stdout.write(text);
process.stderr.write(`fingerprint sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 16)}, ${text.split('\n').length - 1} lines\n`);
