import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledMain } from '../scripts/start.mjs';
import { appVersion } from '../src/app/version.js';
import { siblingModule } from '../src/core/search/worker-thread.js';

describe('npm start bundle (scripts/start.mjs)', () => {
  it('bundles the sources once into the cache, the latent-fit worker beside main, and reuses it while they are unchanged', async () => {
    const main = await bundledMain();
    expect(main).toBeDefined();
    const dir = dirname(fileURLToPath(main!));
    expect(dir).toContain(join('node_modules', '.cache', 'paperboy'));
    expect(existsSync(join(dir, 'main.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'latent-fit-worker.mjs'))).toBe(true);
    const builtAt = statSync(join(dir, 'complete')).mtimeMs;
    expect(await bundledMain()).toBe(main);
    expect(statSync(join(dir, 'complete')).mtimeMs).toBe(builtAt);
  }, 60_000);

  it('gives no bundle, and says so, when its cache folder cannot be written (npm start then runs through the tsx loader)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-bundle-'));
    try {
      writeFileSync(join(dir, 'not-a-folder'), '');
      const written: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
      try {
        expect(await bundledMain(join(dir, 'not-a-folder', 'paperboy'))).toBeUndefined();
      } finally {
        process.stderr.write = write;
      }
      expect(written.join('')).toContain('running through the tsx loader');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a worker module beside its caller with the caller\'s extension', () => {
    expect(siblingModule('latent-fit-worker', 'file:///app/src/core/search/latent-fitter.ts').href).toBe('file:///app/src/core/search/latent-fit-worker.ts');
    expect(siblingModule('latent-fit-worker', 'file:///cache/abc/chunk-X1.mjs').href).toBe('file:///cache/abc/latent-fit-worker.mjs');
  });

  it('reads the version from the project\'s package.json wherever the module runs from', () => {
    expect(appVersion).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});
