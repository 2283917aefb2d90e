/**
 * The one place core talks to an upstream with plain fetch (OAuth, IAM, metadata; the proxy may
 * adopt it too): one deadline and one size cap over the whole exchange, headers and body, the
 * caller's signal honoured until the body is consumed, and network/timeout/abort failures mapped
 * to the error hierarchy once, with messages in the form "what failed: METHOD URL" (secrets
 * stripped from the URL).
 *
 * Why the body is covered: fetch resolves as soon as the headers arrive. A timer cleared there
 * leaves `response.text()` unbounded, so a server that sends headers and stalls would keep a
 * sign-in callback or a logout pending forever and hold the connection open.
 *
 * The Tracker API itself goes through ky (see the client); this is for everything else.
 */
import { AbortedError, InvalidResponseError, NetworkError, TimeoutError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { FetchLike } from '../types.js';

/** Default deadline of one upstream exchange (headers and body), ms. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
/** Default size cap of one upstream answer (header bytes plus body bytes). Token answers are < 4 KiB. */
export const DEFAULT_UPSTREAM_MAX_BYTES = 1024 * 1024;

/** One request of {@link fetchWithDeadline}. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers?: Record<string, string> | undefined;
  /** A form body (`application/x-www-form-urlencoded`). */
  form?: URLSearchParams | undefined;
  /** A JSON body. */
  json?: unknown;
  /** A `fetch` to use instead of the global one. */
  fetch?: FetchLike | undefined;
  /** The caller's signal: honoured until the body has been read to the end. */
  signal?: AbortSignal | undefined;
  /** Deadline of the whole exchange, headers and body, ms. Default {@link DEFAULT_UPSTREAM_TIMEOUT_MS}. */
  timeoutMs?: number | undefined;
  /** Cap on header bytes plus body bytes. Default {@link DEFAULT_UPSTREAM_MAX_BYTES}. */
  maxBytes?: number | undefined;
  /** Human label for messages, e.g. `IAM token exchange`. */
  what: string;
}

/** Describe a request for an error message without leaking query secrets. */
export function describeRequest(method: string, url: string): string {
  return `${method} ${redactUrl(url)}`;
}

const ignore = () => undefined;

/**
 * The answer of {@link fetchWithDeadline}: status and headers at once, the body through
 * `text()` / `json()` within the same deadline and size cap (read once; later calls share it).
 */
export interface UpstreamResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  text(): Promise<string>;
  /** The body parsed as JSON (a `SyntaxError` when it is not JSON). */
  json(): Promise<unknown>;
}

/**
 * `fetch` with one deadline and one size cap over the whole exchange.
 *
 * Resolves, once the headers are in, with the answer of any status (the caller decides what a
 * status means); reading its body (`text()`, `json()`) fails with {@link TimeoutError} when the
 * deadline passes, {@link AbortedError} when `signal` fires, {@link InvalidResponseError}
 * (`reason: 'too-large'`) past `maxBytes`, and {@link NetworkError} when the connection drops
 * mid-answer; in each case the fetch is aborted, so its connection is released, not left open.
 * The timer and the signal listener end when the body has been read; a body nobody reads is
 * dropped at the deadline. Every caller reads the body at once, so it is read whole here rather
 * than streamed through a guarded `ReadableStream`.
 *
 * Rejects, before the headers, with {@link TimeoutError}, {@link AbortedError} or
 * {@link NetworkError} (its `cause` keeps only the name, message and code of the failure).
 * Messages read "`what` timed out after N ms: METHOD URL" with query secrets redacted.
 *
 * @internal Shared by the OAuth grants and the IAM and metadata token sources.
 * @example
 * const response = await fetchWithDeadline({ method: 'POST', url, form, what: 'Yandex OAuth code exchange', timeoutMs: 5000 });
 * const text = await response.text(); // within the same 5 s, at most 1 MiB
 */
