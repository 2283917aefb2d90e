/** Sign-in through a flow against the fake Yandex, and cookie helpers, for the OAuth-flow suites. */
import { expect } from 'vitest';
import { setCookieValue, type SessionCookie } from '../../src/web/cookies.js';
import type { OAuthFlow, SessionRefresh } from '../../src/web/oauth-flow.js';
import type { UserAuth } from '../../src/web/user-auth.js';
import { APP } from './flow-options.js';

/** The Set-Cookie value a user auth would send now, or `undefined` when nothing changed. */
export const setCookieOf = (user: UserAuth): string | undefined => user.cookies.map(setCookieValue)[0];

/** A refreshSession result with its cookies as Set-Cookie values (for assertions on them). */
export const refreshed = ({ cookies, signedIn }: SessionRefresh) => ({ setCookie: cookies.map(setCookieValue), signedIn });

/** `name=value` of the Set-Cookie line (or of the first line named `name` in a list). */
export function cookiePairOf(setCookie: string | readonly string[] | readonly SessionCookie[] | undefined, name = 'tracker_session'): string {
  const lines = typeof setCookie === 'string' ? [setCookie] : (setCookie ?? []).map((c) => (typeof c === 'string' ? c : setCookieValue(c)));
  const line = lines.find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie ${name}`);
  return line.split(';')[0]!;
}

/** sign-in → fake /authorize (auto-approve) → callback; the session cookie pair (`tracker_session=…`). */
export async function signIn(flow: OAuthFlow): Promise<string> {
  const login = await flow.signIn(new Request(`${APP}/auth/sign-in`));
  expect(login.status).toBe(302);
  const loginCookie = cookiePairOf(login.headers.getSetCookie(), 'tracker_login');
  const yandex = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  expect(yandex.status).toBe(302);
  const callback = await flow.callback(new Request(yandex.headers.get('location')!, { headers: { cookie: loginCookie } }));
  expect(callback.status).toBe(302);
  return cookiePairOf(callback.headers.getSetCookie());
}

/** A request of the browser holding `cookie`. */
export const withCookie = (cookie: string, path = '/api/tracker/v3/myself') => new Request(`${APP}${path}`, { headers: { cookie } });

/** The tokens sealed in a session cookie (opened by `flow`). */
export async function tokensIn(flow: OAuthFlow, cookie: string) {
  const session = await flow.getSession(withCookie(cookie), { includeTokens: true });
  return session?.tokens;
}
