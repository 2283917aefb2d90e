// Yandex's documented defaults that the fake follows without any switch: `scope` in token
// responses, device_id characters, /v3/myself, the Date header, and "Tracker always 401".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { authorizeLocation, cloudBearer, orgHeaders, postForm, postJson } from './helpers.js';

let fake: FakeYandex;
/** Far from the local clock, so a header taken from the local clock cannot pass. */
const FAKE_START = Date.UTC(2031, 4, 6, 7, 8, 9);
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual', startTime: FAKE_START });
});
afterAll(() => fake.close());

const appAuth = () => ({ client_id: fake.demo.app.clientId, client_secret: fake.demo.app.clientSecret });

/** /authorize (auto-approve) → code → /token; returns the token response body. */
async function codeFlow(clientId: string, secret: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, ...params });
  const { location } = await authorizeLocation(`${fake.url}/authorize?${q}`);
  const code = new URL(location ?? '').searchParams.get('code');
  expect(code).toMatch(/^\d{7}$/);
  const res = await postForm(`${fake.url}/token`, { grant_type: 'authorization_code', code: code as string, client_id: clientId, client_secret: secret });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('token responses carry scope only when fewer rights were granted than asked', () => {
  it('all asked rights granted → no scope field', async () => {
    const body = await codeFlow(fake.demo.app.clientId, fake.demo.app.clientSecret, { scope: 'tracker:read', optional_scope: 'tracker:write' });
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });

  it('an optional right the app may not have is dropped → scope lists the granted rights', async () => {
    const app = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/ro'], scopes: ['tracker:read'] });
    const body = await codeFlow(app.clientId, app.clientSecret as string, { scope: 'tracker:read', optional_scope: 'tracker:write' });
    expect(body.scope).toBe('tracker:read');
    const write = await postJson(`${fake.url}/v3/issues/`, { queue: 'TEST', summary: 'x' }, orgHeaders(fake, body.access_token as string));
    expect(write.status).toBe(403);
  });

  it('the device flow too', async () => {
    const app = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/dev'], scopes: ['tracker:read'] });
    fake.oauth.setDeviceInterval(0);
    try {
      const auth = { client_id: app.clientId, client_secret: app.clientSecret as string };
      const start = await postForm(`${fake.url}/device/code`, { ...auth, scope: 'tracker:read', optional_scope: 'tracker:write' });
      const { device_code: code } = (await start.json()) as { device_code: string };
      expect((await postForm(`${fake.url}/token`, { grant_type: 'device_code', code, ...auth })).status).toBe(400); // authorization_pending once
      const body = (await (await postForm(`${fake.url}/token`, { grant_type: 'device_code', code, ...auth })).json()) as Record<string, unknown>;
      expect(body.scope).toBe('tracker:read');
    } finally {
      fake.oauth.setDeviceInterval(5);
    }
  });

  it('refresh grants ask for nothing new → no scope field', async () => {
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, scopes: ['tracker:read'] });
    const body = (await (await postForm(`${fake.url}/token`, { grant_type: 'refresh_token', refresh_token: t.refreshToken, ...appAuth() })).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('scope');
  });
});

