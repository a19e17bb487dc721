import { UserError } from '../../core/errors.js';
import { positiveInt, type CliCommand } from '../command.js';
import { formatHits, hitJson } from '../format.js';

/** Results per query unless --limit says otherwise. */
export const DEFAULT_SEARCH_LIMIT = 10;

export const search: CliCommand = {
  name: 'search',
  usage: '"<query>" [--json] [--limit N] [--batch]',
  summary: 'Ranked search. "exact phrase" and -exclusion work; --batch reads one query per stdin line.',
  options: { json: { type: 'boolean' }, limit: { type: 'string' }, batch: { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run(ctx) {
    const limit = positiveInt(ctx.values.limit, 'limit', DEFAULT_SEARCH_LIMIT);
    const json = ctx.values.json === true;
    const index = await ctx.index();
    if (ctx.values.batch) {
      if (ctx.args.length) return usageProblem(ctx.err, 'search --batch reads queries from stdin: give no query argument');
      for await (const line of ctx.stdinLines()) {
        const hits = safeSearch(() => index.search(line, { limit }).hits);
        ctx.out(json ? JSON.stringify(hits.map(hitJson)) : `# ${line}\n${formatHits(hits)}`);
      }
      return;
    }
    const query = ctx.args[0];
    if (query === undefined) return usageProblem(ctx.err, 'search needs a query, e.g. search "graph neural networks"');
    try {
      const page = index.search(query, { limit });
      if (json) ctx.out(JSON.stringify(page.hits.map(hitJson)));
      else if (page.nearest) ctx.out(`Nothing matches "${query}". Nearest papers (not matches):\n${formatHits(page.hits)}`);
      else ctx.out(`${formatHits(page.hits)}\n\nShowing ${page.hits.length} of ${page.total} for "${query}"`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      ctx.err(`paperboy: ${err.message}${err.hint ? `\n${err.hint}` : ''}`);
      return 2;
    }
  },
};

function usageProblem(err: (line: string) => void, message: string): number {
  err(`paperboy: ${message}`);
  return 2;
}

/** In a batch every line answers, in order: a query with nothing to search for gets no hits. */
function safeSearch<T>(run: () => T[]): T[] {
  try {
    return run();
  } catch (err) {
    if (err instanceof UserError) return [];
    throw err;
  }
}
