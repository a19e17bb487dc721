import type { AppConfig, SourceName } from '../../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { ArxivClient } from './arxiv/client.js';
import { arxivUserAgent } from './arxiv/user-agent.js';
import { createArxivSource } from './arxiv/source.js';
import { createHuggingFaceSource } from './huggingface.js';
import type { PaperSource } from './source.js';

export type SourcesConfig = AppConfig['sources'];

/** What a source may need besides its options: where to keep its cursor, the bot's version, the time. */
export interface SourceContext {
  /** Without one, cursors live in memory only. */
  store?: Pick<Store, 'sourceCursor' | 'saveSourceCursor'>;
  version?: string;
  now?: () => Date;
}

function memoryCursors(): Pick<Store, 'sourceCursor' | 'saveSourceCursor'> {
  const values = new Map<string, string>();
  return { sourceCursor: (s) => values.get(s), saveSourceCursor: (s, v) => void values.set(s, v) };
}

/** How each source is built from the configuration. To add one, write a PaperSource and list it here. */
export const sourceFactories: Partial<Record<SourceName, (config: SourcesConfig, log: Logger, context: SourceContext) => PaperSource>> = {
  huggingface: (c) => createHuggingFaceSource({ ...c.huggingface, timeoutMs: c.timeoutMs, retries: c.retries, retryBaseMs: c.retryBaseMs }),
  arxiv: (c, log, { store = memoryCursors(), version = '0', now = () => new Date() }) => {
    const a = c.arxiv;
    // No limiter passed: every arXiv request of the process shares processArxivLimiter().
    const client = new ArxivClient({ baseUrl: a.apiUrl, userAgent: arxivUserAgent(version, a.contact), timeoutMs: c.timeoutMs, retries: c.retries, retryBaseMs: Math.max(c.retryBaseMs, 3000) });
    return createArxivSource({
      client,
      log,
      categories: a.categories,
      marginDays: a.marginDays,
      maxCatchUpDays: c.catchUpDays,
      firstPollDays: c.freshStartDays,
      pageSize: a.pageSize,
      maxPagesPerCategory: a.maxPagesPerCategory,
      schedule: { cron: a.schedule, timeZone: a.timeZone },
      cursor: { load: () => store.sourceCursor('arxiv'), save: (value) => store.saveSourceCursor('arxiv', value, now()) },
    });
  },
};

/** The enabled sources this build has; an enabled name without an implementation is logged and skipped. */
export function createSources(config: SourcesConfig, log: Logger, context: SourceContext = {}): PaperSource[] {
  const out: PaperSource[] = [];
  if (config.arxiv.categories.length > 0 && !config.enabled.includes('arxiv')) {
    log.warn({ categories: config.arxiv.categories }, 'arXiv categories are listed but arxiv is not among the enabled sources: add it to SOURCES (e.g. SOURCES=huggingface,arxiv)');
  }
  for (const name of new Set(config.enabled)) {
    const make = sourceFactories[name];
    if (name === 'arxiv' && config.arxiv.categories.length === 0) {
      log.warn({ source: name }, 'arxiv is enabled but lists no categories: nothing to fetch. Set ARXIV_CATEGORIES (e.g. cs.LG,cs.CL) or sources.arxiv.categories');
      continue;
    }
    if (make) out.push(make(config, log, context));
    else log.warn({ source: name }, `source "${name}" is enabled but not available in this version: skipped`);
  }
  return out;
}
