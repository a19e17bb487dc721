/** npm start's bundle of the sources (see start.mjs): its main module's URL, built first when the sources changed; undefined when it cannot be built or written in `cacheDir` (node_modules/.cache/paperboy). */
export function bundledMain(cacheDir?: string): Promise<string | undefined>;
