import { UserError } from '../errors.js';
import { truncate, type Reply } from '../reply.js';
import type { PaperSearch } from '../search-port.js';
import type { Paper } from '../types.js';
import { EXAMPLE_PAPER_ID, normalizePaperId } from '../paper-id.js';
import type { CommandDef } from './definition.js';

/** Long enough for any real abstract; adapters still cut to their platform's limits. */
const ABSTRACT_LENGTH = 2800;

export function requirePaper(index: PaperSearch, id: string): Paper {
  const paper = index.get(normalizePaperId(id));
  if (!paper) throw new UserError(`I have no paper with id "${id}".`, `Ids appear under each search result, e.g. /papers show ${EXAMPLE_PAPER_ID}`);
  return paper;
}

export const show: CommandDef = {
  path: ['show'],
  description: 'Show one paper with its abstract',
  usage: '/papers show <id>',
  example: `/papers show ${EXAMPLE_PAPER_ID}`,
  options: [{ name: 'id', description: 'The paper id shown under a search result', type: 'string', required: true, maxLength: 64 }],
  handle({ args }, { index }): Reply {
    const paper = requirePaper(index, String(args.id));
    return {
      visibility: 'ephemeral',
      papers: [{ id: paper.id, title: paper.title, snippet: truncate(paper.abstract, ABSTRACT_LENGTH), url: paper.url }],
      actions: [
        { kind: 'similar', label: 'More like this', command: 'similar', args: { id: paper.id } },
        { kind: 'share', label: 'Share to channel', command: 'show', args: { id: paper.id }, visibility: 'channel' },
      ],
    };
  },
};
