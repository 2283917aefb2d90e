import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ENDPOINTS, startFakeYandex, type FakeYandex } from '../src/index.js';
import { authorizeLocation, basic, orgHeaders, postForm, postJson } from './helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual', startTime: Date.UTC(2030, 0, 1) });
});
afterAll(() => fake.close());

describe('call counters', () => {
  it('count per endpoint, total, and reset()', async () => {
    fake.calls.reset();
    await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) });
    await fetch(`${fake.url}/v2/myself`);
    await postJson(`${fake.url}/iam/v1/tokens`, { yandexPassportOauthToken: fake.demo.oauthToken });
    await postForm(`${fake.url}/device/code`, { client_id: fake.demo.app.clientId });
    await fetch(`${fake.url}/nowhere`);
    expect(fake.calls.count('tracker')).toBe(2);
    expect(fake.calls.count('iam.tokens')).toBe(1);
    expect(fake.calls.count('oauth.device')).toBe(1);
    expect(fake.calls.count('other')).toBe(1);
    expect(fake.calls.count('oauth.token')).toBe(0);
    expect(fake.calls.count()).toBe(5);
    fake.calls.reset();
    expect(fake.calls.count()).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(FAKE_ENDPOINTS).toContain('metadata.token');
  });

  it('200 concurrent requests are all counted', async () => {
    fake.calls.reset();
    await Promise.all(Array.from({ length: 200 }, () => fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) }).then((r) => r.arrayBuffer())));
    expect(fake.calls.count('tracker')).toBe(200);
  });
});

