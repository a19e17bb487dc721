import { setTimeout as sleep } from 'node:timers/promises';
import { SourceError } from './source.js';

export interface HttpOptions {
  timeoutMs: number;
  /** Extra attempts after a transient failure (network, timeout, 5xx, 429). */
  retries: number;
  /** First delay between attempts, doubling each time; a 429's Retry-After wins when longer (up to a minute). */
  retryBaseMs: number;
  userAgent?: string;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const MAX_RETRY_AFTER_S = 60;

/**
 * GETs `url` and parses the body as JSON: a per-request timeout, quick retries with doubling
 * delays for transient failures, and a SourceError saying what went wrong otherwise (an HTML
 * error page, a truncated body and a refused connection each read differently in the log).
 */
export async function getJson(url: string, options: HttpOptions, signal: AbortSignal): Promise<unknown> {
  let attempt = 0;
  for (;;) {
    try {
      return await getOnce(url, options, signal);
    } catch (err) {
      const failure = err instanceof SourceError ? err : new SourceError(describeNetworkError(err), true);
      if (signal.aborted || !failure.transient || attempt >= options.retries) throw failure;
      const backoff = options.retryBaseMs * 2 ** attempt;
      const asked = Math.min(failure.retryAfterSeconds ?? 0, MAX_RETRY_AFTER_S) * 1000;
      attempt++;
      await sleep(Math.max(backoff, asked), undefined, { signal }).catch(() => {});
      if (signal.aborted) throw failure;
    }
  }
}

async function getOnce(url: string, options: HttpOptions, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
    headers: { accept: 'application/json', 'user-agent': options.userAgent ?? 'paperboy (research paper bot)' },
    redirect: 'follow',
  });
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    const retryAfter = Number(res.headers.get('retry-after'));
    const transient = res.status === 429 || res.status >= 500;
    throw new SourceError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, transient, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new SourceError(`response of ${length} bytes is larger than ${MAX_BODY_BYTES}`, false);
  }
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) throw new SourceError(`response larger than ${MAX_BODY_BYTES} bytes`, false);
  try {
    return JSON.parse(text);
  } catch (err) {
    const kind = (res.headers.get('content-type') ?? '').split(';')[0] || 'no content type';
    throw new SourceError(`response is not valid JSON (${kind}, ${text.length} bytes: ${(err as Error).message.slice(0, 80)})`, false);
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'request timed out';
  if (e.name === 'AbortError') return 'request aborted';
  const code = e.cause?.code;
  return code ? `cannot connect (${code})` : `request failed (${e.cause?.message ?? e.message ?? String(err)})`;
}
