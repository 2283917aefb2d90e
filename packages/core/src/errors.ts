/**
 * The one error hierarchy of tracker-auth (docs/architecture.md principle 3).
 *
 * Every error thrown by `@tracker-auth/*` is a {@link TrackerAuthError} with a literal
 * `code`. Guards match by `name` as well as by `instanceof`, so they keep working when two
 * copies of the package are loaded (ESM + CJS, or two versions in one app).
 *
 * Messages never contain a secret: callers pass field names and fixes, never values.
 */

/** Every code an error of this library can carry. */
export const ERROR_CODES = [
  // configuration (thrown at construction)
  'INVALID_OPTION',
  'INVALID_TOKEN',
  'INVALID_ORG',
  'INVALID_URL',
  'INVALID_KEY',
  'INVALID_SECRET',
  // OAuth callback handling
  'STATE_MISSING',
  'STATE_MISMATCH',
  'STATE_UNEXPECTED',
  'CALLBACK_INVALID',
  // upstream OAuth answered with {error, error_description}
  'OAUTH_ERROR',
  // sealed sessions
  'SESSION_INVALID',
  'SESSION_EXPIRED',
  // obtaining or refreshing credentials (IAM, metadata, OAuth token endpoint)
  'TOKEN_EXCHANGE_FAILED',
  'SIGN_IN_REQUIRED',
  // talking to Tracker
  'HTTP_ERROR',
  'UNAUTHORIZED',
  'TIMEOUT',
  'NETWORK_ERROR',
  'ABORTED',
  // a client request the server cannot take (Node bridge: forbidden method, malformed Host)
  'BAD_REQUEST',
  'METHOD_NOT_ALLOWED',
  // an upstream answered something unusable (not JSON where JSON is due, larger than the limit)
  'INVALID_RESPONSE',
] as const;

/** Literal union of all error codes. */
export type TrackerAuthErrorCode = (typeof ERROR_CODES)[number];

/** Codes of {@link ConfigurationError}. */
export type ConfigurationErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_TOKEN'
  | 'INVALID_ORG'
  | 'INVALID_URL'
  | 'INVALID_KEY'
  | 'INVALID_SECRET';

/** Codes of {@link OAuthCallbackError}. */
export type OAuthCallbackErrorCode =
  | 'STATE_MISSING'
  | 'STATE_MISMATCH'
  | 'STATE_UNEXPECTED'
  | 'CALLBACK_INVALID';

export interface TrackerAuthErrorOptions {
  cause?: unknown;
}

/** Base class of every error thrown by tracker-auth. */
export class TrackerAuthError extends Error {
  override name: string = 'TrackerAuthError';
  declare readonly code: TrackerAuthErrorCode;

  constructor(code: TrackerAuthErrorCode, message: string, options: TrackerAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /**
   * A JSON form safe to log or send: name, code, message and the subclass's own fields
   * (`field`, `status`, `url`, …), never the cause or the stack. One generic method instead of
   * one per class: the detail fields are the error's own enumerable properties, set by the
   * constructors below from safe values only (redacted URLs, field names, upstream codes).
   */
  toJSON(): { name: string; code: TrackerAuthErrorCode; message: string } & Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...(this as object) };
  }
}

/** Bad options or input, thrown when a factory is called (never at the first request). */
export class ConfigurationError extends TrackerAuthError {
  override name = 'ConfigurationError';
  declare readonly code: ConfigurationErrorCode;
  /** The option path at fault, e.g. `org.orgId` or `credentials.key.private_key`. */
  declare readonly field: string;

  constructor(code: ConfigurationErrorCode, field: string, message: string, options?: TrackerAuthErrorOptions) {
    super(code, message, options);
    this.field = field;
  }
}

/** The OAuth redirect back to the app was not acceptable (state or shape). */
export class OAuthCallbackError extends TrackerAuthError {
  override name = 'OAuthCallbackError';
  declare readonly code: OAuthCallbackErrorCode;
}

export interface OAuthResponseErrorInit {
  /** The upstream `error` value, e.g. `invalid_grant` or `access_denied`. */
  error: string;
  /** The upstream `error_description`, when given. */
  errorDescription?: string | undefined;
  /** HTTP status of the upstream answer; undefined for a redirect (callback) error. */
  status?: number | undefined;
  cause?: unknown;
}

/**
 * Yandex OAuth answered with `{ error, error_description }`: at the token, device-code or
 * revoke endpoint, or in the callback redirect (`?error=access_denied`).
 */
