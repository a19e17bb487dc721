import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The module `name` beside the calling one, with the caller's extension: the .ts source under a
 * TypeScript loader, the bundled .mjs under `npm start` (scripts/start.mjs puts it beside).
 */
export function siblingModule(name: string, callerUrl: string): URL {
  return new URL(`./${name}${callerUrl.match(/\.[cm]?[jt]s$/)?.[0] ?? '.ts'}`, callerUrl);
}

/**
 * Starts a worker thread on a TypeScript module of this project. A worker inherits the process's
 * loader flags, so under `tsx` (npm start, the CLI, the bench) it imports the module directly;
 * where the process has no TypeScript loader of its own (a test runner that transforms files in
 * process), the worker registers tsx's scoped importer first.
 */
export function startTsWorker(moduleUrl: URL): Worker {
  // The ESM build of tsx's API (its CommonJS build cannot import a module from a worker).
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.moduleUrl).catch((err) => {
      if (err && err.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
      return import(workerData.tsxApi).then((tsx) => tsx.tsImport(workerData.moduleUrl, workerData.moduleUrl));
    });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { moduleUrl: moduleUrl.href, tsxApi } });
  // A fit in progress never holds the process open at shutdown.
  worker.unref();
  return worker;
}
