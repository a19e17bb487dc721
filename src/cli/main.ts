/** The paperboy command line: `npm run --silent cli -- <command> ...` (see usage.ts). */
import { commands } from './commands.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), commands, {
  stdin: process.stdin,
  stdinIsTerminal: process.stdin.isTTY === true,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).catch((err: unknown) => {
  const message = (err as Error).message;
  process.stderr.write(`${message.startsWith('paperboy') ? message : `paperboy: ${message}`}\n`);
  return 1;
});
process.exitCode = code;