export class OAuthResponseError extends TrackerAuthError {
  override name = 'OAuthResponseError';
  declare readonly code: 'OAUTH_ERROR';
  declare readonly error: string;
  declare readonly errorDescription: string | undefined;
  declare readonly status: number | undefined;

  constructor(message: string, init: OAuthResponseErrorInit) {
    super('OAUTH_ERROR', message, { cause: init.cause });
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.status = init.status;
  }
}

/** A sealed session could not be opened (tampered, truncated, foreign) or has expired. */
export class SessionError extends TrackerAuthError {
  override name = 'SessionError';
  declare readonly code: 'SESSION_INVALID' | 'SESSION_EXPIRED';
}

export interface TokenExchangeErrorInit {
  /** Which upstream: `iam`, `metadata` or `oauth`. */
  source: 'iam' | 'metadata' | 'oauth';
  status?: number | undefined;
  /** Upstream error code (gRPC code for IAM, OAuth `error` for OAuth), when known. */
  upstreamCode?: string | number | undefined;
  /** Whether trying again later may succeed (429, 5xx, network). */
  retryable?: boolean;
  cause?: unknown;
}

/** Obtaining or refreshing a credential failed (IAM, metadata service, OAuth refresh). */
export class TokenExchangeError extends TrackerAuthError {
  override name = 'TokenExchangeError';
  declare readonly code: 'TOKEN_EXCHANGE_FAILED';
  declare readonly source: 'iam' | 'metadata' | 'oauth';
  declare readonly status: number | undefined;
  declare readonly upstreamCode: string | number | undefined;
  declare readonly retryable: boolean;

  constructor(message: string, init: TokenExchangeErrorInit) {
    super('TOKEN_EXCHANGE_FAILED', message, { cause: init.cause });
    this.source = init.source;
    this.status = init.status;
    this.upstreamCode = init.upstreamCode;
    this.retryable = init.retryable ?? false;
  }
}

/** The user's session can no longer be refreshed: send them through sign-in again. */
export class SignInRequiredError extends TrackerAuthError {
  override name = 'SignInRequiredError';
  declare readonly code: 'SIGN_IN_REQUIRED';

  constructor(message: string, options?: TrackerAuthErrorOptions) {
    super('SIGN_IN_REQUIRED', message, options);
  }
}

export interface TrackerHttpErrorInit {
  status: number;
  method: string;
  /** Request URL without query secrets (see `redactUrl`). */
  url: string;
  /** Tracker's `errorMessages`, when the body had them. */
  errorMessages?: string[] | undefined;
  /** Tracker's `errors` (field → message), when the body had them. */
  errors?: Record<string, string> | undefined;
  /** Tracker's numeric `errorCode`, when present (e.g. 620345 for an unknown org). */
  errorCode?: number | undefined;
  cause?: unknown;
}

/** Tracker answered with a non-2xx status. */
export class TrackerHttpError extends TrackerAuthError {
  override name = 'TrackerHttpError';
  declare readonly code: 'HTTP_ERROR' | 'UNAUTHORIZED';
  declare readonly status: number;
  declare readonly method: string;
  declare readonly url: string;
  declare readonly errorMessages: string[];
  declare readonly errors: Record<string, string>;
  declare readonly errorCode: number | undefined;

  constructor(message: string, init: TrackerHttpErrorInit, code: 'HTTP_ERROR' | 'UNAUTHORIZED' = 'HTTP_ERROR') {
    super(code, message, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.errorMessages = init.errorMessages ?? [];
    this.errors = init.errors ?? {};
    this.errorCode = init.errorCode;
  }
}

/** Tracker still answered 401 after one forced credential refresh and replay. */
export class UnauthorizedError extends TrackerHttpError {
  override name = 'UnauthorizedError';
  declare readonly code: 'UNAUTHORIZED';

  constructor(message: string, init: TrackerHttpErrorInit) {
    super(message, init, 'UNAUTHORIZED');
  }
}

/** Options of the errors a call can end with before an HTTP answer (timeout, network, abort). */
export interface CallErrorOptions extends TrackerAuthErrorOptions {
  /**
   * The full request URL without query secrets (pass it through `redactUrl`), for server logs;
   * messages name only the method and path. Set for Tracker calls (client and proxy).
   */
  url?: string | undefined;
}

/** A call did not finish within its timeout. */
export class TimeoutError extends TrackerAuthError {
  override name = 'TimeoutError';
  declare readonly code: 'TIMEOUT';
  /** The call's full URL, query secrets redacted (like {@link TrackerHttpError.url}); `undefined` when not a URL call. */
  declare readonly url: string | undefined;

