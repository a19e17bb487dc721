import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/core/log.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger({ level: 'info', format: 'json' }, stream), text: () => text };
}

describe('logs', () => {
  it('never contain a token, signing secret or authorization header, wherever they are nested', () => {
    const { log, text } = capture();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret-1', SLACK_SIGNING_SECRET: 'sign-secret-2', DISCORD_TOKEN: 'discord-secret-3', DISCORD_APPLICATION_ID: '9' });
    log.info({ config }, 'config');
    log.info({ secrets: config.secrets }, 'secrets');
    log.info({ slack: config.secrets.slack, discord: config.secrets.discord }, 'platforms');
    log.info({ req: { headers: { authorization: 'Bot discord-secret-3' } } }, 'request');
    log.info({ token: 'discord-secret-3', botToken: 'xoxb-secret-1' }, 'flat');
    const written = text();
    expect(written.split('\n').filter(Boolean)).toHaveLength(5);
    for (const secret of ['xoxb-secret-1', 'sign-secret-2', 'discord-secret-3']) expect(written).not.toContain(secret);
    expect(written).toContain('[Redacted]');
  });
});
