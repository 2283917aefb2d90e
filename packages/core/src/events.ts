/**
 * What the library does, as typed events for logs and metrics: token refreshes, the client's
 * retries, 429 waits and 401 replays, and session rotation in the sign-in flow.
 *
 * Events name things, they never carry them: a credential id (`iam:sa:…`), an HTTP method
 * and path (never the origin or the query), a status, an error's name and code. No token,
 * refresh token, code or anything derived from one that could be used as one.
 */
import { ConfigurationError, isTrackerAuthError, type TrackerAuthErrorCode } from './errors.js';

/** An error as events describe it: what kind and which code; a message only for this library's errors (written never to hold a secret). */
export interface TrackerAuthEventError {
  /** `TokenExchangeError`, `NetworkError`, … or the foreign error's `name`. */
  name: string;
  /** The tracker-auth error code, when it is one of ours. */
  code?: TrackerAuthErrorCode | undefined;
  /** The message of a tracker-auth error; foreign errors' messages are left out (they may quote anything). */
  message?: string | undefined;
}

/** Why the refresh engine went to the token endpoint. */
export type RefreshReason =
  /** No token yet, or the cached one expired or is inside the refresh window. */
  | 'expiry'
  /** A 401 passed to `invalidate()`, or `getToken({ forceRefresh: true })`. */
  | 'forced';

/** A refresh of a credential started (one upstream token call, with its retries). */
export interface RefreshStartEvent {
  type: 'refresh.start';
  /** The credential's non-secret id (its `TokenSource.id`). */
  source: string;
  reason: RefreshReason;
}

/** A refresh succeeded. */
export interface RefreshEndEvent {
  type: 'refresh.end';
  source: string;
  reason: RefreshReason;
  /** Attempts it took (1 = no retry). */
  attempts: number;
  durationMs: number;
  /** When the new token expires, epoch ms, when known. */
  expiresAt?: number | undefined;
}

/**
 * A refresh failed for good (retries used up, or not retryable). Callers may still be served a
 * cached token that has not expired yet.
 */
export interface RefreshFailureEvent {
  type: 'refresh.failure';
  source: string;
  reason: RefreshReason;
  attempts: number;
  durationMs: number;
  error: TrackerAuthEventError;
}

/** A refresh attempt failed with a retryable error; the next one starts after `delayMs`. */
export interface RefreshRetryEvent {
  type: 'refresh.retry';
  source: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  error: TrackerAuthEventError;
}

/**
 * A forced refresh was declined: the token was force-refreshed less than
 * `refresh.forcedRefreshCooldownMs` ago, so it is kept (and a 401 is not replayed).
 */
export interface RefreshCooldownEvent {
  type: 'refresh.cooldown';
  source: string;
}

/** The Tracker client retries a call (a 5xx, 408 or network failure; 429 is {@link RateLimitedEvent}). */
export interface RequestRetryEvent {
  type: 'request.retry';
  method: string;
  /** The request path, e.g. `/v3/issues/TEST-1` (no origin, no query). */
  path: string;
  /** The retry about to happen (1 = the first retry). */
  retry: number;
  /** The status that caused it; absent for a network failure. */
  status?: number | undefined;
  /** The `Retry-After` Tracker asked for (503), ms; absent: backoff. */
  retryAfterMs?: number | undefined;
  /** For a network failure: what failed. */
  error?: TrackerAuthEventError | undefined;
}

/** Tracker answered 429: the client waits `retryAfterMs` (or its backoff) and tries again. */
export interface RateLimitedEvent {
  type: 'request.rate-limited';
  method: string;
  path: string;
  retry: number;
  /** `Retry-After`, ms; absent when Tracker sent none (the client backs off). */
  retryAfterMs?: number | undefined;
}

/** Tracker answered 401: the credential was invalidated and the call is sent once more. */
export interface UnauthorizedReplayEvent {
  type: 'request.unauthorized-replay';
  method: string;
  path: string;
}

/** Tracker answered 401 to a token refreshed moments ago: no replay, the call fails with `UnauthorizedError`. */
export interface UnauthorizedCooldownEvent {
  type: 'request.unauthorized-cooldown';
  method: string;
  path: string;
}

/** A signed-in session's tokens changed (refreshed or rotated); the browser gets a new cookie. */
export interface SessionRotatedEvent {
  type: 'session.rotated';
  /** A short, non-reversible label of the session (a prefix of its fingerprint), for correlating log lines. */
  session: string;
  /** Whether the refresh token changed too (Yandex rotates it). */
  refreshTokenRotated: boolean;
}

/** Yandex refused a session's refresh token: the user is signed out and its cookie cleared. */
export interface SessionDeadEvent {
  type: 'session.dead';
  session: string;
}

/** Every event `onEvent` receives; switch on `type`. */
export type TrackerAuthEvent =
  | RefreshStartEvent
  | RefreshEndEvent
  | RefreshFailureEvent
  | RefreshRetryEvent
  | RefreshCooldownEvent
  | RequestRetryEvent
  | RateLimitedEvent
  | UnauthorizedReplayEvent
  | UnauthorizedCooldownEvent
  | SessionRotatedEvent
  | SessionDeadEvent;

/**
 * An observer of {@link TrackerAuthEvent}s (a logger, a metrics counter). Called synchronously
 * on the request's path, so keep it quick; whatever it throws (or a promise it returns
 * rejects with) is swallowed: observing never breaks a request.
 */
export type TrackerAuthEventHandler = (event: TrackerAuthEvent) => void;

/** Call `handler` with `event`, never letting it throw into the caller. */
export function emitEvent(handler: TrackerAuthEventHandler | undefined, event: TrackerAuthEvent): void {
  if (handler === undefined) return;
  try {
    // An async handler's rejection is swallowed too.
    const returned = handler(event) as Promise<unknown> | undefined;
    if (typeof returned?.catch === 'function') returned.catch(() => undefined);
  } catch {
    // An observer must not turn a working request into a failed one.
  }
}

/** How events describe an error: never a foreign error's message (it could quote a request). */
export function eventError(error: unknown): TrackerAuthEventError {
  if (isTrackerAuthError(error)) return { name: error.name, code: error.code, message: error.message };
  const name = (error as { name?: unknown } | null)?.name;
  return { name: typeof name === 'string' ? name : typeof error };
}

/** The path of a URL for an event (no origin, no query: those may hold secrets or hosts). */
export function eventPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '/';
  }
}

/** Check an `onEvent` option at construction. */
export function assertEventHandler(value: unknown, field: string, factory: string): TrackerAuthEventHandler | undefined {
  // Not optionFailer (validate.ts): that would close an import cycle through types.ts.
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', field, `${factory}: \`${field}\` must be a function.`);
  }
  return value as TrackerAuthEventHandler | undefined;
}
