/** The paperboy command line: `npm run --silent cli -- <command> ...` (see usage.ts). */
import { commands } from './commands.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), commands, {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).catch((err: unknown) => {
  process.stderr.write(`paperboy: ${(err as Error).message}\n`);
  return 1;
});
process.exitCode = code;