describe('device_id: 6–50 printable ASCII characters, space (32) to ~ (126)', () => {
  const accepted = ['my laptop', ' '.repeat(6), '!"#$%&', '~'.repeat(50), 'a b~c!d'];
  const refused = ['abcde', 'x'.repeat(51), 'tab\there', 'ноутбук-1', 'del\x7fchar'];

  it.each(accepted)('accepted at /authorize, /device/code and /token: %j', async (deviceId) => {
    const q = new URLSearchParams({ response_type: 'code', client_id: fake.demo.app.clientId, device_id: deviceId, device_name: 'Test device' });
    const { location } = await authorizeLocation(`${fake.url}/authorize?${q}`);
    const code = new URL(location ?? '').searchParams.get('code');
    expect(code).toMatch(/^\d{7}$/);
    expect((await postForm(`${fake.url}/device/code`, { ...appAuth(), device_id: deviceId })).status).toBe(200);
    const res = await postForm(`${fake.url}/token`, { grant_type: 'authorization_code', code: code as string, device_id: deviceId, ...appAuth() });
    expect(res.status).toBe(200);
    // A device token: revocable by default.
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect(await (await postForm(`${fake.url}/revoke_token`, { access_token: token, ...appAuth() })).json()).toEqual({ status: 'ok' });
  });

  it.each(refused)('refused with invalid_request: %j', async (deviceId) => {
    const q = new URLSearchParams({ response_type: 'code', client_id: fake.demo.app.clientId, device_id: deviceId });
    const { location } = await authorizeLocation(`${fake.url}/authorize?${q}`);
    expect(new URL(location ?? '').searchParams.get('error')).toBe('invalid_request');
    const res = await postForm(`${fake.url}/device/code`, { ...appAuth(), device_id: deviceId });
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('/v3/myself and /v2/myself', () => {
  it('self names the version asked; users/{uid} too', async () => {
    const uid = fake.demo.user.uid;
    for (const v of ['v2', 'v3']) {
      const me = (await (await fetch(`${fake.url}/${v}/myself`, { headers: orgHeaders(fake) })).json()) as Record<string, unknown>;
      expect(me.self).toBe(`${fake.url}/${v}/users/${uid}`);
      expect(me).not.toHaveProperty('cloudUid');
      const user = (await (await fetch(`${fake.url}/${v}/users/${uid}`, { headers: orgHeaders(fake) })).json()) as Record<string, unknown>;
      expect(user.self).toBe(`${fake.url}/${v}/users/${uid}`);
    }
  });

  it('cloudUid is a string for cloud users (a service account here)', async () => {
    const sa = fake.demo.serviceAccount;
    const { iamToken } = fake.iam.issueToken({ serviceAccountId: sa.serviceAccountId });
    const me = (await (await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, iamToken) })).json()) as Record<string, unknown>;
    expect(me.cloudUid).toBe(sa.serviceAccountId);
    expect(typeof me.cloudUid).toBe('string');
    expect(me.self).toBe(`${fake.url}/v3/users/${me.uid as number}`);
  });
});

describe('every response carries Date from the fake clock', () => {
  it.each([
    ['Tracker 200', () => fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) })],
    ['Tracker 401', () => fetch(`${fake.url}/v3/myself`)],
    ['OAuth /token error', () => postForm(`${fake.url}/token`, {})],
    ['OAuth /authorize redirect', () => fetch(`${fake.url}/authorize?response_type=code&client_id=${fake.demo.app.clientId}`, { redirect: 'manual' })],
    ['IAM', () => postJson(`${fake.url}/iam/v1/tokens`, { yandexPassportOauthToken: fake.demo.oauthToken })],
    ['metadata', () => fetch(`${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } })],
    ['unknown path', () => fetch(`${fake.url}/nope`)],
  ])('%s', async (_name, call) => {
    const res = await call();
    const date = res.headers.get('date');
    expect(date).toBe(new Date(fake.clock.now()).toUTCString());
    expect(Math.abs(Date.parse(date ?? '') - Date.now())).toBeGreaterThan(365 * 86_400_000);
  });

  it('IAM expiresAt, metadata expires_in and OAuth expires_in are on the fake clock', async () => {
    const iam = (await (await postJson(`${fake.url}/iam/v1/tokens`, { yandexPassportOauthToken: fake.demo.oauthToken })).json()) as { expiresAt: string };
    expect(Math.floor(Date.parse(iam.expiresAt) / 1000)).toBe(Math.floor((fake.clock.now() + 12 * 3600_000) / 1000));
    const md = (await (await fetch(`${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } })).json()) as { expires_in: number };
    fake.clock.advance(60_000);
    const md2 = (await (await fetch(`${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } })).json()) as { expires_in: number };
    expect(md.expires_in - md2.expires_in).toBe(60);
    const faultDate = fake.faults.inject('tracker', { status: 503 });
    const res = await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) });
    expect(res.headers.get('date')).toBe(new Date(fake.clock.now()).toUTCString());
    expect(faultDate.remaining).toBe(0);
  });
});

describe('a Tracker that answers 401 to everything', () => {
  it('faults.inject("tracker", { status: 401, rate: 1 }): Tracker\'s own 401 body on every call until cleared', async () => {
    const h = fake.faults.inject('tracker', { status: 401, rate: 1 });
    try {
      for (const path of ['/v3/myself', '/v2/myself', '/v3/issues/TEST-1']) {
        const res = await fetch(`${fake.url}${path}`, { headers: orgHeaders(fake) });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ errors: {}, errorMessages: ['Not authorized'], statusCode: 401 });
      }
      expect(h.remaining).toBe(Infinity);
    } finally {
      h.remove();
    }
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) })).status).toBe(200);
  });
});
