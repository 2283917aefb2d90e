import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from '@tracker-auth-tools/test-harness';
import { signInThroughApp, startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, cookiesOf, failingSample, freePort, platform, startSample, type SampleProcess } from './harness.js';

const SESSION_SECRET = 'e2e-session-secret-0123456789-abcdefgh';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(() => fake?.close());

describe('nest-sample is a CommonJS app consuming the built package', () => {
  it('dist is CommonJS and requires @tracker-auth/nestjs by name', () => {
    const main = readFileSync(join(appDir, 'dist', 'main.js'), 'utf8');
    const module = readFileSync(join(appDir, 'dist', 'app.module.js'), 'utf8');
    expect(main).toMatch(/^"use strict";/);
    expect(module).toContain('require("@tracker-auth/nestjs")');
  });
});

describe('against a fake Yandex, configured like real Yandex (IAM from an OAuth token, Yandex Cloud org)', () => {
  let sample: SampleProcess;
  const secrets: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const app = fake.oauth.registerApp({ redirectUris: [`http://127.0.0.1:${port}/auth/callback`], name: 'nest-sample e2e' });
    secrets.push(fake.demo.oauthToken, app.clientSecret!, SESSION_SECRET);
    sample = await startSample({
      PORT: String(port),
      TRACKER_IAM_FROM_OAUTH_TOKEN: fake.demo.oauthToken,
      TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId,
      TRACKER_API_URL: fake.url,
      YANDEX_IAM_URL: fake.url,
      YANDEX_OAUTH_URL: fake.url,
      YANDEX_CLIENT_ID: app.clientId,
      YANDEX_CLIENT_SECRET: app.clientSecret!,
      SESSION_SECRET,
    });
  });
  afterAll(async () => {
    await sample?.stop();
    // Nothing the sample printed holds a secret.
    for (const secret of secrets) expect(sample.output()).not.toContain(secret);
  });

  /** Fetch from the sample without following redirects; the body must hold no secret. */
  async function call(path: string, init: RequestInit = {}) {
    const res = await fetch(`${sample.url}${path}`, { redirect: 'manual', ...init });
    const text = await res.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    return { res, json: () => JSON.parse(text) as any };
  }

  it('GET /me: the app itself, through TrackerService', async () => {
    const { res, json } = await call('/me');
    expect(res.status).toBe(200);
    expect(json()).toMatchObject({ login: fake.demo.user.login });
  });

  it('GET /queues', async () => {
    const { res, json } = await call('/queues');
    expect(res.status).toBe(200);
    expect(json()).toContainEqual({ key: 'TEST', name: expect.any(String) });
  });

  it('POST /issues creates an issue in Tracker; a bad one is Tracker’s 422', async () => {
    const summary = `From nest-sample e2e ${Date.now()}`;
    const created = await call('/issues', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: 'TEST', summary }) });
    expect(created.res.status).toBe(201);
    expect(created.json()).toMatchObject({ key: expect.stringMatching(/^TEST-\d+$/), summary });
    expect(fake.tracker.issues.map((i) => i.summary)).toContain(summary);

    const bad = await call('/issues', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: 'TEST' }) });
    expect(bad.res.status).toBe(422);
    // Tracker's field errors reach the caller as `details`, and its message says them too.
    expect(bad.json()).toEqual({
      error: {
        code: 'HTTP_ERROR',
        message: expect.stringContaining('summary: Required field'),
        details: { errors: { summary: 'Required field' }, errorMessages: [] },
      },
    });

    const noQueue = await call('/issues', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: 'NOSUCHQUEUE', summary: 'x' }) });
    expect(noQueue.res.status).toBe(422);
    expect(noQueue.json().error.details).toEqual({ errors: { queue: 'Queue does not exist' }, errorMessages: [] });
  });

  it('POST /issues refuses a cross-site form and a foreign Origin; nothing is created', async () => {
    const before = fake.tracker.issues.length;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      { ...form, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      // Older browsers send Origin without Sec-Fetch-*.
      { ...form, origin: 'https://evil.example' },
      { ...form, 'sec-fetch-site': 'same-site' },
    ]) {
      const refused = await call('/issues', { method: 'POST', headers, body: 'queue=TEST&summary=x' });
      expect(refused.res.status).toBe(403);
      expect(refused.json().error.code).toBe('CROSS_SITE_REQUEST');
    }
    expect(fake.tracker.issues.length).toBe(before);
    // The app's own origin is fine.
    const own = await call('/issues', { method: 'POST', headers: { 'content-type': 'application/json', origin: sample.url }, body: JSON.stringify({ queue: 'TEST', summary: 'same-origin' }) });
    expect(own.res.status).toBe(201);
  });

  it('a 401 from Tracker → one IAM refresh → the call replayed', async () => {
    await call('/me');
    fake.faults.inject('tracker', { status: 401, body: { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 } });
    fake.calls.reset();
    const { res } = await call('/me');
    expect(res.status).toBe(200);
    expect(fake.calls.count('iam.tokens')).toBe(1);
    expect(fake.requests.filter((r) => r.endpoint === 'tracker').map((r) => r.status)).toEqual([401, 200]);
  });

  it('Tracker down → 503 answered as JSON, after the client’s retries', async () => {
    fake.faults.inject('tracker', { status: 503, body: { errors: {}, errorMessages: ['Unavailable'], statusCode: 503 }, times: 10 });
    const { res, json } = await call('/queues');
    fake.faults.clear();
    expect(res.status).toBe(503);
    expect(json()).toMatchObject({ error: { code: 'HTTP_ERROR' } });
  });

  it('sign-in: /auth/sign-in → Yandex → /auth/callback → /user/me as the user → logout', async () => {
    expect((await call('/user/me')).res.status).toBe(401);

    const login = await call('/auth/sign-in');
    expect(login.res.status).toBe(302);
    const loginCookie = cookiesOf(login.res).get('tracker_login');
    const consent = await fetch(login.res.headers.get('location')!, { redirect: 'manual' });
    const callbackUrl = new URL(consent.headers.get('location')!);
    expect(callbackUrl.origin).toBe(sample.url);

    const callback = await call(`${callbackUrl.pathname}${callbackUrl.search}`, { headers: { cookie: `tracker_login=${loginCookie}` } });
    expect(callback.res.status).toBe(302);
    expect(callback.res.headers.get('location')).toBe('/user/me');
    const cookie = `tracker_session=${cookiesOf(callback.res).get('tracker_session')}`;

    const me = await call('/user/me', { headers: { cookie } });
    expect(me.res.status).toBe(200);
    expect(me.json()).toMatchObject({ login: fake.demo.user.login });

    const logout = await call('/auth/sign-out', { method: 'POST', headers: { cookie } });
    expect(logout.res.status).toBe(303);
    expect(cookiesOf(logout.res).get('tracker_session')).toBe('');
  });
});

