import { termsOfToken, tokenize } from '../../src/core/search/analyze.js';
import { FieldPostings } from '../../src/core/search/postings.js';
import type { Paper } from '../../src/core/types.js';

/**
 * The floor a cold build is measured against: the project's own analyzer (tokenize, stop words,
 * stem, compound joins) into typed-array postings per field, and nothing else (no sequences, stem
 * forms, typo words, latent space). Returns the vocabulary size, so the work cannot be skipped.
 */
export function floorBuild(papers: Paper[]): number {
  const ids = new Map<string, number>();
  const fields = [new FieldPostings(), new FieldPostings()];
  let counts = new Int32Array(1024);
  const touched: number[] = [];
  papers.forEach((paper, doc) => {
    [paper.title, paper.abstract].forEach((text, f) => {
      for (const token of tokenize(text)) {
        for (const term of termsOfToken(token)) {
          let id = ids.get(term);
          if (id === undefined) ids.set(term, (id = ids.size));
          if (id >= counts.length) {
            const grown = new Int32Array(counts.length * 2);
            grown.set(counts);
            counts = grown;
          }
          if (counts[id]!++ === 0) touched.push(id);
        }
      }
      for (const id of touched) {
        fields[f]!.append(id, doc, counts[id]!);
        counts[id] = 0;
      }
      touched.length = 0;
    });
  });
  return ids.size;
}
