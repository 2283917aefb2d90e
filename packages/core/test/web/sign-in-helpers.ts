/** Sign-in through a flow against the fake Yandex, and cookie helpers, for the OAuth-flow suites. */
import { expect } from 'vitest';
import type { OAuthFlow } from '../../src/web/oauth-flow.js';
import { APP } from './flow-options.js';

/** `name=value` of the Set-Cookie line (or of the first line named `name` in a list). */
export function cookiePairOf(setCookie: string | readonly string[] | undefined, name = 'tracker_session'): string {
  const lines = typeof setCookie === 'string' ? [setCookie] : (setCookie ?? []);
  const line = lines.find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie ${name}`);
  return line.split(';')[0]!;
}

/** login → fake /authorize (auto-approve) → callback; the session cookie pair (`tracker_session=…`). */
export async function signIn(flow: OAuthFlow): Promise<string> {
  const login = await flow.login(new Request(`${APP}/auth/login`));
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
