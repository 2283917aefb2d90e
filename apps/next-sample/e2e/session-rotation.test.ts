/**
 * A token rotation reaches the browser through `proxy.ts`, against the fake Yandex in its
 * default mode (a refresh grant returns the same access token with a new refresh token and the
 * old refresh token dies, as Yandex documents). The app runs with SESSION_REFRESH_AFTER_SECONDS
 * so a session becomes due within the test: the page load that needs the refresh goes through
 * the session refresher, the browser stores the rotated cookie from that very response, and
 * after a restart of the server only that new cookie still works.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createOAuthFlow } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { fakeEnv } from '../scripts/fake-env.mjs';
import { browserSuite, launchChromium } from './chromium';
import { ensureBuilt, freePort, startNext, type StartedNext } from './processes';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';

/** The user's token is due this long after it was obtained (core's default: about 3 months). */
const REFRESH_AFTER_S = 3;

const { suite, title } = browserSuite('next-sample: session rotation through proxy.ts in headless Chromium');

suite(title, () => {
  let fake: FakeYandex;
  let next: StartedNext;
  let port: number;
  let browser: Browser;
  let recorder: RecordingProxy;
  let base: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    fake = await startFakeYandex();
    port = await freePort();
    recorder = await startRecordingProxy(`http://127.0.0.1:${port}`);
    base = recorder.url;
    env = { ...fakeEnv(fake, base), SESSION_REFRESH_AFTER_SECONDS: String(REFRESH_AFTER_S) };
    next = await startNext(port, env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
    await next?.stop();
    await fake?.close();
  });

  /** The session cookie a browser context holds. */
  async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
    return (await context.cookies(base)).find((cookie) => cookie.name === 'tracker_session')?.value;
  }

  /** A new browser (context) holding only this session cookie. */
  async function browserWith(value: string): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'tracker_session', value, url: base, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  /** Resolves once a token obtained at `obtainedAt` is due: a clock to pass, not work to settle. */
  async function untilDue(obtainedAt: number): Promise<void> {
    const wait = obtainedAt + REFRESH_AFTER_S * 1000 + 250 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  it('a page load with a due session gets the rotated cookie; after a restart only that cookie works', async () => {
    // The test's own view into the sealed cookies, with the app's secret.
    const flow = createOAuthFlow({
      clientId: env.YANDEX_CLIENT_ID!,
      clientSecret: env.YANDEX_CLIENT_SECRET!,
      redirectUri: `${base}/api/auth/callback`,
      org: { orgId: env.TRACKER_ORG_ID! },
      sessionSecret: env.SESSION_SECRET!,
    });
    const tokens = async (value: string) => (await flow.getSession(new Request(base, { headers: { cookie: `tracker_session=${value}` } }), { includeTokens: true }))?.tokens;

    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Sign in with Yandex' }).click();
      await page.getByTestId('login').waitFor();
      const first = (await sessionCookie(context))!;
      expect(first).toBeTruthy();
      const before = await tokens(first);
      const authorizations = fake.calls.count('oauth.authorize');

      // The token is due now: the reload goes through proxy.ts, which refreshes it (once).
      await untilDue(Date.now());
      const refreshes = fake.calls.count('oauth.token');
      const seen = recorder.responses.length;
      await page.reload();
      await page.getByTestId('login').waitFor();
      const rotatedAt = Date.now(); // the refresh happened before this
      expect(await page.getByTestId('login').textContent()).toBe(fake.demo.user.login);
      expect(fake.calls.count('oauth.token')).toBe(refreshes + 1);
      expect(fake.calls.count('oauth.authorize')).toBe(authorizations); // no second sign-in

      // The page's own response carried the rotated cookie, and the browser stored it.
      const documentAnswer = recorder.responses.slice(seen).find((r) => r.method === 'GET' && r.path === '/' && r.contentType.startsWith('text/html'));
      expect(documentAnswer?.status).toBe(200);
      expect(String(documentAnswer?.headers['set-cookie'] ?? '')).toMatch(/tracker_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
      // The request headers proxy.ts handed to the render stay between Next and the page.
      expect(Object.keys(documentAnswer?.headers ?? {}).filter((name) => name.startsWith('x-middleware-'))).toEqual([]);
      const rotated = (await sessionCookie(context))!;
      expect(rotated).not.toBe(first);
      const after = await tokens(rotated);
      // Yandex's documented refresh answer: the same access token, a new refresh token.
      expect(after?.accessToken).toBe(before?.accessToken);
      expect(after?.refreshToken).not.toBe(before?.refreshToken);
      await context.close();

      // Restart: the new server process knows nothing of the refresh; the cookies decide.
      await next.stop();
      next = await startNext(port, env);

      // Only the rotated cookie: signed in, and its (due) token refreshes again, no SIGN_IN_REQUIRED.
      await untilDue(rotatedAt);
      const fresh = await browserWith(rotated);
      const freshPage = await fresh.newPage();
      const refreshesBefore = fake.calls.count('oauth.token');
      await freshPage.goto(`${base}/`);
      await freshPage.getByTestId('login').waitFor();
      expect(fake.calls.count('oauth.token')).toBe(refreshesBefore + 1);
      expect(fake.calls.count('oauth.authorize')).toBe(authorizations);
      expect(await sessionCookie(fresh)).not.toBe(rotated);
      await fresh.close();

      // The cookie from before the rotation is dead at Yandex: that browser is signed out
      // (cookie cleared by proxy.ts), not sent through an error page.
      const stale = await browserWith(first);
      const stalePage = await stale.newPage();
      const answer = await stalePage.goto(`${base}/`);
      expect(answer?.status()).toBe(200);
      await stalePage.getByTestId('signed-out').waitFor();
      expect(await sessionCookie(stale)).toBeUndefined();
      expect(fake.calls.count('oauth.authorize')).toBe(authorizations);
      await stale.close();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${next.output()}`, { cause: error });
    }
  });
});