describe('sign-in from a browser', () => {
  let sample: SampleProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const app = fake.oauth.registerApp({ redirectUris: [`http://127.0.0.1:${port}/auth/callback`], name: 'nest-sample browser e2e' });
    sample = await startSample({
      PORT: String(port),
      TRACKER_OAUTH_TOKEN: fake.demo.oauthToken,
      TRACKER_ORG_ID: fake.demo.orgId,
      TRACKER_API_URL: fake.url,
      YANDEX_OAUTH_URL: fake.url,
      YANDEX_CLIENT_ID: app.clientId,
      YANDEX_CLIENT_SECRET: app.clientSecret!,
      SESSION_SECRET,
    });
  });
  afterAll(async () => {
    fake.oauth.setAuthorizeHook(undefined);
    await sample?.stop();
  });

  it('binds 127.0.0.1 and prints the app URL; the banner names the Tracker it uses, not "Yandex"', () => {
    expect(sample.url).toBe(`http://127.0.0.1:${port}`);
    expect(sample.output()).toContain(`nest-sample listening on http://127.0.0.1:${port} (${platform}; Tracker: ${fake.url}; sign-in on)`);
  });

  it('sign-in opened on localhost is moved to the app URL first and ends signed in (signInThroughApp)', async () => {
    const localhost = `http://localhost:${port}`;
    const first = await fetch(`${localhost}/auth/sign-in`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!).origin).toBe(sample.url);
    expect(first.headers.getSetCookie()).toEqual([]);

    const signedIn = await signInThroughApp(localhost, { fake, signInPath: '/auth/sign-in' });
    expect(signedIn.hops.map((h) => `${h.status} ${h.url}`)).toEqual([
      `302 ${localhost}/auth/sign-in`,
      `302 ${sample.url}/auth/sign-in`,
      `302 ${fake.url}/authorize`,
      `302 ${sample.url}/auth/callback`,
      `200 ${sample.url}/user/me`,
    ]);
    expect(Object.keys(signedIn.cookies)).toEqual(['tracker_session']);
    const me = await fetch(`${sample.url}/user/me`, { headers: { cookie: signedIn.cookie } });
    expect(await me.json()).toMatchObject({ login: fake.demo.user.login });
  });

  it('consent declined: a readable HTML page with the safe code, not JSON', async () => {
    fake.oauth.setAuthorizeHook(() => 'deny');
    try {
      const browser = new Browser();
      const { hops, response } = await browser.follow(`${sample.url}/auth/sign-in`);
      expect(hops.at(-1)!.url).toBe(`${sample.url}/sign-in-error?error=access_denied`);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain('<p id="sign-in-error"><code>access_denied</code></p>');
      expect(html).toContain('You declined the access request');
      expect(browser.cookies(sample.url).has('tracker_session')).toBe(false);
    } finally {
      fake.oauth.setAuthorizeHook(undefined);
    }
    // An unknown code is never echoed.
    const odd = await fetch(`${sample.url}/sign-in-error?error=%3Cb%3Ex%3C%2Fb%3E`);
    expect(odd.status).toBe(400);
    expect(await odd.text()).not.toContain('<b>x');
  });
});

