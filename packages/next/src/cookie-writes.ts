/**
 * Cookies written through Next's `cookies()` (server actions cannot return a `Response`): the
 * rotated session after a token refresh, and the cookies of a sign-in/sign-out answer.
 */
import { RequestRejectedError, TrackerAuthError, type SessionCookie, type TrackerAuth, type TrackerAuthErrorCode, type UserAuth } from '@tracker-auth/core';
import { cookiesOf, ERROR_CODES, type WebErrorBody } from '@tracker-auth/core/adapter';
import { nextRedirect, rethrowNextControlFlow } from './next-apis.js';
import type { RequestScope } from './request-scope.js';

/** Core's cookies in `cookies().set()` terms: core's defaults spelled out (Next's differ), `sameSite` lowercase. */
async function writeCookies(scope: RequestScope, cookies: readonly SessionCookie[]): Promise<void> {
  const store = await scope.cookies();
  for (const { name, value, options } of cookies) {
    const { path = '/', httpOnly = true, sameSite = 'Lax', ...rest } = options;
    store.set(name, value, { ...rest, path, httpOnly, sameSite: sameSite.toLowerCase() as 'lax' | 'strict' | 'none' });
  }
}

/** The user's `TrackerAuth`, writing the session cookie whenever a refresh inside `headers()` changed it. */
export function sessionWritingAuth(user: UserAuth, scope: RequestScope): TrackerAuth {
  const { auth } = user;
  let written = '';
  return {
    org: auth.org,
    credentials: auth.credentials,
    invalidate: (authorization) => auth.invalidate(authorization),
    headers: async (options) => {
      const headers = await auth.headers(options);
      const cookies = user.cookies;
      const state = cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
      if (state !== '' && state !== written) {
        try {
          await writeCookies(scope, cookies);
          written = state;
        } catch (error) {
          await rethrowNextControlFlow(error);
          // Server components cannot set cookies: createSessionRefresher() refreshes due sessions
          // before the render; a refresh forced here (a 401) stays pinned in core until an action
          // or route handler of this session sends the cookie.
        }
      }
      return headers;
    },
  };
}

/**
 * Write the cookies of a flow redirect through `cookies()` and follow it with Next's `redirect()`.
 * Any other answer throws with its (secret-free) message: a 4xx (e.g. a cross-site sign-out) a
 * `RequestRejectedError`, a failure of the flow (already reported to its `onError`) a
 * `TrackerAuthError` with the answer's code.
 */
export async function redirectWithCookies(response: Response, scope: RequestScope): Promise<never> {
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status <= 399 && location) {
    await writeCookies(scope, cookiesOf(response));
    return nextRedirect(location);
  }
  const { error } = (await response.json().catch(() => ({}))) as Partial<WebErrorBody>;
  const message = `tracker-auth: ${error?.message ?? `status ${response.status}`}`;
  if (response.status >= 400 && response.status <= 499) {
    throw new RequestRejectedError(response.status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST', message, response.headers.get('allow') ?? undefined);
  }
  const code = error?.code as TrackerAuthErrorCode;
  throw new TrackerAuthError(ERROR_CODES.includes(code) ? code : 'INVALID_RESPONSE', message);
}
