import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadCorpus } from '../src/core/corpus/index.js';
import { createWorkerFitter, openIndex, PaperIndex, type LatentFitter } from '../src/core/search/index.js';
import { computeFit } from '../src/core/search/semantic.js';

const seeds = (await loadCorpus('seeds')).papers;
const QUERIES = ['diffusion models', 'graph neural netwroks', 'privacy', '"chain of thought" -math'];
const answers = (index: PaperIndex) =>
  QUERIES.map((q, i) => [index.search(q, { limit: 20 }), index.match(q).map((h) => [h.paper.id, h.score]), index.similar(seeds[i]!.id).map((h) => [h.paper.id, h.score])]);

describe('cold build as npm start runs it', () => {
  let fitter: LatentFitter | undefined;
  afterEach(async () => {
    await fitter?.close();
    fitter = undefined;
  });

  it('compacts while the worker fits, and returns the state and answers of a build in one go, latent space included', async () => {
    fitter = createWorkerFitter();
    const opened = await openIndex(seeds, { log: pino({ level: 'silent' }), fitter });
    expect(opened.restored).toBe(false);
    expect(opened.index.latentFits).toBe(1);
    expect(Object.keys(opened.phasesMs)).toEqual(['read', 'compare', 'build', 'fitInput', 'compact', 'fit']);
    const reference = new PaperIndex(seeds);
    expect(opened.index.exportState()).toEqual(reference.exportState());
    expect(answers(opened.index)).toEqual(answers(reference));
  });

  it('has the fitter start its worker before the build, so the fit does not wait for its start-up', async () => {
    const calls: string[] = [];
    let built = 0;
    const papers = seeds.slice(0, 200);
    const recording: LatentFitter = {
      prepare: () => void calls.push(`prepare after ${built} papers`),
      fit: async (input) => (calls.push(`fit on ${input.size} papers`), computeFit(input)),
      close: async () => {},
    };
    const counted = papers.map((p) => ({ ...p, get title() { built++; return p.title; } }));
    await openIndex(counted, { log: pino({ level: 'silent' }), fitter: recording });
    expect(calls).toEqual(['prepare after 0 papers', 'fit on 200 papers']);
  });
});
