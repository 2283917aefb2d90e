/**
 * Where the server helpers write cookies through Next's `cookies()`: a rotated session after a
 * token refresh, and the cookies of a sign-in/sign-out answer before following its redirect.
 * Next's control-flow errors are always handed back to Next untouched.
 */
import { RequestRejectedError, TrackerAuthError, type TrackerAuth, type TrackerAuthErrorCode, type UserAuth } from '@tracker-auth/core';
import { ERROR_CODES } from '@tracker-auth/core/adapter';
import { nextRedirect, rethrowNextControlFlow } from './next-apis.js';
import type { RequestScope } from './request-scope.js';
import { applySetCookies } from './set-cookie.js';

/**
 * The user's `TrackerAuth`, writing the re-sealed session cookie whenever `headers()` produced
 * one: refreshes happen inside `headers()` (on use, or after a 401 and `invalidate()`).
 */
export function sessionWritingAuth(user: UserAuth, scope: RequestScope): TrackerAuth {
  const { auth } = user;
  let written: string | undefined;
  return {
    org: auth.org,
    credentials: auth.credentials,
    invalidate: (authorization) => auth.invalidate(authorization),
    headers: async (options) => {
      const headers = await auth.headers(options);
      const setCookie = user.setCookie;
      if (setCookie && setCookie !== written) {
        try {
          applySetCookies(await scope.cookies(), [setCookie]);
          written = setCookie;
        } catch (error) {
          await rethrowNextControlFlow(error);
          // Server components cannot set cookies: due sessions are refreshed before the render by
          // createSessionRefresher(). A refresh forced here (a 401) stays pinned in core until the
          // next action or route handler of this session that calls Tracker sends the cookie.
        }
      }
      return headers;
    },
  };
}

/**
 * Copy the Set-Cookie headers of a flow redirect into Next's cookie store and follow it with
 * Next's `redirect()`. A non-redirect answer becomes a typed error carrying the answer's
 * (secret-free) message: a refused request (e.g. a cross-site sign-out, 403) a
 * `RequestRejectedError`; a failure of the flow itself (already reported through its
 * `onEvent`) a `TrackerAuthError` with the answer's code, or `INVALID_RESPONSE` when the
 * code is not one of ours (`INTERNAL_ERROR`).
 */
export async function redirectWithCookies(response: Response, scope: RequestScope): Promise<never> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || !location) {
    let message = `status ${response.status}`;
    let code: string | undefined;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      if (body.error?.message) message = body.error.message;
      code = body.error?.code;
    } catch {
      // not JSON
    }
    if (response.status === 405) throw new RequestRejectedError('METHOD_NOT_ALLOWED', `tracker-auth: ${message}`, response.headers.get('allow') ?? undefined);
    if (response.status >= 400 && response.status <= 499) throw new RequestRejectedError('BAD_REQUEST', `tracker-auth: ${message}`);
    throw new TrackerAuthError(isErrorCode(code) ? code : 'INVALID_RESPONSE', `tracker-auth: ${message}`);
  }
  applySetCookies(await scope.cookies(), response);
  return nextRedirect(location);
}

function isErrorCode(code: string | undefined): code is TrackerAuthErrorCode {
  return (ERROR_CODES as readonly (string | undefined)[]).includes(code);
}
