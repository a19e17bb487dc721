/**
 * Daily Papers responses in the shape the live API returns (trimmed to a few fields per item,
 * plus some Paperboy ignores, so extra fields are exercised too).
 */
export interface HfItemOptions {
  authors?: string[];
  upvotes?: number;
  publishedAt?: string;
}

export function hfItem(arxivId: string, title: string, summary: string, o: HfItemOptions = {}): unknown {
  const publishedAt = o.publishedAt ?? '2026-11-19T17:59:58.000Z';
  return {
    paper: {
      id: arxivId,
      authors: (o.authors ?? ['Ada Lovelace', 'Alan Turing']).map((name, i) => ({ _id: `a${i}`, name, hidden: false })),
      publishedAt,
      submittedOnDailyAt: '2026-11-20T05:12:00.000Z',
      title,
      summary,
      upvotes: o.upvotes ?? 12,
      discussionId: `d-${arxivId}`,
      ai_keywords: ['fixtures'],
    },
    publishedAt,
    title,
    thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${arxivId}.png`,
    numComments: 2,
    submittedBy: { _id: 'u1', avatarUrl: 'https://example.org/a.png', fullname: 'A Submitter', name: 'submitter', type: 'user' },
    isAuthorParticipating: false,
  };
}

const abstract = (what: string) => `We introduce ${what}. Experiments on several benchmarks show consistent gains over strong baselines, and we release code and data.`;

/** A seed paper's title, spelled a little differently (case, punctuation): the same paper once normalized. */
export const SEED_TITLE = 'Learning Hierarchical Polynomials with Three-Layer Neural Networks';
export const SEED_ID = 'p-am5j09zwk1';

/** Friday 2026-11-20: a paper only the fake serves, a seed paper, and one given with a version. */
export const normalDay = [
  hfItem('2611.01234', 'Quokka: Zero-Shot Marsupial Segmentation with Sparse Pouch Tokens', abstract('Quokka, a zero-shot marsupial segmentation model built on sparse pouch tokens'), { upvotes: 42, authors: ['Mia Wombat', 'Leo Quoll', 'Ivy Dunnart'] }),
  hfItem('2611.04321', 'LEARNING hierarchical polynomials with three layer neural networks!', abstract('a study of hierarchical polynomials learned by three-layer networks'), { upvotes: 7 }),
  hfItem('2611.05555v2', 'Hyperbolic Tidal Embeddings for Lunar Rovers', abstract('hyperbolic tidal embeddings that let lunar rovers plan routes'), { upvotes: 3 }),
];

/** Saturday and Sunday: Daily Papers lists nothing on weekends. */
export const weekendDay: unknown[] = [];

/** A weekday with nothing submitted yet (early in the morning). */
export const emptyDay: unknown[] = [];

/** Monday 2026-11-23: one more paper. */
export const mondayDay = [
  hfItem('2611.07777', 'Marsupial Pouch Tokens Revisited for Dense Prediction', abstract('pouch tokens for dense marsupial prediction'), { upvotes: 5 }),
];

export const HTML_503 = '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily busy.</p></body></html>';

/** A response cut off mid-way, as a dropped connection leaves it. */
export const TRUNCATED_JSON = JSON.stringify(normalDay).slice(0, 700);
