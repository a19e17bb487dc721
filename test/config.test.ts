import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/index.js';

const root = process.cwd();

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'paperboy-config-')), 'override.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('configuration', () => {
  it('runs the console platform on the embedded defaults when no credentials are set', () => {
    const config = loadConfig({}, root);
    expect(config.platforms).toEqual(['console']);
    expect(config.corpus.dir).toBe('seeds');
    expect(config.store).toEqual({ driver: 'sqlite', dataDir: 'data' });
    expect(config.follows.maxPerUser).toBe(25);
  });

  it('takes the documented environment variables over the files', () => {
    const config = loadConfig({ PORT: '8080', DATA_DIR: '/tmp/pb', CORPUS_DIR: 'papers', SLACK_API_URL: 'http://127.0.0.1:9/api/' }, root);
    expect(config.http.port).toBe(8080);
    expect(config.store.dataDir).toBe('/tmp/pb');
    expect(config.corpus.dir).toBe('papers');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('runs both platforms when both are configured, and keeps secrets out of the settings', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', DISCORD_TOKEN: 'd-1', DISCORD_APPLICATION_ID: '42' }, root);
    expect(config.platforms).toEqual(['slack', 'discord']);
    expect(config.secrets.slack).toEqual({ botToken: 'xoxb-1', appToken: 'xapp-1', signingSecret: undefined });
    const { secrets, ...settings } = config;
    expect(JSON.stringify(settings)).not.toContain('xoxb-1');
    expect(secrets.discord?.applicationId).toBe('42');
  });

  it('names the option, the value and what is allowed when a value is bad', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, root)).toThrowError(/log\.level = "loud" is not allowed: .*"debug"/);
    expect(() => loadConfig({ PORT: 'eighty' }, root)).toThrowError(/http\.port = "eighty"/);
    const file = configFile('digests:\n  defaultTimeZone: Mars/Olympus\n  size: 0\nsurprise: true\n');
    let message = '';
    try {
      loadConfig({ PAPERBOY_CONFIG: file }, root);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('digests.defaultTimeZone = "Mars/Olympus" is not allowed: expected an IANA time zone');
    expect(message).toContain('digests.size = 0');
    expect(message).toContain('unknown option(s) surprise');
  });

  it('merges an override file over the defaults, keeping the options it does not mention', () => {
    const config = loadConfig({ PAPERBOY_CONFIG: configFile('digests:\n  defaultTime: "06:45"\n') }, root);
    expect(config.digests.defaultTime).toBe('06:45');
    expect(config.digests.catchUpHours).toBe(12);
  });

  it('refuses half-configured platforms with what to set', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }, root)).toThrowError(/SLACK_APP_TOKEN .* SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({ DISCORD_TOKEN: 'd-1' }, root)).toThrowError(/DISCORD_APPLICATION_ID/);
    expect(() => loadConfig({ PAPERBOY_CONFIG: 'nowhere.yaml' }, root)).toThrowError(/does not exist/);
    expect(() => loadConfig({ PAPERBOY_CONFIG: configFile('digests: [1, 2\n') }, root)).toThrowError(/not valid YAML/);
  });
});
