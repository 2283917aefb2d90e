/**
 * The sample end to end: the fake Yandex and the built sample run as separate processes; this
 * file drives them over HTTP like a browser and reads the fake's call counters over IPC.
 */
import { request as httpRequest } from 'node:http';
import { signInThroughApp } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Browser,
  freePort,
  runSampleExpectingExit,
  startFake,
  startSample,
  type FakeHandle,
  type SampleHandle,
  type StoredCookie,
} from './harness.js';

let fake: FakeHandle;
let sample: SampleHandle;
let env: Record<string, string>;

beforeAll(async () => {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  fake = await startFake([`${appUrl}/auth/callback`]);
  env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    FAKE_YANDEX_URL: fake.url,
    YANDEX_CLIENT_ID: fake.demo.app.clientId,
    YANDEX_CLIENT_SECRET: fake.demo.app.clientSecret ?? '',
    TRACKER_ORG_ID: fake.demo.orgId,
    FAKE_DEMO_LOGIN: fake.demo.user.login,
    TRACKER_OAUTH_TOKEN: fake.demo.oauthToken,
  };
  sample = await startSample(env);
});
afterAll(async () => {
  await sample?.stop();
  await fake?.stop();
});
beforeEach(async () => {
  await fake.clear();
  await fake.reset();
});

/** Sign in through the whole redirect chain; returns the browser and the hops. */
async function signIn(): Promise<{ browser: Browser; hops: Array<{ url: string; status: number }>; html: string }> {
  const browser = new Browser();
  const { hops, response } = await browser.follow(`${sample.url}/auth/sign-in`);
  return { browser, hops, html: await response.text() };
}

