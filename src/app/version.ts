import { readFileSync } from 'node:fs';

/** This project's package.json: the nearest one up from this module (src/app, or the bundle npm start runs; see scripts/start.mjs). */
function ownPackage(): { name: string; version: string } {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name: string; version: string };
      if (pkg.name === 'paperboy') return pkg;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (dir.pathname === '/') throw new Error('paperboy: package.json not found above ' + import.meta.url);
  }
}

/** The version in package.json, for the User-Agent of live sources. */
export const appVersion: string = ownPackage().version;
