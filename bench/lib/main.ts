import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the module at `url` is the script node was started with (not imported by bench/run.ts). */
export function isMain(url: string): boolean {
  return Boolean(process.argv[1]) && resolve(process.argv[1]!) === fileURLToPath(url);
}

/** Prints a bench section when its file is run on its own; a failure sets a non-zero exit code. */
export function printSectionWhenMain(url: string, run: () => Promise<string>): void {
  if (!isMain(url)) return;
  run().then((section) => console.log(section), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
