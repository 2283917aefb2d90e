/**
 * Where the server helpers write cookies through Next's `cookies()`: a rotated session after a
 * token refresh, and the cookies of a sign-in/sign-out answer before following its redirect.
 * Next's control-flow errors are always handed back to Next untouched.
 */
import type { TrackerAuth, UserAuth } from '@tracker-auth/core';
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
 * Next's `redirect()`. A non-redirect answer (e.g. a cross-site sign-out refused with 403)
 * becomes an Error carrying the answer's (secret-free) message.
 */
export async function redirectWithCookies(response: Response, scope: RequestScope): Promise<never> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || !location) {
    let message = `status ${response.status}`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON
    }
    throw new Error(`tracker-auth: ${message}`);
  }
  applySetCookies(await scope.cookies(), response);
  return nextRedirect(location);
}
