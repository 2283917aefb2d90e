/**
 * What a new user meets in the first hour, in Chromium against the built sample: opening the app
 * as http://localhost:PORT (Next prints that link) when it is configured as 127.0.0.1 still ends
 * signed in; a declined consent lands on a readable page; a refusal by Tracker in the server
 * action (its 422 field errors) and a missing field are shown on the page, not Next's error page.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { fakeEnv } from '../scripts/fake-env.mjs';
import { ensureBuilt, freePort, startNext, type StartedNext } from './processes';
import { browserSuite, launchChromium } from './chromium';

const { suite, title } = browserSuite('next-sample: the first hour, in headless Chromium');

suite(title, () => {
  let fake: FakeYandex;
  let next: StartedNext;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    ensureBuilt();
    fake = await startFakeYandex();
    port = await freePort();
    next = await startNext(port, fakeEnv(fake, `http://127.0.0.1:${port}`));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await next?.stop();
    await fake?.close();
  });

  /** Run `body` with a fresh page; on failure, the server's output is part of the message. */
  async function withPage(body: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext();
    try {
      await body(await context.newPage());
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- next start output ---\n${next.output()}`, { cause: error });
    } finally {
      await context.close();
    }
  }

  /** The pages of the app the browser loaded (documents), in order. */
  function documents(page: Page): string[] {
    const seen: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push(request.url());
    });
    return seen;
  }

  it('opened as http://localhost:PORT, sign-in moves to the app URL once and ends signed in', async () => {
    await withPage(async (page) => {
      const loaded = documents(page);
      await page.goto(`http://localhost:${port}/`);
      await page.getByTestId('signed-out').waitFor();
      await page.getByRole('button', { name: 'Sign in with Yandex' }).click();
      await page.getByTestId('login').waitFor();
      expect(await page.getByTestId('login').textContent()).toBe(fake.demo.user.login);
      expect(page.url()).toBe(`http://127.0.0.1:${port}/`);
      // One move to the app host (the sign-in route there), then Yandex, then the callback.
      const signIn = loaded.filter((url) => new URL(url).pathname === '/api/auth/sign-in');
      expect(signIn).toEqual([`http://127.0.0.1:${port}/api/auth/sign-in?returnTo=%2F&tracker_auth_host=1`]);
      expect(fake.calls.count('oauth.token')).toBeGreaterThanOrEqual(1);
    });
  });

  it('signed in on the app URL, sign-in goes straight to Yandex (no extra redirect)', async () => {
    await withPage(async (page) => {
      const loaded = documents(page);
      await page.goto(`http://127.0.0.1:${port}/api/auth/sign-in`);
      await page.getByTestId('login').waitFor();
      expect(loaded.map((url) => new URL(url).pathname)).toEqual(['/api/auth/sign-in', '/authorize', '/api/auth/callback', '/']);
    });
  });

  it('consent declined: the callback shows the sign-in error page with the safe code', async () => {
    fake.oauth.setAuthorizeHook(() => 'deny');
    try {
      await withPage(async (page) => {
        const before = fake.calls.count('oauth.token');
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.getByRole('button', { name: 'Sign in with Yandex' }).click();
        await page.getByTestId('sign-in-error').waitFor();
        expect(page.url()).toBe(`http://127.0.0.1:${port}/sign-in-error?error=access_denied`);
        expect(await page.getByTestId('sign-in-error').textContent()).toBe('access_denied');
        expect(await page.getByTestId('sign-in-error-message').textContent()).toContain('You declined the access request');
        expect(fake.calls.count('oauth.token')).toBe(before);
      });
    } finally {
      fake.oauth.setAuthorizeHook(undefined);
    }
    // Only known codes are shown; anything else is "unknown", never echoed.
    const odd = await fetch(`http://127.0.0.1:${port}/sign-in-error?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    const html = await odd.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('unknown');
  });

  it("the server action shows Tracker's 422 field errors and a missing field on the page", async () => {
    await withPage(async (page) => {
      await page.goto(`http://127.0.0.1:${port}/api/auth/sign-in`);
      await page.getByTestId('login').waitFor();

      // A queue that no longer exists (a stale page): Tracker answers 422 with `errors.queue`.
      await page.getByLabel('Queue').evaluate((select: HTMLSelectElement) => {
        select.add(new Option('GONE', 'GONE'));
        select.value = 'GONE';
      });
      await page.getByLabel('Summary').fill('Into a queue that is gone');
      await page.getByRole('button', { name: 'Create issue' }).click();
      const alert = page.getByTestId('action-error');
      await alert.waitFor();
      const text = await alert.textContent();
      expect(text).toContain('Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist');
      expect(text).not.toContain(fake.url);
      expect(fake.tracker.issues.some((issue) => issue.summary === 'Into a queue that is gone')).toBe(false);

      // Blank summary (spaces pass the browser's `required`): the form says what is missing.
      await page.getByLabel('Summary').fill('   ');
      await page.getByRole('button', { name: 'Create issue' }).click();
      await expect.poll(() => alert.textContent()).toBe('Choose a queue and write a summary.');
    });
  });
});
