import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/index.js';
import { describeSource, sourceStatuses } from '../../core/sources/status.js';
import { defaultStorePath, openSqliteStore } from '../../core/store/sqlite.js';
import type { CliCommand } from '../command.js';

export const sourcesCommand: CliCommand = {
  name: 'sources',
  usage: '[--json]',
  summary: 'Each live paper source: enabled, last success, last error, papers saved (read from the store under DATA_DIR).',
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const config = loadConfig();
    const path = defaultStorePath(config.store.dataDir);
    const states = config.store.driver === 'sqlite' && existsSync(path) ? readStates(path) : [];
    const statuses = sourceStatuses(config.sources.enabled, states, new Date(), config.sources.failingAlertMinutes);
    if (ctx.values.json) {
      ctx.out(JSON.stringify(statuses));
      return;
    }
    if (statuses.length === 0) {
      ctx.out('Live fetching is off (SOURCES=none or sources.enabled: []): papers come from the corpus folder only.');
      return;
    }
    ctx.out(statuses.flatMap(describeSource).join('\n'));
  },
};

function readStates(path: string) {
  const store = openSqliteStore(path);
  try {
    return store.sourceStates();
  } finally {
    store.close();
  }
}
