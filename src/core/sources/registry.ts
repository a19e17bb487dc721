import type { AppConfig, SourceName } from '../../config/index.js';
import type { Logger } from '../log.js';
import { createHuggingFaceSource } from './huggingface.js';
import type { PaperSource } from './source.js';

export type SourcesConfig = AppConfig['sources'];

/** How each source is built from the configuration. To add one, write a PaperSource and list it here. */
export const sourceFactories: Partial<Record<SourceName, (config: SourcesConfig) => PaperSource>> = {
  huggingface: (c) => createHuggingFaceSource({ ...c.huggingface, timeoutMs: c.timeoutMs, retries: c.retries, retryBaseMs: c.retryBaseMs }),
};

/** The enabled sources this build has; an enabled name without an implementation is logged and skipped. */
export function createSources(config: SourcesConfig, log: Logger): PaperSource[] {
  const out: PaperSource[] = [];
  for (const name of new Set(config.enabled)) {
    const make = sourceFactories[name];
    if (make) out.push(make(config));
    else log.warn({ source: name }, `source "${name}" is enabled but not available in this version: skipped`);
  }
  return out;
}
