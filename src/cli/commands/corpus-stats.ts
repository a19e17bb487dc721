import type { CliCommand } from '../command.js';

export const corpusStats: CliCommand = {
  name: 'corpus stats',
  usage: '[--json]',
  summary: 'Files, papers, merged duplicates and skipped lines of the corpus, with any warnings.',
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const { stats, warnings } = await ctx.corpus();
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ ...stats, warnings }));
      return;
    }
    ctx.out(
      [
        `files:              ${stats.files}`,
        `papers:             ${stats.papers}`,
        `duplicates merged:  ${stats.duplicatesMerged}`,
        `skipped lines:      ${stats.skippedLines}`,
        ...(warnings.length ? ['', 'warnings:', ...warnings.map((w) => `  ${w}`)] : []),
      ].join('\n'),
    );
  },
};
