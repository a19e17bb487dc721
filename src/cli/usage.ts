import type { CliCommand } from './command.js';

export const PROGRAM = 'npm run --silent cli --';

export function usageText(commands: CliCommand[], only?: CliCommand): string {
  const shown = only ? [only] : commands;
  const lines = shown.map((c) => `  ${PROGRAM} ${c.name} ${c.usage}\n      ${c.summary}`);
  return [
    'Usage:',
    ...lines,
    '',
    'Options for every command:',
    '  --corpus <dir>   folder of *.txt / *.jsonl papers (default: CORPUS_DIR or config corpus.dir)',
    '  --help           this text',
  ].join('\n');
}
