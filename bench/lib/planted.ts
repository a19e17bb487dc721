import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arxivSearchUrl, paperId } from '../../src/core/corpus/index.js';
import type { Paper } from '../../src/core/types.js';

/**
 * Papers written to be squarely on some off-topic follows (test/fixtures/planted, kept out of
 * seeds/): the first paper on a new topic must still arrive while the junk stays out.
 */
export interface PlantedPaper extends Paper {
  /** The off-topic query id (off_topic.json) the paper is about. */
  topic: string;
}

const plantedFile = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'test/fixtures/planted/planted.json');

export function loadPlanted(file = plantedFile): PlantedPaper[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { topic: string; title: string; abstract: string }[];
  return raw.map((p) => ({ id: paperId(p.title), title: p.title, abstract: p.abstract, url: arxivSearchUrl(p.title), topic: p.topic }));
}