describe('pages and sign-in', () => {
  it('shows a sign-in page when signed out, without calling Tracker', async () => {
    const res = await fetch(sample.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/auth/sign-in"');
    expect(html).toContain(fake.demo.user.login);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await fake.count('tracker')).toBe(0);
  });

  it('signs in through the whole redirect chain and shows who you are and your queues', async () => {
    const { browser, hops, html } = await signIn();
    const paths = hops.map((h) => `${h.status} ${new URL(h.url).origin === fake.url ? 'fake' : 'app'}${new URL(h.url).pathname}`);
    expect(paths).toEqual(['302 app/auth/sign-in', '302 fake/authorize', '302 app/auth/callback', '200 app/']);
    const authorize = new URL(hops[1]!.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${sample.url}/auth/callback`);

    const session = browser.setCookies.find((c) => c.startsWith('tracker_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(html).toContain(`<code id="login">${fake.demo.user.login}</code>`);
    expect(html).toMatch(/<ul id="queues"><li><code>TEST<\/code>/);
    expect(await fake.count('oauth.token')).toBe(1);
    // No token ever reaches the browser.
    expect(html).not.toMatch(/y0_|OAuth [A-Za-z0-9]/);
  });

  it('sign-in opened on localhost is moved to the app URL (127.0.0.1) first, and ends signed in', async () => {
    const localhost = sample.url.replace('127.0.0.1', 'localhost');
    const browser = new Browser();
    const { hops, response } = await browser.follow(`${localhost}/auth/sign-in`);
    const html = await response.text();
    expect(hops[0]).toEqual({ url: `${localhost}/auth/sign-in`, status: 302 });
    expect(new URL(hops[1]!.url).origin).toBe(sample.url);
    expect(hops.slice(1).map((h) => `${h.status} ${new URL(h.url).origin === fake.url ? 'fake' : new URL(h.url).origin === sample.url ? 'app' : h.url}${new URL(h.url).pathname}`)).toEqual([
      '302 app/auth/sign-in',
      '302 fake/authorize',
      '302 app/auth/callback',
      '200 app/',
    ]);
    expect(html).toContain(`<code id="login">${fake.demo.user.login}</code>`);
    // No cookie was ever set on the other host name.
    expect(browser.cookies(localhost).size).toBe(0);
  });

  it("@tracker-auth/testing's signInThroughApp signs in through the sample and returns its session cookie", async () => {
    const signedIn = await signInThroughApp(sample.url.replace('127.0.0.1', 'localhost'), { fake: fake.url, signInPath: '/auth/sign-in' });
    expect(Object.keys(signedIn.cookies)).toEqual(['tracker_session']);
    expect(signedIn.url).toBe(`${sample.url}/`);
    const page = await fetch(sample.url, { headers: { cookie: signedIn.cookie } });
    expect(await page.text()).toContain(`<code id="login">${fake.demo.user.login}</code>`);
  });

  it('consent declined: the callback lands on a readable sign-in error page, not JSON', async () => {
    await fake.denyConsent(true);
    try {
      const browser = new Browser();
      const { hops, response } = await browser.follow(`${sample.url}/auth/sign-in`);
      expect(hops.at(-2)).toMatchObject({ status: 303 });
      expect(hops.at(-1)!.url).toBe(`${sample.url}/sign-in-error?error=access_denied`);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain('<p id="sign-in-error"><code>access_denied</code></p>');
      expect(html).toContain('You declined the access request');
      expect(browser.cookies(sample.url).has('tracker_session')).toBe(false);
      expect(await fake.count('oauth.token')).toBe(0);
    } finally {
      await fake.denyConsent(false);
    }
  });

  it('the sign-in error page shows only known codes', async () => {
    const res = await fetch(`${sample.url}/sign-in-error?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<code>unknown</code>');
    expect(html).not.toContain('script>alert');
  });

  it('serves the page script that uses the proxy', async () => {
    const res = await fetch(`${sample.url}/static/app.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/api/tracker/v3/issues/_search');
  });

  it('signs out with a same-origin POST and clears the session', async () => {
    const { browser } = await signIn();
    const out = await browser.fetch(`${sample.url}/auth/sign-out`, { method: 'POST', headers: { origin: sample.url } });
    expect(out.status).toBe(303);
    expect(browser.cookies(sample.url).has('tracker_session')).toBe(false);
    expect(await (await browser.fetch(sample.url)).text()).toContain('Sign in with Yandex');
  });
});

describe('service mode (/service)', () => {
  it("shows what the app's own credential sees, without any sign-in and without leaking it", async () => {
    const res = await fetch(`${sample.url}/service`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<code id="service-login">${fake.demo.user.login}</code>`);
    expect(html).toMatch(/<ul id="service-queues"><li><code>TEST<\/code>/);
    expect(html).not.toContain(fake.demo.oauthToken);
    expect(await fake.count('tracker')).toBe(2);
  });
});

describe('creating an issue from the form', () => {
  it('creates the issue in Tracker and shows it, escaping what the user typed', async () => {
    const { browser } = await signIn();
    await fake.reset();
    const summary = `<img src=x onerror=alert(1)> e2e ${Date.now()}`;
    const res = await browser.fetch(`${sample.url}/issues`, {
      method: 'POST',
      headers: { origin: sample.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ queue: 'TEST', summary, description: 'from the e2e test' }).toString(),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/\?created=TEST-\d+$/);
    const key = decodeURIComponent(location.split('=')[1]!);
    expect((await fake.requests()).some((r) => r.endpoint === 'tracker' && r.method === 'POST' && r.path === '/v3/issues' && r.status === 201)).toBe(true);

    const page = await (await browser.fetch(new URL(location, sample.url).href)).text();
    expect(page).toContain(`<strong>${key}</strong>`);

    // The page script's call, made as the browser would make it.
    const search = await browser.fetch(`${sample.url}/api/tracker/v3/issues/_search?perPage=100`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ filter: { queue: 'TEST' } }),
    });
    expect(search.status).toBe(200);
    expect(Number(search.headers.get('x-total-count'))).toBeGreaterThan(0);
    const issues = (await search.json()) as Array<{ key: string; summary: string }>;
    expect(issues.find((i) => i.key === key)?.summary).toBe(summary);
    // Rendered pages escape it.
    expect(page).not.toContain('<img src=x');
  });

  it('refuses a cross-site form post before calling Tracker', async () => {
    const { browser } = await signIn();
    await fake.reset();
    const res = await browser.fetch(`${sample.url}/issues`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'queue=TEST&summary=csrf',
    });
    expect(res.status).toBe(403);
    expect(await fake.count('tracker')).toBe(0);
  });

  it('rejects a bad form with 400 and sends nothing', async () => {
    const { browser } = await signIn();
    await fake.reset();
    const res = await browser.fetch(`${sample.url}/issues`, {
      method: 'POST',
      headers: { origin: sample.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'queue=../../admin&summary=x',
    });
    expect(res.status).toBe(400);
    expect(await fake.count('tracker')).toBe(0);
  });

  it("shows Tracker's field errors (422) on the error page", async () => {
    const { browser } = await signIn();
    const res = await browser.fetch(`${sample.url}/issues`, {
      method: 'POST',
      headers: { origin: sample.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'queue=NOSUCHQUEUE&summary=x',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<p id="error-code"><code>HTTP_ERROR</code></p>');
    expect(html).toContain('<ul id="error-details"><li><code>queue</code>: Queue does not exist</li></ul>');
  });

  it('shows an error page, not a crash, when Tracker is down', async () => {
    const { browser } = await signIn();
    await fake.inject('tracker', { status: 503, times: 10 });
    const res = await browser.fetch(sample.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('Something went wrong (503)');
    await fake.clear();
    expect((await browser.fetch(sample.url)).status).toBe(200);
  });

  it('refreshes the user token when Tracker rejects it, and keeps the user signed in', async () => {
    const { browser } = await signIn();
    const before = browser.cookies(sample.url).get('tracker_session')!.value;
    await fake.reset();
    await fake.inject('tracker', { status: 401, times: 1 });
    const res = await browser.fetch(sample.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(fake.demo.user.login);
    expect(await fake.count('oauth.token')).toBe(1);
    expect(browser.cookies(sample.url).get('tracker_session')!.value).not.toBe(before);
  });
});

describe('proxy bad-input corpus (end to end: nothing reaches Tracker)', () => {
  let browser: Browser;
  beforeAll(async () => {
    ({ browser } = await signIn());
  });

  const cases: Array<[string, number, { path: string; method?: string; headers?: Record<string, string>; body?: string }]> = [
    ['traversal', 400, { path: '/api/tracker/v3/issues/../../admin' }],
    ['encoded traversal', 400, { path: '/api/tracker/v3/issues/%2e%2e/%2e%2e/admin' }],
    ['encoded slash traversal', 400, { path: '/api/tracker/v3/%2E%2E%2Fmyself' }],
    ['protocol-relative URL', 400, { path: '/api/tracker//evil.example/v3/myself' }],
    ['absolute URL', 400, { path: '/api/tracker/https://evil.example/v3/myself' }],
    ['encoded absolute URL', 400, { path: '/api/tracker/https%3A%2F%2Fevil.example' }],
    ['CRLF header smuggling in the path', 400, { path: '/api/tracker/v3/myself%0d%0aAuthorization:%20x' }],
    ['disallowed method', 405, { path: '/api/tracker/v3/issues/TEST-1', method: 'DELETE' }],
    ['path outside the allow-list', 404, { path: '/api/tracker/v2/users' }],
    ['oversize body', 413, { path: '/api/tracker/v3/issues/_search', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(70_000) }) }],
    ['cross-site page', 403, { path: '/api/tracker/v3/myself', headers: { 'sec-fetch-site': 'cross-site' } }],
  ];

  it.each(cases)('%s → %i', async (_name, status, input) => {
    await fake.reset();
    const url = `${sample.url}${input.path}`;
    // fetch would normalize `..` and `%2e%2e`; send the raw target with node:http instead.
    const res = await rawRequest(url, input, browser.cookies(sample.url));
    expect(res.status).toBe(status);
    expect(await fake.count('tracker')).toBe(0);
  });

  it('strips smuggled credentials and cookies before forwarding', async () => {
    await fake.reset();
    const res = await rawRequest(
      `${sample.url}/api/tracker/v3/myself`,
      { path: '/api/tracker/v3/myself', headers: { authorization: 'OAuth y0_attacker', 'x-org-id': '666', 'x-cloud-org-id': 'evil' } },
      browser.cookies(sample.url),
    );
    expect(res.status).toBe(200);
    // The fake answered as the signed-in user in the configured org: the attacker's values never counted.
    expect(JSON.parse(res.body).login).toBe(fake.demo.user.login);
    const [logged] = (await fake.requests()).filter((r) => r.endpoint === 'tracker');
    expect(logged?.status).toBe(200);
  });

  it('answers 403 without a session (the default gate) and forwards nothing', async () => {
    await fake.reset();
    const res = await rawRequest(`${sample.url}/api/tracker/v3/myself`, { path: '/api/tracker/v3/myself' }, new Map());
    expect(res.status).toBe(403);
    expect(await fake.count('tracker')).toBe(0);
  });
});

describe('OAuth bad-input corpus (end to end: no code exchange)', () => {
  async function callbackUrl(): Promise<{ browser: Browser; callback: URL }> {
    const browser = new Browser();
    const login = await browser.fetch(`${sample.url}/auth/sign-in`);
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    return { browser, callback: new URL(authorize.headers.get('location')!) };
  }

  // errorPath: every failed callback is a 303 to the app's error page with a fixed code.
  const errorPage = (code: string) => `/sign-in-error?error=${code}`;

  it('missing state → the error page with state_missing', async () => {
    const { browser, callback } = await callbackUrl();
    callback.searchParams.delete('state');
    await fake.reset();
    const res = await browser.fetch(callback.href, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(errorPage('state_missing'));
    expect(await fake.count('oauth.token')).toBe(0);
  });

  it('mismatched state → the error page with state_mismatch', async () => {
    const { browser, callback } = await callbackUrl();
    callback.searchParams.set('state', 'not-the-state-we-sent-000000');
    await fake.reset();
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(errorPage('state_mismatch'));
    expect(await fake.count('oauth.token')).toBe(0);
  });

  it('tampered login cookie → the error page, no code exchange', async () => {
    const { browser, callback } = await callbackUrl();
    const jar = browser.cookies(sample.url);
    const cookie = jar.get('tracker_login')!;
    jar.set('tracker_login', { ...cookie, value: cookie.value.slice(0, -2) + (cookie.value.endsWith('AA') ? 'BB' : 'AA') });
    await fake.reset();
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/sign-in-error\?error=state_/);
    expect(await fake.count('oauth.token')).toBe(0);
  });

  it('replayed code → refused, no new session', async () => {
    const { browser, callback } = await callbackUrl();
    const loginCookie = browser.cookies(sample.url).get('tracker_login')!.value;
    expect((await browser.fetch(callback.href)).status).toBe(302);
    const replay = await fetch(callback.href, { redirect: 'manual', headers: { cookie: `tracker_login=${loginCookie}` } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe(errorPage('exchange_failed'));
    expect(replay.headers.getSetCookie().some((c) => /^tracker_session=[^;]+/.test(c) && !/Max-Age=0/i.test(c))).toBe(false);
  });

  it('tampered session cookie → signed out, Tracker not called', async () => {
    const { browser } = await signIn();
    const jar = browser.cookies(sample.url);
    const cookie = jar.get('tracker_session')!;
    jar.set('tracker_session', { ...cookie, value: cookie.value.slice(0, 12) + (cookie.value[12] === 'A' ? 'B' : 'A') + cookie.value.slice(13) });
    await fake.reset();
    const html = await (await browser.fetch(sample.url)).text();
    expect(html).toContain('Sign in with Yandex');
    expect(await fake.count('tracker')).toBe(0);
  });
});

describe('configuration', () => {
  it('refuses to start without an org and says which variable to set', async () => {
    const { TRACKER_ORG_ID: _omit, TRACKER_OAUTH_TOKEN: _token, ...rest } = env;
    const { code, output } = await runSampleExpectingExit({ ...rest, PORT: '0' });
    expect(code).toBe(1);
    expect(output).toContain('TRACKER_ORG_ID');
  });

  it('refuses to start with a malformed app credential, naming the variable but not its value', async () => {
    const { code, output } = await runSampleExpectingExit({ ...env, PORT: '0', TRACKER_OAUTH_TOKEN: 'OAuth y0_pasted-with-scheme' });
    expect(code).toBe(1);
    expect(output).toContain('TRACKER_OAUTH_TOKEN');
    expect(output).not.toContain('y0_pasted-with-scheme');
  });

  it('refuses to start against real Yandex without SESSION_SECRET, without echoing secrets', async () => {
    const { code, output } = await runSampleExpectingExit({
      PORT: '0',
      YANDEX_CLIENT_ID: 'id',
      YANDEX_CLIENT_SECRET: 'super-secret-value',
      TRACKER_ORG_ID: '1',
    });
    expect(code).toBe(1);
    expect(output).toContain('SESSION_SECRET');
    expect(output).not.toContain('super-secret-value');
  });
});

/** One raw HTTP request (the target is sent byte for byte) carrying the browser's cookies. */
function rawRequest(
  url: string,
  input: { path: string; method?: string; headers?: Record<string, string>; body?: string },
  cookies: Map<string, StoredCookie>,
): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  const headers: Record<string, string> = { ...input.headers };
  if (cookies.size > 0) headers.cookie = [...cookies].map(([n, c]) => `${n}=${c.value}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: input.path, method: input.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(input.body);
  });
}
