import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { authorizeLocation, basic, orgHeaders, postForm } from './helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
});
afterAll(() => fake.close());

const tokenUrl = () => `${fake.url}/token`;
const appAuth = () => ({ client_id: fake.demo.app.clientId, client_secret: fake.demo.app.clientSecret });
async function oauthErr(res: Response): Promise<{ status: number; error: string; description: unknown }> {
  const body = (await res.json()) as { error: string; error_description: unknown };
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  return { status: res.status, error: body.error, description: body.error_description };
}

const verifier = 'v'.repeat(43) + 'erifier-for-tests_~.';
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** Runs /authorize (auto-approve) and returns the code. */
async function getCode(params: Record<string, string> = {}): Promise<string> {
  const q = new URLSearchParams({ response_type: 'code', client_id: fake.demo.app.clientId, redirect_uri: fake.demo.app.redirectUri, ...params });
  const { status, location } = await authorizeLocation(`${fake.url}/authorize?${q}`);
  expect(status).toBe(302);
  const code = new URL(location ?? '').searchParams.get('code');
  expect(code).toMatch(/^\d{7}$/);
  return code as string;
}

const refreshGrant = (refreshToken: string) => postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: refreshToken, ...appAuth() });

describe('POST /token grant_type=refresh_token', () => {
  it('by default (as Yandex documents) a long-lived access token comes back unchanged with a new refresh token; the old one dies', async () => {
    const first = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, expiresIn: 3600 });
    fake.clock.advance(1000 * 1000); // 72 % of the lifetime left
    const res = await refreshGrant(first.refreshToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: first.accessToken, refresh_token: expect.any(String), token_type: 'bearer', expires_in: 2600 });
    expect(body.refresh_token).not.toBe(first.refreshToken);
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, first.accessToken) })).status).toBe(200);
    expect(await oauthErr(await refreshGrant(first.refreshToken))).toMatchObject({ status: 400, error: 'invalid_grant' });

    // The new refresh token works, and rotates again.
    const again = (await (await refreshGrant(body.refresh_token as string)).json()) as Record<string, unknown>;
    expect(again.access_token).toBe(first.accessToken);
    expect(again.refresh_token).not.toBe(body.refresh_token);
    expect(await oauthErr(await refreshGrant(body.refresh_token as string))).toMatchObject({ error: 'invalid_grant' });
  });

  it('a new access token (full lifetime) once 10 % or less of the lifetime is left', async () => {
    const first = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, expiresIn: 3600 });
    fake.clock.advance(3240 * 1000); // exactly 10 % left
    const body = (await (await refreshGrant(first.refreshToken)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(body.access_token).toMatch(/^y[0-3]_/);
    expect(body.access_token).not.toBe(first.accessToken);
    expect(body.refresh_token).not.toBe(first.refreshToken);
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, body.access_token as string) })).status).toBe(200);
    expect(await oauthErr(await refreshGrant(first.refreshToken))).toMatchObject({ error: 'invalid_grant' });
  });

  it('setRefreshAlwaysNewAccessToken(true): a new access token on every refresh', async () => {
    fake.oauth.setRefreshAlwaysNewAccessToken(true);
    try {
      const first = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, expiresIn: 3600 });
      const body = (await (await refreshGrant(first.refreshToken)).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
      expect(body.access_token).not.toBe(first.accessToken);
      expect(body.refresh_token).not.toBe(first.refreshToken);
      expect(await oauthErr(await refreshGrant(first.refreshToken))).toMatchObject({ error: 'invalid_grant' });
    } finally {
      fake.oauth.setRefreshAlwaysNewAccessToken(false);
    }
    expect('setRefreshReusesAccessToken' in fake.oauth).toBe(false);
  });

  it('a refreshed device token stays a device token (revocable) on both paths', async () => {
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, deviceId: 'laptop 01', expiresIn: 3600 });
    const same = (await (await refreshGrant(t.refreshToken)).json()) as Record<string, string>;
    expect(same.access_token).toBe(t.accessToken);
    fake.clock.advance(3500 * 1000);
    const fresh = (await (await refreshGrant(same.refresh_token as string)).json()) as Record<string, string>;
    expect(fresh.access_token).not.toBe(t.accessToken);
    const revoked = await postForm(`${fake.url}/revoke_token`, { access_token: fresh.access_token as string, ...appAuth() });
    expect(await revoked.json()).toEqual({ status: 'ok' });
  });

  it('accepts Basic client authentication, and the header wins over the body pair', async () => {
    const { clientId, clientSecret } = fake.demo.app;
    const a = fake.oauth.issueToken({ clientId });
    const viaHeader = await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: a.refreshToken, client_id: clientId, client_secret: 'wrong' }, basic(clientId, clientSecret));
    expect(viaHeader.status).toBe(200);
    const b = fake.oauth.issueToken({ clientId });
    const wrongHeader = await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: b.refreshToken, ...appAuth() }, basic(clientId, 'wrong'));
    expect(await oauthErr(wrongHeader)).toMatchObject({ status: 400, error: 'invalid_client' });
  });

  it('invalid_grant for an expired refresh token and for one issued to another client', async () => {
    const short = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, expiresIn: 10 });
    fake.clock.advance(11_000);
    expect(await oauthErr(await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: short.refreshToken, ...appAuth() }))).toMatchObject({ error: 'invalid_grant' });
    const other = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/other'] });
    const foreign = fake.oauth.issueToken({ clientId: other.clientId });
    expect(await oauthErr(await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: foreign.refreshToken, ...appAuth() }))).toMatchObject({ error: 'invalid_grant' });
  });

  it('a revoked access token takes its refresh token with it', async () => {
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId });
    fake.revoke(t.accessToken);
    expect(await oauthErr(await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: t.refreshToken, ...appAuth() }))).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('POST /token errors', () => {
  it.each([
    ['missing grant_type', {}, 'invalid_request'],
    ['unknown grant_type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['missing refresh_token', { grant_type: 'refresh_token' }, 'invalid_request'],
    ['missing code', { grant_type: 'authorization_code' }, 'invalid_request'],
    ['malformed code', { grant_type: 'authorization_code', code: 'abc' }, 'bad_verification_code'],
    ['unknown code', { grant_type: 'authorization_code', code: '1234567' }, 'invalid_grant'],
    ['bad device_id', { grant_type: 'refresh_token', refresh_token: 'x', device_id: 'ab' }, 'invalid_request'],
  ])('%s → %s', async (_name, fields, error) => {
    expect(await oauthErr(await postForm(tokenUrl(), { ...appAuth(), ...fields }))).toMatchObject({ status: 400, error });
  });

  it.each([
    ['unknown client', { client_id: 'nope', client_secret: 'x' }],
    ['wrong secret', { client_id: 'CLIENT', client_secret: 'wrong' }],
    ['missing secret', { client_id: 'CLIENT' }],
    ['no client at all', {}],
  ])('%s → invalid_client', async (_name, pair) => {
    const fields = { grant_type: 'refresh_token', refresh_token: 'x', ...pair } as Record<string, string>;
    if (fields.client_id === 'CLIENT') fields.client_id = fake.demo.app.clientId;
    expect(await oauthErr(await postForm(tokenUrl(), fields))).toMatchObject({ status: 400, error: 'invalid_client' });
  });

  it('malformed Basic header → invalid_client', async () => {
    const res = await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: 'Basic !!!' });
    expect(await oauthErr(res)).toMatchObject({ error: 'invalid_client' });
  });

  it('a JSON body is refused (the endpoint is form-encoded)', async () => {
    const res = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token' }) });
    expect(await oauthErr(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('GET → 405', async () => {
    expect((await fetch(tokenUrl())).status).toBe(405);
  });
});

describe('POST /token grant_type=authorization_code', () => {
  it('exchanges a code with PKCE S256, once', async () => {
    const code = await getCode({ code_challenge: s256(verifier), code_challenge_method: 'S256' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', code, code_verifier: verifier, ...appAuth() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 31_536_000 });
    expect(typeof body.refresh_token).toBe('string');
    expect((await fetch(`${fake.url}/v2/myself`, { headers: orgHeaders(fake, body.access_token as string) })).status).toBe(200);
    const replay = await postForm(tokenUrl(), { grant_type: 'authorization_code', code, code_verifier: verifier, ...appAuth() });
    expect(await oauthErr(replay)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('PKCE plain, and plain is the default method', async () => {
    const code = await getCode({ code_challenge: verifier });
    expect((await postForm(tokenUrl(), { grant_type: 'authorization_code', code, code_verifier: verifier, ...appAuth() })).status).toBe(200);
  });

  it.each([
    ['wrong verifier', { code_verifier: 'w'.repeat(43) }, 'invalid_grant'],
    ['missing verifier', {}, 'invalid_grant'],
    ['malformed verifier', { code_verifier: 'short' }, 'invalid_request'],
  ])('PKCE %s → %s', async (_n, extra, error) => {
    const code = await getCode({ code_challenge: s256(verifier), code_challenge_method: 'S256' });
    expect(await oauthErr(await postForm(tokenUrl(), { grant_type: 'authorization_code', code, ...appAuth(), ...extra }))).toMatchObject({ error });
  });

  it('a code is bound to its client and redirect_uri', async () => {
    const other = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/cb2'] });
    const code = await getCode();
    const wrongClient = await postForm(tokenUrl(), { grant_type: 'authorization_code', code, client_id: other.clientId, client_secret: other.clientSecret as string });
    expect(await oauthErr(wrongClient)).toMatchObject({ error: 'invalid_grant' });

    const code2 = await getCode();
    const wrongRedirect = await postForm(tokenUrl(), { grant_type: 'authorization_code', code: code2, redirect_uri: 'http://127.0.0.1/elsewhere', ...appAuth() });
    expect(await oauthErr(wrongRedirect)).toMatchObject({ error: 'invalid_grant' });

    const code3 = await getCode();
    const sameRedirect = await postForm(tokenUrl(), { grant_type: 'authorization_code', code: code3, redirect_uri: fake.demo.app.redirectUri, ...appAuth() });
    expect(sameRedirect.status).toBe(200);
  });

  it('a code expires after 10 minutes', async () => {
    const code = await getCode();
    fake.clock.advance(10 * 60_000 + 1);
    expect(await oauthErr(await postForm(tokenUrl(), { grant_type: 'authorization_code', code, ...appAuth() }))).toMatchObject({ error: 'invalid_grant' });
  });

  it('a public client (no secret) exchanges with client_id alone', async () => {
    const app = fake.oauth.registerApp({ clientSecret: null, redirectUris: ['http://127.0.0.1/public'] });
    const q = new URLSearchParams({ response_type: 'code', client_id: app.clientId, code_challenge: s256(verifier), code_challenge_method: 'S256' });
    const { location } = await authorizeLocation(`${fake.url}/authorize?${q}`);
    const code = new URL(location ?? '').searchParams.get('code') as string;
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: app.clientId });
    expect(res.status).toBe(200);
  });
});

describe('POST /revoke_token', () => {
  const revokeUrl = () => `${fake.url}/revoke_token`;

  it('revokes a device token: {"status":"ok"}, then Tracker 401 and its refresh token is dead', async () => {
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, deviceId: 'device-123' });
    const res = await postForm(revokeUrl(), { access_token: t.accessToken, ...appAuth() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, t.accessToken) })).status).toBe(401);
    expect(await oauthErr(await refreshGrant(t.refreshToken))).toMatchObject({ error: 'invalid_grant' });
  });

  it('with Basic authentication', async () => {
    const t = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, deviceId: 'device-123' });
    const res = await postForm(revokeUrl(), { access_token: t.accessToken }, basic(fake.demo.app.clientId, fake.demo.app.clientSecret));
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('errors: missing token, unknown token, another client’s token, bad client', async () => {
    const url = revokeUrl();
    expect(await oauthErr(await postForm(url, { ...appAuth() }))).toMatchObject({ error: 'invalid_request' });
    expect(await oauthErr(await postForm(url, { access_token: 'y0_nope', ...appAuth() }))).toMatchObject({ error: 'invalid_request' });
    const other = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/x'] });
    const foreign = fake.oauth.issueToken({ clientId: other.clientId });
    expect(await oauthErr(await postForm(url, { access_token: foreign.accessToken, ...appAuth() }))).toMatchObject({ error: 'invalid_request' });
    expect(await oauthErr(await postForm(url, { access_token: foreign.accessToken, client_id: other.clientId, client_secret: 'bad' }))).toMatchObject({ error: 'invalid_client' });
  });

  it('by default (as at Yandex) a token issued without device_id is not revocable: unsupported_token_type, and it keeps working', async () => {
    const plain = fake.oauth.issueToken({ clientId: fake.demo.app.clientId });
    expect(await oauthErr(await postForm(revokeUrl(), { access_token: plain.accessToken, ...appAuth() }))).toMatchObject({ status: 400, error: 'unsupported_token_type' });
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, plain.accessToken) })).status).toBe(200);
  });

  it('setRevokeAnyToken(true) revokes tokens issued without device_id too', async () => {
    fake.oauth.setRevokeAnyToken(true);
    try {
      const plain = fake.oauth.issueToken({ clientId: fake.demo.app.clientId });
      expect(await (await postForm(revokeUrl(), { access_token: plain.accessToken, ...appAuth() })).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, plain.accessToken) })).status).toBe(401);
    } finally {
      fake.oauth.setRevokeAnyToken(false);
    }
  });
});
