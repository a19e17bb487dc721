import { followLikeAction, truncate, type Action, type PaperItem } from '../reply.js';
import type { Paper } from '../types.js';

export const SNIPPET_LENGTH = 220;

/** A paper as a result line, with its own "More like this" and "Follow papers like this" buttons. */
export function paperItem(paper: Paper): PaperItem {
  const moreLikeThis: Action = { kind: 'similar', label: 'More like this', command: 'similar', args: { id: paper.id } };
  return { id: paper.id, title: paper.title, snippet: truncate(paper.abstract.replace(/\s+/g, ' '), SNIPPET_LENGTH), url: paper.url, actions: [moreLikeThis, followLikeAction(paper.id)] };
}
