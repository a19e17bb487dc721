import { loadCorpus } from '../src/core/corpus/index.js';
import { PaperIndex } from '../src/core/search/index.js';
import { heapsCorpus, syntheticCorpus } from './lib/synthetic.js';
const n = Number(process.argv[2] ?? 10000);
const seeds = (await loadCorpus('seeds')).papers;
for (const [k, f] of [['seed', syntheticCorpus], ['heaps', heapsCorpus]] as const) {
  const papers = f(seeds, n);
  const c = process.cpuUsage(); const t = performance.now();
  new PaperIndex(papers);
  const u = process.cpuUsage(c);
  console.log(k, 'build wall', (performance.now() - t).toFixed(0), 'cpu', ((u.user + u.system) / 1000).toFixed(0));
}