export async function fetchWithDeadline(request: UpstreamRequest): Promise<UpstreamResponse> {
  const { method, url, signal, what, form, json, timeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS, maxBytes = DEFAULT_UPSTREAM_MAX_BYTES } = request;
  const where = describeRequest(method, url);
  const aborted = () => new AbortedError(`${what} aborted: ${where}`, { cause: signal?.reason });
  if (signal?.aborted) throw aborted();

  const controller = new AbortController();
  /** Why the exchange ended early (deadline, abort, size), once it did. */
  let failure: Error | undefined;
  /** Rejects a pending body read when the exchange ends early (a fetch may ignore its signal). */
  let interrupt: (error: Error) => void = ignore;
  let response: Response | undefined;
  const finish = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  /** End the exchange early with `error`; the first reason wins. */
  const stop = (error: Error): Error => {
    if (!failure) {
      failure = error;
      finish();
      interrupt(error);
      controller.abort(error);
      if (response) discardResponse(response);
    }
    return error;
  };
  const onAbort = () => stop(aborted());
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop(new TimeoutError(`${what} timed out after ${timeoutMs} ms: ${where}`)), timeoutMs);
  // Never keep a process alive for a pending upstream call's timer.
  (timer as { unref?: () => void }).unref?.();

  const body = form ? form.toString() : json === undefined ? undefined : JSON.stringify(json);
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (body !== undefined) headers['Content-Type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';

  try {
    response = await (request.fetch ?? globalThis.fetch)(url, { method, headers, body, signal: controller.signal });
  } catch (error) {
    finish();
    throw failure ?? new NetworkError(`${what} failed (network error): ${where}`, { cause: safeCause(error) });
  }
  const answer = response;
  if (failure) {
    // The deadline or the caller's abort won the race with a fetch that ignores its signal.
    discardResponse(answer);
    throw failure;
  }
  const tooLarge = () =>
    stop(new InvalidResponseError(`${what} failed: the answer is larger than ${maxBytes} bytes: ${where}`, {
      status: answer.status,
      method,
      url: redactUrl(url),
      reason: 'too-large',
    }));
  // Header bytes on the wire (`name: value\r\n`), near enough for a cap.
  let size = 0;
  answer.headers.forEach((value, name) => {
    size += name.length + value.length + 4;
  });
  if (size > maxBytes) throw tooLarge();

  const read = async (): Promise<string> => {
    if (failure) throw failure;
    const reader = answer.body?.getReader();
    try {
      return reader ? await readText(reader, maxBytes - size, new Promise<never>((_, reject) => (interrupt = reject)), tooLarge) : '';
    } catch (error) {
      reader?.cancel().catch(ignore);
      throw failure ?? new NetworkError(`${what} failed (network error mid-answer): ${where}`, { cause: safeCause(error) });
    } finally {
      finish();
    }
  };
  let reading: Promise<string> | undefined;
  const text = () => (reading ??= read());
  return { status: answer.status, ok: answer.ok, headers: answer.headers, text, json: async () => JSON.parse(await text()) as unknown };
}

/**
 * Read a body stream to the end as UTF-8 text. Rejects with `tooLarge()`'s error once more than
 * `maxBytes` arrived (the rest is never downloaded), and with whatever `stopped` rejects with
 * (a deadline, an abort) while a read is pending: a fetch that ignores its signal may never end
 * its stream. Shared by the upstream exchanges and the client's error bodies.
 */
export async function readText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  stopped: Promise<never>,
  tooLarge: () => Error,
): Promise<string> {
  stopped.catch(ignore);
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const chunk = await Promise.race([reader.read(), stopped]);
    if (chunk.done) return text + decoder.decode();
    size += chunk.value.byteLength;
    if (size > maxBytes) throw tooLarge();
    text += decoder.decode(chunk.value, { stream: true });
  }
}

/**
 * Drop a response body nobody will read: cancel it (with `reason`) so its connection is released
 * now rather than at the deadline, ignoring the rejection a cancelled clone or an aborted fetch
 * makes it end with. A body already being read is left to its reader. Never throws.
 */
export function discardResponse(response: Response, reason?: unknown): void {
  const body = response.body;
  if (body && !body.locked) body.cancel(reason).catch(ignore);
}

/**
 * A failure's class, message and its own cause's code (network errors carry no secrets), without
 * the request object fetch or undici may hang on it. Anything that is not an `Error` is dropped:
 * it may be any value the caller's fetch threw.
 */
export function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = error.cause;
  const cause = inner instanceof Error ? { name: inner.name, message: inner.message, code: (inner as { code?: unknown }).code } : undefined;
  return Object.assign(new Error(error.message), { name: error.name, cause });
}

/**
 * Read a guarded body as JSON: `undefined` when the body is empty or not JSON. A deadline,
 * abort or size-cap failure while reading rejects with its typed error.
 */
export async function readJson(response: UpstreamResponse): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The upstream's `Date` header as epoch ms, or undefined when absent or unparseable. Used to
 * read absolute expiries against the upstream's own clock (clock skew).
 */
export function upstreamDate(response: { headers: Headers }): number | undefined {
  const parsed = Date.parse(response.headers.get('date') ?? '');
  return Number.isNaN(parsed) ? undefined : parsed;
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
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isNaN(ms) ? undefined : Math.max(0, Math.round(ms));
}

/**
 * Wait `ms`, rejecting early with {@link AbortedError} when `signal` fires. Only used while a
 * caller awaits a retry, so the timer is bounded and deliberately not unref'd.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted while waiting to retry', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
