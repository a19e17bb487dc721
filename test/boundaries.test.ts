import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('module boundaries', () => {
  it('keeps the core free of platform SDKs, adapters and the app', () => {
    const offenders = sourceFiles('src/core').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(@slack\/|discord\.js|@discordjs\/)|\/platforms\/|\/app\//.test(spec))
        .map((spec) => `${relative('.', file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps each platform adapter to its own SDK', () => {
    const crossing = ['slack', 'discord', 'console'].flatMap((platform) =>
      sourceFiles(join('src/platforms', platform)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => (platform !== 'slack' && /^@slack\//.test(spec)) || (platform !== 'discord' && /^(discord\.js|@discordjs\/)/.test(spec)) || /\/platforms\/(slack|discord|console)\//.test(spec))
          .map((spec) => `${relative('.', file)} imports ${spec}`),
      ),
    );
    expect(crossing).toEqual([]);
  });

  it('reads the environment in the config module only', () => {
    const readers = sourceFiles('src')
      .filter((file) => !file.startsWith(join('src', 'config')) && /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative('.', file));
    expect(readers).toEqual([]);
  });
});
