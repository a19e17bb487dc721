export { loadConfig, ConfigError } from './load.js';
export type { AppConfig, Settings, Secrets, SourceName } from './schema.js';
export { isTimeZone, SOURCE_NAMES } from './schema.js';
