/**
 * Turning what ky and fetch throw into the core error hierarchy. ky's own errors carry the
 * `Request` (with its `Authorization` header) and the raw URL, so none of them may reach the
 * caller as is: `util.inspect` would print the credential (docs/architecture.md principle 5).
 */
import {
  AbortedError,
  InvalidResponseError,
  NetworkError,
  TimeoutError,
  TrackerHttpError,
  UnauthorizedError,
  isTrackerAuthError,
  type TrackerHttpErrorInit,
} from '../errors.js';
import { safeCause } from '../http/upstream.js';
import { eventPath } from '../events.js';
import { quoteUpstream, redactUrl, scrubSecrets } from '../redact.js';
import { isObject } from '../validate.js';
import { remainingMs } from './abort-safe-fetch.js';
import { readErrorBodyText } from './bounded-body.js';

/**
 * "METHOD /path" for messages: these reach API consumers (an adapter answers with the message),
 * so they name the operation and the path but never Tracker's origin or the query. The full URL,
 * query secrets redacted, stays on the error's `url` property for server logs.
 */
export function describeCall(method: string, url: string): string {
  return `${method} ${eventPath(url)}`;
}

/**
 * What the client did with a 401 before giving up, so the {@link UnauthorizedError} message says
 * what happened: `refreshed`: the token was refreshed (or already replaced) and the call
 * replayed once; `replayed`: replayed once, the token source not saying whether its token
 * changed; `not-replayed`: no replay, because `invalidate()` resolved `false` (a static token,
 * or one refreshed moments ago).
 */
export type UnauthorizedOutcome = 'refreshed' | 'replayed' | 'not-replayed';

/** What the UnauthorizedError message adds after "Tracker rejected the credentials" for each outcome. */
const UNAUTHORIZED_MESSAGES: Record<UnauthorizedOutcome | 'unknown', string> = {
  refreshed: ' after a refresh and one retry',
  replayed: ' again on the one retry',
  // A static token, or one refreshed moments ago (the forced-refresh cooldown).
  'not-replayed': '; the source has no other token to retry with',
  unknown: '',
};

/**
 * A 2xx whose body `.json()` could not parse (a proxy's HTML page, a truncated answer) as a typed
 * {@link InvalidResponseError} instead of a bare `SyntaxError`.
 */
export function invalidJsonError(method: string, url: string, status: number, cause: SyntaxError): InvalidResponseError {
  return new InvalidResponseError(`Tracker answered HTTP ${status} with a body that is not JSON: ${describeCall(method, url)}`, {
    status,
    method,
    url: redactUrl(url),
    reason: 'not-json',
    // A plain copy: name and message, not the error object itself.
    cause: { name: cause.name, message: cause.message },
  });
}

/** Tracker's error body (docs/yandex-api.md 1.5): `errors`, `errorMessages`, `statusCode`, `errorCode`. */
interface TrackerErrorBody {
  errors?: unknown;
  errorMessages?: unknown;
  errorCode?: unknown;
}

/**
 * A {@link TrackerHttpError} (or {@link UnauthorizedError} for a 401) from Tracker's answer:
 * status, method, redacted URL and Tracker's `errorMessages` / `errors` / `errorCode` (with the
 * request's credential and anything shaped like one scrubbed). The message names the method
 * and path (never Tracker's origin or the query), then what Tracker said:
 * `Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist`.
 * The body is read within what is left of the attempt's `timeoutMs` (`false`: no limit) and
 * only up to 64 KiB; a body that stalls or is larger leaves those fields empty, but the
 * error still carries the status.
 */