  constructor(message: string, options?: CallErrorOptions) {
    super('TIMEOUT', message, options);
    this.url = options?.url;
  }
}

/** The connection failed (refused, reset, DNS) before an HTTP answer arrived. */
export class NetworkError extends TrackerAuthError {
  override name = 'NetworkError';
  declare readonly code: 'NETWORK_ERROR';
  /** The call's full URL, query secrets redacted (like {@link TrackerHttpError.url}); `undefined` when not known. */
  declare readonly url: string | undefined;

  constructor(message: string, options?: CallErrorOptions) {
    super('NETWORK_ERROR', message, options);
    this.url = options?.url;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortedError extends TrackerAuthError {
  override name = 'AbortedError';
  declare readonly code: 'ABORTED';
  /** The call's full URL, query secrets redacted, when the abort ended a Tracker call; else `undefined`. */
  declare readonly url: string | undefined;

  constructor(message: string, options?: CallErrorOptions) {
    super('ABORTED', message, options);
    this.url = options?.url;
  }
}

export interface InvalidResponseErrorInit {
  /** HTTP status of the answer. */
  status: number;
  method: string;
  /** The full request URL without query secrets (see `redactUrl`), for server logs; messages name only the path. */
  url: string;
  /** What was wrong: the body is not JSON, or the answer is larger than the limit. */
  reason: 'not-json' | 'too-large';
  cause?: unknown;
}

/**
 * An upstream answered, but not with something usable: a 2xx whose body is not JSON where JSON
 * was asked for (Tracker's `.json()`), or an answer larger than the size limit.
 */
export class InvalidResponseError extends TrackerAuthError {
  override name = 'InvalidResponseError';
  declare readonly code: 'INVALID_RESPONSE';
  declare readonly status: number;
  declare readonly method: string;
  declare readonly url: string;
  declare readonly reason: 'not-json' | 'too-large';

  constructor(message: string, init: InvalidResponseErrorInit) {
    super('INVALID_RESPONSE', message, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.reason = init.reason;
  }
}

/** Codes of {@link RequestRejectedError}. */
export type RequestRejectedErrorCode = 'BAD_REQUEST' | 'METHOD_NOT_ALLOWED';

/**
 * A client's request cannot be taken as sent (the Node bridge: a method the fetch standard
 * forbids such as TRACE, a `Host` header that is not a host): a 400 or 405, never a 500.
 * `status` and `headers` are also read by Express's default error handler.
 */
export class RequestRejectedError extends TrackerAuthError {
  override name = 'RequestRejectedError';
  declare readonly code: RequestRejectedErrorCode;
  /** 400 (`BAD_REQUEST`) or 405 (`METHOD_NOT_ALLOWED`). */
  declare readonly status: 400 | 405;
  /** For 405: the methods that could be used instead (the `Allow` header). */
  declare readonly allow: string | undefined;
  /** Headers of the answer (`Allow` for a 405), in the shape Express's error handler reads. */
  declare readonly headers: Record<string, string> | undefined;

  constructor(code: RequestRejectedErrorCode, message: string, allow?: string) {
    super(code, message);
    this.status = code === 'METHOD_NOT_ALLOWED' ? 405 : 400;
    this.allow = allow;
    this.headers = allow === undefined ? undefined : { Allow: allow };
    // Bad client input, not a server fault: a stack would only show a client our file paths
    // (Express's development error page prints it).
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * Every error name of this library. ScrollExpiredError lives beside paginate()
 * (client/scroll-expired-error.ts) so that apps without pagination do not bundle it; its name is
 * listed here for the guards.
 */
const ALL_NAMES = /* @__PURE__ */ new Set<unknown>([
  'TrackerAuthError',
  'ConfigurationError',
  'OAuthCallbackError',
  'OAuthResponseError',
  'SessionError',
  'TokenExchangeError',
  'SignInRequiredError',
  'TrackerHttpError',
  'UnauthorizedError',
  'ScrollExpiredError',
  'TimeoutError',
  'NetworkError',
  'AbortedError',
  'InvalidResponseError',
  'RequestRejectedError',
]);
const CODES = /* @__PURE__ */ new Set<unknown>(ERROR_CODES);

/** True for any tracker-auth error, from this copy of the package or another. */
export function isTrackerAuthError(value: unknown): value is TrackerAuthError {
  if (value instanceof TrackerAuthError) return true;
  // A copy from another bundle: known name and code (Set.has is false for a non-string).
  const { name, code } = (typeof value === 'object' && value !== null ? value : {}) as { name?: unknown; code?: unknown };
  return ALL_NAMES.has(name) && CODES.has(code);
}

// The guards below are `@__PURE__` calls with literal arguments only (a property read such as
// `NAMES.x` would count as a possible side effect), so a bundler drops every guard an app does
// not import, and with it the class it names.
function guard<T extends TrackerAuthError>(cls: abstract new (...args: any[]) => T, ...names: string[]) {
  return (value: unknown): value is T =>
    value instanceof cls || (isTrackerAuthError(value) && names.includes(value.name));
}

export const isConfigurationError = /* @__PURE__ */ guard(ConfigurationError, 'ConfigurationError');
export const isOAuthCallbackError = /* @__PURE__ */ guard(OAuthCallbackError, 'OAuthCallbackError');
export const isOAuthResponseError = /* @__PURE__ */ guard(OAuthResponseError, 'OAuthResponseError');
export const isSessionError = /* @__PURE__ */ guard(SessionError, 'SessionError');
export const isTokenExchangeError = /* @__PURE__ */ guard(TokenExchangeError, 'TokenExchangeError');
export const isSignInRequiredError = /* @__PURE__ */ guard(SignInRequiredError, 'SignInRequiredError');
export const isTrackerHttpError = /* @__PURE__ */ guard(TrackerHttpError, 'TrackerHttpError', 'UnauthorizedError', 'ScrollExpiredError');
export const isUnauthorizedError = /* @__PURE__ */ guard(UnauthorizedError, 'UnauthorizedError');
export const isTimeoutError = /* @__PURE__ */ guard(TimeoutError, 'TimeoutError');
export const isNetworkError = /* @__PURE__ */ guard(NetworkError, 'NetworkError');
export const isAbortedError = /* @__PURE__ */ guard(AbortedError, 'AbortedError');
export const isInvalidResponseError = /* @__PURE__ */ guard(InvalidResponseError, 'InvalidResponseError');
export const isRequestRejectedError = /* @__PURE__ */ guard(RequestRejectedError, 'RequestRejectedError');

/**
 * The HTTP status an app should answer with for a tracker-auth error. Adapters use this so
 * that every framework maps errors the same way.
 *
 * - configuration → 500 (a deployment bug, not the user's fault)
 * - callback/state problems, sealed-session problems → 400 / 401
 * - sign in again, unauthorized → 401
 * - upstream trouble (token exchange, network, an unusable answer) → 502; timeouts → 504; Tracker statuses pass through
 */
export function httpStatusForError(error: unknown): number {
  if (!isTrackerAuthError(error)) return 500;
  const { code, status, retryable } = error as TrackerAuthError & { status?: number; retryable?: boolean };
  switch (code) {
    case 'OAUTH_ERROR':
      // A refused consent (callback error, no status) is the user's choice, not a server failure.
      return status === undefined ? 403 : 502;
    case 'TOKEN_EXCHANGE_FAILED':
      return retryable ? 503 : 502;
    case 'HTTP_ERROR':
      return status !== undefined && status >= 400 && status < 600 ? status : 502;
    default:
      return Object.hasOwn(STATUS_OF_CODE, code) ? STATUS_OF_CODE[code]! : 500;
  }
}

/** The fixed statuses of {@link httpStatusForError}; configuration codes and unknown ones are 500. */
const STATUS_OF_CODE: Partial<Record<TrackerAuthErrorCode, number>> = {
  STATE_MISSING: 400,
  STATE_MISMATCH: 400,
  STATE_UNEXPECTED: 400,
  CALLBACK_INVALID: 400,
  BAD_REQUEST: 400,
  SESSION_INVALID: 401,
  SESSION_EXPIRED: 401,
  SIGN_IN_REQUIRED: 401,
  UNAUTHORIZED: 401,
  METHOD_NOT_ALLOWED: 405,
  ABORTED: 499,
  NETWORK_ERROR: 502,
  INVALID_RESPONSE: 502,
  TIMEOUT: 504,
};
