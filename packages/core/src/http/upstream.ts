/**
 * The one place core talks to Yandex's auth upstreams (OAuth, IAM, metadata) with plain
 * fetch: per-call timeout and abort, network/timeout errors mapped to the error hierarchy,
 * messages in the form "what failed: METHOD URL" with secrets stripped from the URL.
 *
 * The Tracker API itself goes through ky (see the client); this is for token endpoints.
 */
import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { FetchLike } from '../types.js';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** A form body (`application/x-www-form-urlencoded`) or a JSON value. */
  form?: URLSearchParams;
  json?: unknown;
  fetch?: FetchLike | undefined;
  signal?: AbortSignal | undefined;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Human label for messages, e.g. `IAM token exchange`. */
  what: string;
}

/** Describe a request for an error message without leaking query secrets. */
export function describeRequest(method: string, url: string): string {
  return `${method} ${redactUrl(url)}`;
}

/**
 * `fetch` with a timeout and the caller's signal combined. Resolves with any HTTP answer
 * (the caller decides what a status means); rejects with {@link TimeoutError},
 * {@link AbortedError} or {@link NetworkError}.
 */
export async function upstreamFetch(request: UpstreamRequest): Promise<Response> {
  const fetchImpl = request.fetch ?? globalThis.fetch;
  const timeoutMs = request.timeoutMs ?? 10_000;
  const controller = new AbortController();
  const onAbort = () => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) {
    throw new AbortedError(`${request.what} aborted: ${describeRequest(request.method, request.url)}`, {
      cause: request.signal.reason,
    });
  }
  request.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  // Never keep a process alive for a pending upstream call's timer.
  (timer as { unref?: () => void }).unref?.();

  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = request.form.toString();
  } else if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  try {
    return await fetchImpl(request.url, { method: request.method, headers, body, signal: controller.signal });
  } catch (error) {
    const where = describeRequest(request.method, request.url);
    if (timedOut) throw new TimeoutError(`${request.what} timed out after ${timeoutMs} ms: ${where}`);
    if (request.signal?.aborted) throw new AbortedError(`${request.what} aborted: ${where}`, { cause: request.signal.reason });
    throw new NetworkError(`${request.what} failed (network error): ${where}`, { cause: safeCause(error) });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/** Keep the cause's class and message (network errors carry no secrets) but not a request object. */
function safeCause(error: unknown): unknown {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message, code: (error.cause as { code?: unknown }).code } : undefined;
    return Object.assign(new Error(error.message), { name: error.name, cause });
  }
  return error;
}

/** Read a JSON body; `undefined` when the body is empty or not JSON (never throws). */
export async function readJsonSafely(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** 429 and 5xx are worth another try; other statuses are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * `Retry-After` in milliseconds (delta-seconds or HTTP-date), or undefined when absent or
 * unparseable. Negative values become 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Math.round(Number(trimmed) * 1000));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Wait `ms`, rejecting early with {@link AbortedError} when `signal` fires. Only used while a
 * caller awaits a retry, so the timer is bounded and deliberately not unref'd.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError('aborted while waiting to retry', { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted while waiting to retry', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
