/**
 * `npm start`: runs src/main.ts as plain JavaScript in this one process. The TypeScript sources are
 * bundled by esbuild into node_modules/.cache/paperboy/<hash of the sources>/ when they changed
 * (about a quarter of a second; the first start after a clone or an edit), then imported. Under
 * the tsx loader every one of the app's few hundred modules goes through a loader thread, and the
 * tsx CLI starts a second node: together about 1.5 s of every start. When the cache cannot be
 * written (a read-only install), it falls back to the tsx loader.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** Entry points, named as they land in the output folder (flat: latent-fitter.ts finds its worker beside itself). */
const ENTRIES = { main: 'src/main.ts', 'latent-fit-worker': 'src/core/search/latent-fit-worker.ts' };
const COMPLETE = 'complete';

/** Every file under src with its size and modification time, and this script: what the bundle is made from. */
function sourcesHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${relative(root, path)}\0${size}\0${mtimeMs}\n`);
      }
    }
  };
  walk(join(root, 'src'));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle's main module URL, built first when the sources changed since; undefined when it
 * cannot be built or written here. Concurrent starts each build into a folder of their own and
 * rename it into place; the first rename wins and the others use it.
 */
export async function bundledMain(cache = join(root, 'node_modules', '.cache', 'paperboy')) {
  const out = join(cache, sourcesHash());
  const main = pathToFileURL(join(out, 'main.mjs')).href;
  try {
    statSync(join(out, COMPLETE));
    return main;
  } catch {}
  const temp = `${out}.${process.pid}.tmp`;
  try {
    const { build } = await import('esbuild');
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    await build({
      absWorkingDir: root,
      entryPoints: ENTRIES,
      outdir: temp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      logLevel: 'error',
    });
    writeFileSync(join(temp, COMPLETE), '');
    pruneOld(cache, out);
    try {
      renameSync(temp, out);
    } catch {
      // Another start put the same bundle in place first.
      removeQuietly(temp);
    }
    statSync(join(out, COMPLETE));
    return main;
  } catch (err) {
    removeQuietly(temp);
    process.stderr.write(`paperboy: running through the tsx loader (could not bundle the sources: ${err.message})\n`);
    return undefined;
  }
}

function removeQuietly(path) {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {}
}

/** Bundles of other sources not used for a week go (a bot still running on one may start its worker from it). */
function pruneOld(cache, keep) {
  const weekAgo = Date.now() - 7 * 24 * 3600_000;
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (path === keep) continue;
    try {
      if (statSync(path).mtimeMs < weekAgo) rmSync(path, { recursive: true, force: true });
    } catch {}
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const main = await bundledMain();
  if (main) await import(main);
  else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(root, 'src', 'main.ts')).href);
  }
}
