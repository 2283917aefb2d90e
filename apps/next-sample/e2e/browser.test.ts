/**
 * The sample end to end, as real processes: the fake Yandex (in this process), `next start` of
 * the built app (a child process) and Debian's Chromium through playwright-core. Signs in,
 * reads the user and queues, creates an issue with a server action, loads the proxy-backed
 * list, signs out — and checks that nothing the browser received holds a secret.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createOAuthFlow } from '@tracker-auth/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { fakeEnv } from '../scripts/fake-env.mjs';
import { appDir, ensureBuilt, freePort, startNext, type StartedNext } from './processes';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';
import { findSecrets, scanDirectory, type SecretList } from './secret-scan';
import { browserSuite, launchChromium } from './chromium';

const { suite, title } = browserSuite('next-sample in headless Chromium');

/** OAuth token shapes the fake (and Yandex) issue: access `y0_…`, refresh `1:…:…`. */
const TOKEN_SHAPES: Record<string, RegExp> = {
  'an OAuth access token (y0_…)': /y[0-3]_[A-Za-z0-9_-]{40,}/,
  'an OAuth refresh token (1:…:…)': /\b1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{48}\b/,
};

suite(title, () => {
  let fake: FakeYandex;
  let next: StartedNext;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let env: Record<string, string>;
  /** The browser reaches the app only through this recorder, so every byte it got is kept. */
  let recorder: RecordingProxy;
  let base: string;
  /** The signed-in user's tokens, read from the session cookie with the app's own secret. */
  const userTokens: Record<string, string> = {};
  /** Responses from other origins (the fake's /authorize): headers only, they carry no body. */
  const foreign: { url: string; headers: Record<string, string> }[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fake = await startFakeYandex();
    const port = await freePort();
    recorder = await startRecordingProxy(`http://127.0.0.1:${port}`);
    base = recorder.url;
    env = fakeEnv(fake, base);
    next = await startNext(port, env);
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.on('response', async (response) => {
      if (!response.url().startsWith(base)) foreign.push({ url: response.url(), headers: await response.allHeaders() });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
    await next?.stop();
    await fake?.close();
  });

  it('signs in, shows the user and queues, creates an issue, lists issues through the proxy, signs out', async () => {
    try {
      await page.goto(`${base}/`);
      await expect.poll(() => page.getByTestId('signed-out').isVisible()).toBe(true);

      // Sign in: a server action sets the login cookie (Next's cookie API) and redirects to the
      // fake's /authorize, which approves and sends the browser to the callback route.
      await page.getByRole('button', { name: 'Sign in with Yandex' }).click();
      await page.getByTestId('login').waitFor();
      expect(await page.getByTestId('login').textContent()).toBe(fake.demo.user.login);
      expect(fake.calls.count('oauth.authorize')).toBeGreaterThanOrEqual(1);
      expect(fake.calls.count('oauth.token')).toBeGreaterThanOrEqual(1);
      const cookies = await context.cookies(base);
      const session = cookies.find((c) => c.name === 'tracker_session');
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Lax');
      // Open the sealed cookie the way the server does, to know exactly which tokens to look for.
      const flow = createOAuthFlow({
        clientId: env.YANDEX_CLIENT_ID!,
        clientSecret: env.YANDEX_CLIENT_SECRET!,
        redirectUri: `${base}/api/auth/callback`,
        org: { orgId: env.TRACKER_ORG_ID! },
        sessionSecret: env.SESSION_SECRET!,
      });
      const opened = await flow.getSession(new Request(base, { headers: { cookie: `tracker_session=${session!.value}` } }), { includeTokens: true });
      userTokens['user access token'] = opened!.tokens!.accessToken;
      userTokens['user refresh token'] = opened!.tokens!.refreshToken!;

      // Server component reads with the user's token (queues) and the app's (service account).
      expect(await page.getByTestId('queues').textContent()).toContain('TEST');
      expect(await page.getByTestId('service-login').textContent()).toBe('robot-next-sample');

      // Server action creates the issue as the signed-in user.
      const summary = `From Chromium ${randomUUID().slice(0, 8)}`;
      await page.getByLabel('Summary').fill(summary);
      await page.getByRole('button', { name: 'Create issue' }).click();
      await page.getByTestId('created').waitFor();
      expect(await page.getByTestId('created').textContent()).toContain(summary);
      const created = fake.tracker.issues.find((issue) => issue.summary === summary);
      expect(created?.createdByUid).toBe(fake.demo.user.uid);

      // The client component lists issues through /api/tracker (proxy) and sees the new one.
      await expect.poll(async () => (await page.getByTestId('proxy-issues').textContent({ timeout: 1000 }).catch(() => '')) ?? '', { timeout: 20_000 }).toContain(summary);
      const proxied = recorder.responses.filter((r) => r.path.startsWith('/api/tracker/v3/issues/_search'));
      expect(proxied.map((r) => r.status)).toContain(200);

      // Sign out: a same-origin form POST to the sign-out route clears the session cookie.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByTestId('goodbye').waitFor();
      expect((await context.cookies(base)).find((c) => c.name === 'tracker_session')).toBeUndefined();
      await page.goto(`${base}/`);
      await page.getByTestId('signed-out').waitFor();

      // Signed out, the proxy refuses (no session) and nothing reaches Tracker.
      const before = fake.calls.count('tracker');
      const refused = await page.evaluate(async () => (await fetch('/api/tracker/v3/myself')).status);
      expect(refused).toBe(403);
      expect(fake.calls.count('tracker')).toBe(before);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${next.output()}`, { cause: error });
    }
  });

  it('sent the browser no token, refresh token, client secret or session secret', () => {
    const secrets: SecretList = {
      'client secret': env.YANDEX_CLIENT_SECRET!,
      'session secret': env.SESSION_SECRET!,
      'service token': env.TRACKER_OAUTH_TOKEN!,
      'demo token': fake.demo.oauthToken,
      'demo refresh token': fake.demo.oauthRefreshToken,
      ...userTokens,
    };
    expect(Object.keys(userTokens)).toHaveLength(2);
    // What was served: HTML documents, RSC payloads (server components, server actions), JSON
    // from the route handlers, redirects with their Set-Cookie headers.
    const served = recorder.responses;
    expect(served.some((r) => r.contentType.startsWith('text/html') && r.body.length > 0)).toBe(true);
    expect(served.some((r) => r.contentType.startsWith('text/x-component') && r.body.length > 0)).toBe(true);
    expect(served.some((r) => r.contentType.startsWith('application/json') && r.path.startsWith('/api/tracker/'))).toBe(true);
    expect(served.some((r) => r.path.startsWith('/api/auth/callback') && r.headers['set-cookie'])).toBe(true);

    const findings: string[] = [];
    for (const r of served) {
      const text = `${JSON.stringify(r.headers)}\n${r.body.toString('latin1')}`;
      for (const what of findSecrets(text, secrets, TOKEN_SHAPES)) findings.push(`${what} in ${r.method} ${r.path}`);
    }
    for (const r of foreign) {
      for (const what of findSecrets(JSON.stringify(r.headers), secrets, TOKEN_SHAPES)) findings.push(`${what} in ${r.url}`);
    }
    const statics = scanDirectory(`${appDir}.next/static`, secrets, TOKEN_SHAPES);
    expect(statics.files).toBeGreaterThan(0);
    findings.push(...statics.findings.map((f) => `${f.what} in ${f.where}`));
    expect(findings).toEqual([]);
  });
});
