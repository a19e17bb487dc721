/** npm start's bundle of the sources (see start.mjs): its main module's URL, built first when the sources changed; undefined when it cannot be built here. */
export function bundledMain(): Promise<string | undefined>;
