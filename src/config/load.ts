import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { settingsSchema, type AppConfig, type Secrets } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** The one place that reads configuration files and the environment. */
export function loadConfig(env: Env = process.env, root = process.cwd()): AppConfig {
  const files = [resolve(root, 'config/default.yaml'), resolve(root, 'config/local.yaml')];
  if (env.PAPERBOY_CONFIG) files.push(resolve(root, env.PAPERBOY_CONFIG));
  let raw: Record<string, unknown> = {};
  for (const file of files) {
    if (!existsSync(file)) {
      if (file.endsWith('default.yaml') || file === files[2]) throw new ConfigError(`config file ${file} does not exist`);
      continue;
    }
    raw = merge(raw, readConfigFile(file));
  }
  raw = merge(raw, fromEnv(env));
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, raw));
  const secrets = secretsFromEnv(env);
  const platforms: AppConfig['platforms'] = [];
  if (secrets.slack) platforms.push('slack');
  if (secrets.discord) platforms.push('discord');
  if (platforms.length === 0) platforms.push('console');
  return { ...parsed.data, secrets, platforms };
}

function readConfigFile(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${file} must hold a mapping of options`);
  return value as Record<string, unknown>;
}

const envOptions: [string, string[], (v: string) => unknown][] = [
  ['CORPUS_DIR', ['corpus', 'dir'], String],
  ['DATA_DIR', ['store', 'dataDir'], String],
  ['PORT', ['http', 'port'], toNumber],
  ['LOG_LEVEL', ['log', 'level'], String],
  ['SLACK_API_URL', ['slack', 'apiUrl'], String],
  ['DISCORD_API_URL', ['discord', 'apiUrl'], String],
  ['SOURCES', ['sources', 'enabled'], toSourceList],
  ['HF_API_URL', ['sources', 'huggingface', 'apiUrl'], String],
];

/** "huggingface,arxiv" -> ["huggingface", "arxiv"]; "none" -> []. */
function toSourceList(v: string): unknown {
  const names = v.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  return names.length === 1 && names[0] === 'none' ? [] : names;
}

function fromEnv(env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, path, convert] of envOptions) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = out;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = convert(value);
  }
  return out;
}

function toNumber(v: string): unknown {
  return /^\d+$/.test(v.trim()) ? Number(v) : v;
}

function secretsFromEnv(env: Env): Secrets {
  const value = (name: string) => (env[name] ? env[name] : undefined);
  const secrets: Secrets = {};
  const botToken = value('SLACK_BOT_TOKEN');
  if (botToken) {
    const signingSecret = value('SLACK_SIGNING_SECRET');
    const appToken = value('SLACK_APP_TOKEN');
    if (!appToken && !signingSecret)
      throw new ConfigError('SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is: set one of them');
    secrets.slack = { botToken, signingSecret, appToken };
  }
  const token = value('DISCORD_TOKEN');
  if (token) {
    const applicationId = value('DISCORD_APPLICATION_ID');
    if (!applicationId) throw new ConfigError('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: set it to the application id from the Discord developer portal');
    secrets.discord = { token, applicationId };
  }
  return secrets;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? merge(prev, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "digests.defaultTimeZone: "Mars/Olympus" is not allowed; expected an IANA time zone ..." */
function describe(error: z.ZodError, raw: Record<string, unknown>): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join('.');
    let value: unknown = raw;
    for (const key of issue.path) value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
    const shown = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : JSON.stringify(value);
    if (issue.code === 'unrecognized_keys') return `${path || '(top level)'}: unknown option(s) ${shown}`;
    return `${path} = ${shown} is not allowed: ${issue.message}`;
  });
  return `invalid configuration:\n  ${lines.join('\n  ')}`;
}