describe('request log', () => {
  it('records endpoint, method, path, status, headers and fields with every secret redacted', async () => {
    fake.calls.reset();
    const { clientId, clientSecret } = fake.demo.app;
    const t = fake.oauth.issueToken({ clientId });
    const verifier = 'x'.repeat(43);
    const { location } = await authorizeLocation(`${fake.url}/authorize?response_type=code&client_id=${clientId}&code_challenge=${verifier}`);
    const code = new URL(location ?? '').searchParams.get('code') as string;
    await fetch(`${fake.url}/verification_code?code=${code}`);
    await postForm(`${fake.url}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, client_secret: clientSecret });
    await postForm(`${fake.url}/token`, { grant_type: 'refresh_token', refresh_token: t.refreshToken }, basic(clientId, clientSecret));
    await postJson(`${fake.url}/iam/v1/tokens`, { yandexPassportOauthToken: t.accessToken });
    await fetch(`${fake.url}/v3/myself`, { headers: { ...orgHeaders(fake, t.accessToken), Cookie: 'session=secret-cookie' } });

    const log = fake.requests;
    expect(log.map((r) => [r.endpoint, r.method, r.status])).toEqual([
      ['oauth.authorize', 'GET', 302],
      ['oauth.pages', 'GET', 200],
      ['oauth.token', 'POST', 200],
      ['oauth.token', 'POST', 200],
      ['iam.tokens', 'POST', 200],
      ['tracker', 'GET', 200],
    ]);
    expect(log[2]?.params).toMatchObject({ grant_type: 'authorization_code', client_id: clientId, code: '[redacted]', code_verifier: '[redacted]', client_secret: '[redacted]' });
    expect(log[3]?.headers.authorization).toBe('Basic [redacted]');
    expect(log[5]?.headers.authorization).toBe('OAuth [redacted]');
    expect(log[5]?.headers['x-org-id']).toBe(fake.demo.orgId);
    expect(log[5]?.headers.cookie).toBe('[redacted]');
    expect(log[1]?.path).toBe('/verification_code?code=%5Bredacted%5D');
    expect(log[0]?.at).toBe(Date.UTC(2030, 0, 1));

    const printed = JSON.stringify(log);
    for (const secret of [clientSecret, t.accessToken, t.refreshToken, code, verifier, 'secret-cookie']) {
      expect(printed).not.toContain(secret);
    }
  });

  it('redacts TVM tickets, scheme-less Authorization values and device/JWT secrets', async () => {
    fake.calls.reset();
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId });
    await fetch(`${fake.url}/v3/myself`, {
      headers: { ...orgHeaders(fake), Authorization: `${t.accessToken} extra`, 'X-Ya-Service-Ticket': 'svc-ticket-secret', 'X-Ya-User-Ticket': 'user-ticket-secret' },
    });
    await postJson(`${fake.url}/iam/v1/tokens`, { jwt: 'jwt-secret-value' });
    await postForm(`${fake.url}/token`, { grant_type: 'device_code', device_code: 'device-code-secret', client_id: fake.demo.app.clientId });
    await postForm(`${fake.url}/revoke_token`, { access_token: t.accessToken, client_id: fake.demo.app.clientId });

    const log = fake.requests;
    expect(log).toHaveLength(4);
    expect(log[0]?.headers.authorization).toBe('[redacted]');
    expect(log[0]?.headers['x-ya-service-ticket']).toBe('[redacted]');
    expect(log[0]?.headers['x-ya-user-ticket']).toBe('[redacted]');
    expect(log[1]?.params).toEqual({ jwt: '[redacted]' });
    expect(log[2]?.params).toMatchObject({ grant_type: 'device_code', device_code: '[redacted]' });
    expect(log[3]?.params).toMatchObject({ access_token: '[redacted]' });
    const printed = JSON.stringify(log);
    for (const secret of [t.accessToken, 'svc-ticket-secret', 'user-ticket-secret', 'jwt-secret-value', 'device-code-secret']) {
      expect(printed).not.toContain(secret);
    }
  });
});

describe('clock', () => {
  it('manual clock moves only with advance()/set()', async () => {
    const start = fake.clock.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.clock.now()).toBe(start);
    fake.clock.advance(1500);
    expect(fake.clock.now()).toBe(start + 1500);
    fake.clock.set(Date.UTC(2031, 0, 1));
    expect(fake.clock.now()).toBe(Date.UTC(2031, 0, 1));
    expect(() => fake.clock.advance(Number.NaN)).toThrow(TypeError);
  });

  it('system clock follows real time from startTime, shifted by advance()', async () => {
    const own = await startFakeYandex({ startTime: 1_000_000 });
    try {
      const a = own.clock.now();
      expect(a).toBeGreaterThanOrEqual(1_000_000);
      await new Promise((r) => setTimeout(r, 30));
      expect(own.clock.now()).toBeGreaterThan(a);
      own.clock.advance(3600_000);
      expect(own.clock.now()).toBeGreaterThanOrEqual(a + 3600_000);
    } finally {
      await own.close();
    }
  });
});

describe('startFakeYandex options', () => {
  it('rejects bad options at the call', async () => {
    await expect(startFakeYandex({ port: -1 })).rejects.toThrow(/port/);
    await expect(startFakeYandex({ clockMode: 'fast' as never })).rejects.toThrow(/clockMode/);
  });

  it('urls, demo ids, the index page and 404s', async () => {
    expect(fake.urls).toEqual({ tracker: fake.url, oauth: fake.url, iam: fake.url, metadata: fake.url });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.demo.orgId).toBe('1234567');
    expect(fake.demo.cloudOrgId).toHaveLength(20);
    expect(fake.demo.app.redirectUri).toBe('http://127.0.0.1/callback');
    const index = await fetch(`${fake.url}/`);
    expect(await index.json()).toMatchObject({ urls: { tracker: fake.url } });
    expect((await fetch(`${fake.url}/v1/nothing`)).status).toBe(404);
  });

  it('a seed makes demo tokens and ids repeatable', async () => {
    const a = await startFakeYandex({ seed: 'demo' });
    const b = await startFakeYandex({ seed: 'demo' });
    const c = await startFakeYandex({ seed: 'other' });
    try {
      expect(b.demo.oauthToken).toBe(a.demo.oauthToken);
      expect(b.demo.app).toEqual(a.demo.app);
      expect(b.demo.serviceAccount.serviceAccountId).toBe(a.demo.serviceAccount.serviceAccountId);
      expect(c.demo.oauthToken).not.toBe(a.demo.oauthToken);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('two fakes are independent', async () => {
    const other = await startFakeYandex();
    try {
      const res = await fetch(`${other.url}/v3/myself`, { headers: orgHeaders(fake) });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