export async function trackerHttpErrorFrom(
  response: Response,
  request: { method: string; url: string; headers?: Headers },
  timeoutMs: number | false,
  unauthorized?: UnauthorizedOutcome,
): Promise<TrackerHttpError> {
  const text = await readErrorBodyText(response, timeoutMs === false ? undefined : remainingMs(response, timeoutMs));
  let body: TrackerErrorBody = {};
  try {
    const json: unknown = JSON.parse(text ?? '');
    if (isObject(json)) body = json;
  } catch {
    // Not JSON (or no body): the status and the call are still reported.
  }
  // Tracker's texts are quoted in the message and JSON: the credential the request carried must
  // not come back through them (say, a 403 whose errorMessages entry quotes the token).
  const authorization = request.headers?.get('authorization') ?? undefined;
  const secrets = [authorization, authorization?.replace(/^\s*\S+\s+/, '')];
  const scrub = (text: string) => scrubSecrets(text, secrets);
  const errorMessages = Array.isArray(body.errorMessages) ? body.errorMessages.filter((m): m is string => typeof m === 'string').map(scrub) : [];
  // Field names are Tracker's text too: a key may quote the credential as well as a value.
  const errors = isObject(body.errors)
    ? Object.fromEntries(
        Object.entries(body.errors).map(([key, value]) => [scrub(key), scrub(typeof value === 'string' ? value : JSON.stringify(value))]),
      )
    : {};
  const init: TrackerHttpErrorInit = {
    status: response.status,
    method: request.method,
    url: redactUrl(request.url),
    errorMessages,
    errors,
    errorCode: typeof body.errorCode === 'number' ? body.errorCode : undefined,
  };
  // What Tracker said: its `errorMessages`, then each field error as `field: message`
  // (`queue: Queue does not exist`), joined by `; `. Already scrubbed; quoted on one line.
  const said = [
    ...errorMessages.map((part) => quoteUpstream(part)).filter((part) => part !== ''),
    ...Object.entries(errors).map(([field, message]) => `${quoteUpstream(field)}: ${quoteUpstream(message)}`),
  ].join('; ');
  const where = `${describeCall(init.method, request.url)}${said ? `: ${said}` : ''}`;
  return response.status === 401
    ? new UnauthorizedError(`Tracker rejected the credentials${UNAUTHORIZED_MESSAGES[unauthorized ?? 'unknown']}: HTTP 401: ${where}`, init)
    : new TrackerHttpError(`Tracker answered HTTP ${response.status}: ${where}`, init);
}

/** Where a call went, for messages of errors that have no request attached. */
export interface CallSite {
  method: string;
  url: string;
  /** The call's ky `timeout`: `false` when the caller turned it off. */
  timeoutMs: number | false;
  /** The caller's signal: once it fired, whatever the call rejected with is an abort. */
  signal?: AbortSignal | null | undefined;
}

/**
 * Map anything a ky call rejected with, other than Tracker's error answers (ky's `HTTPError`, see
 * {@link trackerHttpErrorFrom}), into the hierarchy: our errors pass through; ky's
 * `TimeoutError`, and aborts, are rebuilt without the request object; once the caller's signal
 * fired, the error is an {@link AbortedError} whatever the signal's reason was. Anything else
 * (a user hook's own error) passes through.
 */
export async function toClientError(error: unknown, site: CallSite): Promise<unknown> {
  if (isTrackerAuthError(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const request = (error as { request?: unknown } | null)?.request;
  const { method, url } = request instanceof Request ? request : site;
  const where = describeCall(method, url);
  const aborted = site.signal?.aborted;
  if (aborted || name === 'AbortError') {
    // ky rejects with the signal's own reason (any value the caller chose, or a DOMException
    // from AbortSignal.timeout()); the documented error for "your signal fired" is AbortedError.
    return new AbortedError(`Tracker request aborted: ${where}`, { cause: aborted ? site.signal?.reason : undefined, url: redactUrl(url) });
  }
  if (name === 'TimeoutError' && request instanceof Request) {
    return new TimeoutError(`Tracker request timed out after ${site.timeoutMs} ms: ${where}`, { url: redactUrl(url) });
  }
  if (name === 'ForceRetryError') {
    // A 401 whose replay a per-call `retry` option left no room for.
    return new UnauthorizedError(`Tracker rejected the credentials; this call allows no retry: HTTP 401: ${where}`, {
      status: 401,
      method: site.method,
      url: redactUrl(site.url),
    });
  }
  return error;
}

/** A fetch failure (refused, reset, DNS) as {@link NetworkError}, keeping only a safe cause. */
export function networkErrorFrom(error: unknown, request: Request): NetworkError {
  return new NetworkError(`Tracker request failed (network error): ${describeCall(request.method, request.url)}`, {
    cause: safeCause(error),
    url: redactUrl(request.url),
  });
}
