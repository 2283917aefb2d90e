/**
 * The one JSON error shape every web handler of core answers with, so the Express, NestJS and
 * Next.js adapters send byte-identical errors: `{ "error": { "code", "message" } }`.
 *
 * Messages come from tracker-auth errors (written never to hold a secret, see errors.ts) or
 * are fixed strings; anything else becomes a generic 500 so a stack or an upstream detail
 * never reaches a browser.
 */
import { httpStatusForError, isRequestRejectedError, isTrackerAuthError, type TrackerAuthErrorCode } from '../errors.js';

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

/** The body of every error response of core's web handlers. */
export interface WebErrorBody {
  error: { code: WebErrorCode | TrackerAuthErrorCode; message: string };
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // An error body is data: even opened as a page it runs nothing.
  'content-security-policy': "sandbox; default-src 'none'",
} as const;

/** A JSON error response with a fixed code and message. */
export function jsonError(
  status: number,
  code: WebErrorCode | TrackerAuthErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  const body: WebErrorBody = { error: { code, message } };
  return new Response(JSON.stringify(body), { status, headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS });
}

/**
 * The HTTP answer for any thrown value: tracker-auth errors keep their code and message with
 * the status of {@link httpStatusForError}; anything else is a generic 500 `INTERNAL_ERROR`.
 *
 * @example
 * try { … } catch (error) { return toErrorResponse(error); }
 */
export function toErrorResponse(error: unknown, headers?: Record<string, string>): Response {
  if (isTrackerAuthError(error)) {
    const status = httpStatusForError(error);
    // A 405 names what is allowed instead (RFC 9110 requires `Allow`).
    const allow = isRequestRejectedError(error) ? error.allow : undefined;
    if (allow !== undefined) headers = { ...headers, allow };
    // 499 is nginx's "client closed request": not a status `new Response` accepts everywhere
    // and nobody is listening anyway.
    return jsonError(status >= 200 && status <= 599 ? status : 500, error.code, error.message, headers);
  }
  return jsonError(500, 'INTERNAL_ERROR', 'Internal error', headers);
}
