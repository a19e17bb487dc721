import { EXAMPLE_PAPER_ID, normalizePaperId } from '../../core/paper-id.js';
import type { CliCommand } from '../command.js';
import { formatPaper } from '../format.js';

export const show: CliCommand = {
  name: 'show',
  usage: '<id> [--json]',
  summary: 'One paper in full.',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = normalizePaperId(ctx.args[0]!);
    const paper = (await ctx.index()).get(id);
    if (!paper) {
      ctx.err(`paperboy: no paper with id ${id}; ids look like ${EXAMPLE_PAPER_ID} (see search --json)`);
      return 1;
    }
    ctx.out(ctx.values.json ? JSON.stringify(paper) : formatPaper(paper));
  },
};
