import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../../core/log.js';
import type { HttpRoute } from '../platform.js';

/** Slack's own replay window: older signed requests are refused (and remembered this long). */
export const SIGNATURE_WINDOW_SEC = 5 * 60;
/** How far ahead of our clock a request timestamp may be (clock drift), no more. */
export const FUTURE_SKEW_SEC = 60;
/** Slash commands and button payloads are a few KB; nothing unsigned is read past this. */
export const BODY_LIMIT_BYTES = 128 * 1024;

export const EVENTS_PATH = '/slack/events';

export interface InboundOptions {
  signingSecret: string;
  routes: HttpRoute[];
  log: Logger;
  /** Where requests that passed every check go, their body already read (bolt's receiver). */
  pass(req: IncomingMessage & { rawBody: Buffer }, res: ServerResponse): void;
  bodyLimit?: number;
  now?: () => number;
}

/**
 * The front door of Slack's HTTP mode, before bolt sees anything: extra GET routes, a small body
 * cap, the timestamp window (past and future), the signature, and a body that parses to an
 * object. Every refusal is one log line and a plain status; nothing here can throw past it.
 */
export function inboundListener(options: InboundOptions): RequestListener {
  const { log } = options;
  const limit = options.bodyLimit ?? BODY_LIMIT_BYTES;
  const now = options.now ?? Date.now;

  const refuse = (res: ServerResponse, status: number, why: string, extra: Record<string, unknown> = {}) => {
    log.warn({ status, ...extra }, `slack request refused: ${why}`);
    if (!res.headersSent) res.writeHead(status, { connection: 'close' });
    res.end();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = options.routes.find((r) => r.path === path && r.method === req.method);
    if (route) return route.handler(req, res);
    if (path !== EVENTS_PATH || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return refuse(res, 413, 'body too large', { bytes: declared });
    const raw = await readCapped(req, limit);
    if (!raw) {
      refuse(res, 413, 'body too large');
      req.destroy();
      return;
    }
    const text = raw.toString('utf8');
    const form = req.headers['content-type']?.split(';')[0]?.trim() === 'application/x-www-form-urlencoded';
    if (form && /^ssl_check=1(&|$)/.test(text)) {
      res.writeHead(200);
      res.end();
      return;
    }
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const age = Math.floor(now() / 1000) - timestamp;
    if (!Number.isInteger(timestamp)) return refuse(res, 401, 'no timestamp');
    if (age > SIGNATURE_WINDOW_SEC) return refuse(res, 401, 'timestamp too old', { ageSec: age });
    if (-age > FUTURE_SKEW_SEC) return refuse(res, 401, 'timestamp in the future', { aheadSec: -age });
    if (!signatureMatches(options.signingSecret, timestamp, text, req.headers['x-slack-signature'])) return refuse(res, 401, 'bad signature');
    const body = parseBody(text, form);
    if (!body) return refuse(res, 400, 'signed body is not a Slack payload object', { contentType: req.headers['content-type'] });
    options.pass(Object.assign(req, { rawBody: raw }), res);
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'slack request failed before reaching a listener');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

/** The body, or undefined when it grows past `limit` (reading stops there). */
function readCapped(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function signatureMatches(secret: string, timestamp: number, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A form's `payload` (JSON) or its fields, or a JSON body: only a plain object counts. */
function parseBody(text: string, form: boolean): Record<string, unknown> | undefined {
  try {
    let body: unknown;
    if (form) {
      const fields = parseQuery(text);
      body = typeof fields.payload === 'string' ? JSON.parse(fields.payload) : 'payload' in fields ? undefined : fields;
    } else {
      body = JSON.parse(text);
    }
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
