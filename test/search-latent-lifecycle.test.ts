import { afterEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/core/corpus/index.js';
import { createWorkerFitter, type LatentFitter } from '../src/core/search/latent-fitter.js';
import { PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';

const seeds = (await loadCorpus('seeds')).papers;
const QUERIES = ['diffusion models', 'reasoning with language models', 'graph neural networks', 'reinforcement learning from human feedback'];
const results = (index: PaperIndex) => QUERIES.map((q) => [index.search(q, { limit: 15 }).hits.map((h) => h.paper.id), index.match(q).map((h) => h.paper.id)]);

describe('latent space lifecycle', () => {
  let fitter: LatentFitter | undefined;
  afterEach(async () => {
    await fitter?.close();
    fitter = undefined;
  });

  it('is fitted when the index is built, so the first search does not fit it', () => {
    const index = new PaperIndex(seeds);
    expect(index.latentFits).toBe(1);
    index.search('diffusion models');
    index.match('program synthesis');
    expect(index.latentFits).toBe(1);
  });

  it('is fitted once after a build in slices, and not by queries', async () => {
    const index = new PaperIndex();
    for (let i = 0; i < seeds.length; i += 100) index.add(seeds.slice(i, i + 100), { fit: false });
    expect(index.latentFits).toBe(0);
    await index.fitLatent();
    expect(index.latentFits).toBe(1);
    expect(results(index)).toEqual(results(new PaperIndex(seeds)));
    expect(index.latentFits).toBe(1);
  });

  it('refits on a worker thread when the corpus doubles: add() returns first, and the result is the in-process fit', async () => {
    const half = Math.floor(seeds.length / 3);
    const first: Paper[] = seeds.slice(0, half);
    const doubling = seeds.slice(half, seeds.length - 20);
    const late = seeds.slice(seeds.length - 20);

    const inProcess = new PaperIndex(first);
    inProcess.add(doubling);
    inProcess.add(late);

    const background = new PaperIndex(first);
    const worker = (fitter = createWorkerFitter());
    let fittedOnWorker = 0;
    background.useLatentFitter({ fit: (input) => worker.fit(input).then((fit) => (fittedOnWorker++, fit)), close: () => worker.close() });
    background.add(doubling);
    expect(background.latentFits).toBe(1); // the refit runs on the worker
    background.search('diffusion models'); // answered with the space fitted at build
    background.add(late); // added while the worker fits: projected into the new space when it arrives
    await background.latentReady();
    expect(background.latentFits).toBe(2);
    expect(fittedOnWorker).toBe(1);
    expect(inProcess.latentFits).toBe(2);
    expect(results(background)).toEqual(results(inProcess));
  });
});
