import { describe, expect, it } from 'vitest';
import { PaperIndex } from '../src/core/search/index.js';
import type { Paper } from '../src/core/types.js';
import { paper } from './fixtures/fake-search.js';

const filler = (n: number): Paper[] => [
  ...Array.from({ length: n }, (_, i) => paper(`bio${i}`, `Protein folding ${i}`, 'We predict protein folding from amino acid sequences with residue contacts.')),
  ...Array.from({ length: n }, (_, i) => paper(`rl${i}`, `Robot locomotion ${i}`, 'Reinforcement learning agents learn locomotion policies from rewards.')),
];

describe('PaperIndex stem classes split by use', () => {
  // Porter2 stems "linearly" to "linear". One paper says "linearly" (of a cost) and never "linear";
  // it shares the others' field, so the latent space alone would put it close.
  const corpus: Paper[] = [
    ...['probes', 'heads', 'readouts', 'adapters', 'maps', 'layers'].map((what, i) =>
      paper(`lin${i}`, `Linear ${what} of transformer features`, `A linear ${what.slice(0, -1)} reads transformer attention features and is trained on labels.`),
    ),
    paper('scales', 'Attention whose cost scales linearly', 'Transformer attention features computed at a cost that grows linearly with the sequence length.'),
    ...['images', 'speech'].map((what, i) =>
      paper(`cond${i}`, `Generation under a ${what} condition`, `A transformer takes each condition on ${what} as a set of attention features.`),
    ),
    paper('cond2', 'Generation conditioned on video', 'A transformer conditioned on video frames as attention features.'),
    ...filler(20),
  ];
  const ids = (query: string, options = {}) =>
    new PaperIndex(corpus, { ranking: { feedbackTerms: 0, ...options } }).search(query, { limit: 30 }).hits.map((h) => h.paper.id);

  it('a rare form that no paper uses beside the typed one is another word: "linear" does not find "linearly"', () => {
    const found = ids('linear');
    expect(found).not.toContain('scales');
    expect(found.filter((id) => id.startsWith('lin'))).toHaveLength(6);
  });

  it('the typed word still finds its own inflections ("condition" finds "conditioned")', () => {
    expect(ids('condition').sort()).toEqual(['cond0', 'cond1', 'cond2']);
  });

  it('with the checks off, the stem class is one word again', () => {
    expect(ids('linear', { variantMinSimilarity: -1 })).toContain('scales');
  });
});

describe('PaperIndex follows: a topic\'s words stand together', () => {
  const corpus: Paper[] = [
    paper('crops', 'Crop yield prediction from satellite time series', 'We forecast harvests per field from satellite images and weather records.'),
    // Every word of the topic is prominent (title or first sentence), but never near the others.
    paper(
      'scattered',
      'Prediction markets and their yield',
      'Traders bet on what the prices of futures contracts on gold, metals, energy and each crop do next season, and we model how their bets move the quotes. Markets with many traders settle quickly.',
    ),
    ...Array.from({ length: 20 }, (_, i) => paper(`pred${i}`, `Prediction of traffic ${i}`, 'We predict road traffic from sensor counts.')),
    ...filler(20),
  ];

  // The latent step is off: in a corpus this small it would put the two papers together.
  const match = { minSemanticSimilarity: 0 };

  it('delivers the paper that names the topic and not one whose words are scattered', () => {
    const ids = new PaperIndex(corpus, { match }).match('crop yield prediction').map((h) => h.paper.id);
    expect(ids).toContain('crops');
    expect(ids).not.toContain('scattered');
  });

  it('with an unlimited window the scattered paper passes (the rule is what keeps it out)', () => {
    const ids = new PaperIndex(corpus, { match: { ...match, proximityWindow: 10_000 } }).match('crop yield prediction').map((h) => h.paper.id);
    expect(ids).toContain('scattered');
  });
});

describe('PaperIndex follows: the latent step measures closeness from the mean paper', () => {
  // Word salad from one small vocabulary (as the 10k synthetic papers are): every paper is near
  // every other in the latent space, which says nothing about a topic.
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pool = ('model data method results training network learning performance task approach framework benchmark evaluation accuracy loss ' +
    'gradient layer features representation inference dataset baseline experiments analysis optimization structure parameters scale efficient robust language translation').split(' ');
  const salad = (n: number) => Array.from({ length: n }, (_, i) => pool[Math.floor(random() * pool.length)] + ((i + 1) % 8 === 0 ? '.' : '')).join(' ');
  const corpus: Paper[] = [
    paper('about', salad(6), `${salad(3)} sign language translation ${salad(40)}`),
    // Six mention "sign" once, in passing; the lexical score alone lets them be considered.
    ...Array.from({ length: 60 }, (_, i) => paper(`salad${i}`, salad(6), i < 6 ? `${salad(24)} sign ${salad(16)}` : salad(40))),
    ...filler(20),
  ];

  it('adds no paper that is only as close to the topic as all papers are to each other', () => {
    expect(new PaperIndex(corpus).match('sign language translation').map((h) => h.paper.id)).toEqual(['about']);
  });
});
