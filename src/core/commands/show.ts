import { UserError } from '../errors.js';
import { followLikeAction, paperByline, truncate, type Reply } from '../reply.js';
import type { PaperSearch } from '../search-port.js';
import type { Paper } from '../types.js';
import { arxivPaperId, parseArxivId } from '../corpus/normalize.js';
import type { Store } from '../store/port.js';
import { EXAMPLE_PAPER_ID, normalizePaperId } from '../paper-id.js';
import type { CommandDef } from './definition.js';

/** Long enough for any real abstract; adapters still cut to their platform's limits. */
const ABSTRACT_LENGTH = 2800;

/** A paper by its id, or by an arXiv id in any usual spelling ("2401.12345", "arXiv:2401.12345v2", an arxiv.org link). */
export function requirePaper(index: PaperSearch, id: string, store?: Pick<Store, 'paperIdByArxiv'>): Paper {
  const paper = index.get(normalizePaperId(id)) ?? byArxivId(index, id, store);
  if (!paper) throw new UserError(`I have no paper with id "${id}".`, `Ids appear under each search result, e.g. /papers show ${EXAMPLE_PAPER_ID}; arXiv ids such as 2401.12345 work too`);
  return paper;
}

function byArxivId(index: PaperSearch, text: string, store?: Pick<Store, 'paperIdByArxiv'>): Paper | undefined {
  const arxivId = parseArxivId(text);
  if (!arxivId) return undefined;
  return index.get(store?.paperIdByArxiv(arxivId) ?? arxivPaperId(arxivId));
}

export const show: CommandDef = {
  path: ['show'],
  description: 'Show one paper with its abstract',
  usage: '/papers show <id>',
  example: `/papers show ${EXAMPLE_PAPER_ID}`,
  options: [{ name: 'id', description: 'The paper id shown under a search result, or an arXiv id or link', type: 'string', required: true, maxLength: 64 }],
  handle({ args }, { index, store }): Reply {
    const paper = requirePaper(index, String(args.id), store);
    const byline = paperByline(paper);
    return {
      visibility: 'ephemeral',
      papers: [{ id: paper.id, title: paper.title, snippet: truncate(paper.abstract, ABSTRACT_LENGTH), url: paper.url, ...(byline ? { byline } : {}) }],
      actions: [
        { kind: 'similar', label: 'More like this', command: 'similar', args: { id: paper.id } },
        followLikeAction(paper.id),
        { kind: 'share', label: 'Share to channel', command: 'show', args: { id: paper.id }, visibility: 'channel' },
      ],
    };
  },
};
