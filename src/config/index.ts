export { loadConfig, ConfigError } from './load.js';
export type { AppConfig, Settings, Secrets } from './schema.js';
export { isTimeZone } from './schema.js';