describe('a service-account key file (TRACKER_SERVICE_ACCOUNT_KEY_FILE)', () => {
  it('counts as the credential: no embedded fake, one credential, IAM tokens from the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-sample-key-'));
    const keyFile = join(dir, 'key.json');
    writeFileSync(keyFile, JSON.stringify(fake.demo.serviceAccount.key), { mode: 0o600 });
    const sample = await startSample({
      PORT: String(await freePort()),
      TRACKER_SERVICE_ACCOUNT_KEY_FILE: keyFile,
      TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId,
      TRACKER_API_URL: fake.url,
      YANDEX_IAM_URL: fake.url,
    });
    try {
      expect(sample.output()).not.toContain('embedded fake');
      expect(sample.output()).toContain(`(${platform}; Tracker: ${fake.url}; sign-in off)`);
      fake.calls.reset();
      const me = await fetch(`${sample.url}/me`);
      expect(me.status).toBe(200);
      expect(fake.calls.count('iam.tokens')).toBe(1);
      // The private key never appears in what the sample printed.
      expect(sample.output()).not.toContain('PRIVATE KEY');
    } finally {
      await sample.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('defaults', () => {
  it('without credentials the sample runs against its embedded fake Yandex', async () => {
    const port = await freePort();
    const sample = await startSample({ PORT: String(port) });
    try {
      expect(sample.output()).toContain('embedded fake Yandex');
      const me = await fetch(`${sample.url}/me`);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ login: 'demo.user' });
      const login = await fetch(`${sample.url}/auth/sign-in`, { redirect: 'manual' });
      expect(login.status).toBe(302);
    } finally {
      await sample.stop();
    }
  });
});

describe('bad configuration stops the process at start with a clear message', () => {
  const TOKEN = 'y0_e2e-token-that-must-not-be-printed';
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['both organization ids', { TRACKER_OAUTH_TOKEN: TOKEN, TRACKER_ORG_ID: '1234567', TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, /TRACKER_ORG_ID|TRACKER_CLOUD_ORG_ID/],
    ['an IAM token with a Yandex 360 org', { TRACKER_IAM_TOKEN: 't1.e2e-iam-token-not-printed', TRACKER_ORG_ID: '1234567' }, /\(TRACKER_ORG_ID\).*TRACKER_CLOUD_ORG_ID/],
    ['a bad Tracker URL', { TRACKER_OAUTH_TOKEN: TOKEN, TRACKER_ORG_ID: '1234567', TRACKER_API_URL: 'not a url' }, /TRACKER_API_URL|trackerUrl/],
    [
      'a short session secret',
      { TRACKER_OAUTH_TOKEN: TOKEN, TRACKER_ORG_ID: '1234567', YANDEX_CLIENT_ID: 'app', YANDEX_CLIENT_SECRET: 'app-secret-not-printed', SESSION_SECRET: 'short' },
      /sessionSecret/,
    ],
  ];
  for (const [label, env, message] of cases) {
    it(label, async () => {
      const { code, output } = await failingSample({ PORT: String(await freePort()), ...env });
      expect(code).toBe(1);
      expect(output).toMatch(/nest-sample: bad configuration \(/);
      expect(output).toMatch(message);
      for (const value of Object.values(env)) if (/token|secret/i.test(value)) expect(output).not.toContain(value);
    });
  }
});
