import { readFileSync } from 'node:fs';

/** The version in package.json, for the User-Agent of live sources. */
export const appVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
