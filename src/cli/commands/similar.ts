import { EXAMPLE_PAPER_ID, normalizePaperId } from '../../core/paper-id.js';
import { positiveInt, type CliCommand } from '../command.js';
import { formatHits, hitJson } from '../format.js';

export const DEFAULT_SIMILAR_LIMIT = 5;

export const similar: CliCommand = {
  name: 'similar',
  usage: '<id> [--json] [--limit N]',
  summary: 'Papers most like the given one.',
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const limit = positiveInt(ctx.values.limit, 'limit', DEFAULT_SIMILAR_LIMIT);
    const id = normalizePaperId(ctx.args[0]!);
    const index = await ctx.index();
    const paper = index.get(id);
    if (!paper) {
      ctx.err(`paperboy: no paper with id ${id}; ids look like ${EXAMPLE_PAPER_ID} (see search --json)`);
      return 1;
    }
    const hits = index.similar(id, limit);
    ctx.out(ctx.values.json ? JSON.stringify(hits.map(hitJson)) : `Like "${paper.title}":\n${formatHits(hits)}`);
  },
};
