/**
 * The one JSON error shape every web handler of core answers with, so the Express, NestJS and
 * Next.js adapters send byte-identical errors: `{ "error": { "code", "message", "details"? } }`.
 *
 * Messages come from tracker-auth errors (written never to hold a secret, see errors.ts) or
 * are fixed strings; anything else becomes a generic 500 so a stack or an upstream detail
 * never reaches a browser.
 */
import { httpStatusForError, isRequestRejectedError, isTrackerAuthError, isTrackerHttpError, type TrackerAuthErrorCode } from '../errors.js';

/** Codes a web handler answers with besides the {@link TrackerAuthErrorCode}s. */
export type WebErrorCode =
  | 'BAD_PATH'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'PATH_NOT_ALLOWED'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'NAVIGATION_REFUSED'
  | 'FORBIDDEN'
  | 'CROSS_SITE_REQUEST'
  | 'INTERNAL_ERROR';

/**
 * What Tracker said about a refused call (its error body), as a web error carries it: the
 * `errors` map (field → message, e.g. `{ "queue": "Queue does not exist" }`) and the
 * `errorMessages`. Credentials are scrubbed; Tracker's origin and the query never appear.
 */
export interface WebErrorDetails {
  errors: Record<string, string>;
  errorMessages: string[];
}

/** The body of every error response of core's web handlers. */
export interface WebErrorBody {
  error: {
    code: WebErrorCode | TrackerAuthErrorCode;
    message: string;
    /** Tracker's field errors and messages, for a `TrackerHttpError` whose body had any. */
    details?: WebErrorDetails;
  };
}

/**
 * Added to every answer of core's web handlers, errors and proxied Tracker content alike.
 * Tracker content (an attachment served as `text/html` or `image/svg+xml`) arrives on the
 * app's own origin: without these a browser would run its script with the app's cookies.
 * `sandbox` gives the document an opaque origin even if it is opened inline; `default-src
 * 'none'` loads nothing; `nosniff` stops type guessing; `no-store` keeps it out of caches.
 */
export const NO_STORE_ISOLATED = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
} as const;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', ...NO_STORE_ISOLATED } as const;

/** A JSON error response with a fixed code and message. */
export function jsonError(
  status: number,
  code: WebErrorCode | TrackerAuthErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  return jsonBody(status, { error: { code, message } }, headers);
}

/**
 * The JSON body for any thrown value: a tracker-auth error's code and message (written never to
 * hold a secret), plus `details` for a {@link TrackerHttpError} that carried Tracker's `errors`
 * or `errorMessages`; anything else is `INTERNAL_ERROR` with a fixed message. For adapters that
 * write the body through their framework (a Nest exception filter) instead of a `Response`.
 *
 * @example
 * httpAdapter.reply(res, toErrorBody(error), httpStatusForError(error));
 */
export function toErrorBody(error: unknown): WebErrorBody {
  if (!isTrackerAuthError(error)) return { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } };
  const body: WebErrorBody = { error: { code: error.code, message: error.message } };
  if (isTrackerHttpError(error)) {
    // Copies: the error's own fields stay the error's. Both were scrubbed when it was built.
    const errors = { ...error.errors };
    const errorMessages = [...error.errorMessages];
    if (Object.keys(errors).length > 0 || errorMessages.length > 0) body.error.details = { errors, errorMessages };
  }
  return body;
}

/** An error's HTTP answer, for adapters that write it through their framework: see {@link errorAnswer}. */
export interface ErrorAnswer {
  status: number;
  body: WebErrorBody;
  /** `content-type`, `cache-control: no-store`, `nosniff`, a sandboxing CSP, and `allow` for a 405. */
  headers: Record<string, string>;
}

/**
 * The HTTP answer for any thrown value, the one place adapters get it from: tracker-auth errors
 * keep their code and message (and Tracker's `details`, see {@link toErrorBody}) with the status
 * of {@link httpStatusForError}; anything else is a generic 500 `INTERNAL_ERROR`.
 *
 * @example
 * const { status, body, headers } = errorAnswer(error);
 * for (const [name, value] of Object.entries(headers)) httpAdapter.setHeader(res, name, value);
 * httpAdapter.reply(res, body, status);
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  const status = httpStatusForError(error);
  const headers: Record<string, string> = { ...JSON_HEADERS };
  // A 405 names what is allowed instead (RFC 9110 requires `Allow`).
  if (isRequestRejectedError(error) && error.allow !== undefined) headers.allow = error.allow;
  // httpStatusForError answers 4xx/5xx only. 499 is nginx's "client closed request": not a
  // status every platform (or `new Response`) accepts, and nobody is listening anyway.
  return { status: status === 499 ? 500 : status, body: toErrorBody(error), headers };
}

/**
 * {@link errorAnswer} as a `Response`; `headers` are added (an error's `allow` still wins).
 *
 * @example
 * try { … } catch (error) { return toErrorResponse(error); }
 */
export function toErrorResponse(error: unknown, headers?: Record<string, string>): Response {
  const { status, body, headers: own } = errorAnswer(error);
  return jsonBody(status, body, own.allow === undefined ? headers : { ...headers, allow: own.allow });
}

function jsonBody(status: number, body: WebErrorBody, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}
