/**
 * The OAuth grants and the user-mode token source end to end against the fake Yandex over
 * real HTTP: device flow, code exchange with PKCE, refresh-token rotation, revocation.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { verifyAccess } from '../../src/client/verify-access.js';
import { OAuthResponseError, SignInRequiredError, UnauthorizedError } from '../../src/errors.js';
import { buildAuthorizeUrl } from '../../src/oauth/authorize-url.js';
import { exchangeCode, pollDeviceToken, refreshOAuthToken, requestDeviceCode, revokeToken } from '../../src/oauth/grants.js';
import { createPkce } from '../../src/oauth/pkce.js';
import { userTokenSource } from '../../src/oauth/user-token-source.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import type { OAuthTokenSet, TokenSource } from '../../src/types.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.faults.clear();
  fake.oauth.setAutoApprove(true);
  fake.oauth.setDeviceInterval(0);
  fake.calls.reset();
});

const app = () => ({ clientId: fake.demo.app.clientId, clientSecret: fake.demo.app.clientSecret, oauthUrl: fake.url });
const clientFor = (credentials: TokenSource) =>
  createTrackerClient(createTrackerAuth({ credentials, org: { orgId: fake.demo.orgId } }), { trackerUrl: fake.url });

/** Drive /authorize like a browser would and return the code from the redirect. */
async function authorize(options: { codeChallenge?: string }): Promise<string> {
  const url = buildAuthorizeUrl({
    clientId: fake.demo.app.clientId,
    redirectUri: fake.demo.app.redirectUri,
    state: 'state-123',
    oauthUrl: fake.url,
    ...(options.codeChallenge ? { pkce: { codeChallenge: options.codeChallenge, codeChallengeMethod: 'S256' as const } } : {}),
  });
  const response = await fetch(url, { redirect: 'manual' });
  const location = new URL(response.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('state-123');
  return location.searchParams.get('code')!;
}

describe('device flow against the fake', () => {
  it('goes pending → approved, honouring the interval, and the token works at Tracker', async () => {
    fake.oauth.setAutoApprove(false);
    fake.oauth.setDeviceInterval(1);
    const device = await requestDeviceCode({ clientId: app().clientId, scope: ['tracker:read', 'tracker:write'], oauthUrl: fake.url });
    expect(device.verificationUrl).toBe(`${fake.url}/device`);
    expect(device.interval).toBe(1);
    const progress: Array<{ attempt: number; interval: number }> = [];
    const tokens = await pollDeviceToken({
      ...device,
      ...app(),
      onPending: ({ attempt, interval }) => {
        progress.push({ attempt, interval });
        fake.oauth.approve(device.userCode);
      },
    });
    // One pending answer, no slow_down (that would have raised the interval), then tokens.
    expect(progress).toEqual([{ attempt: 1, interval: 1 }]);
    expect(fake.calls.count('oauth.token')).toBe(2);
    expect(tokens.refreshToken).toBeTruthy();
    const me = await verifyAccess(clientFor(oauthToken(tokens.accessToken)));
    expect(me.login).toBe(fake.demo.user.login);
  });

  it('reports a denial as OAuthResponseError access_denied', async () => {
    fake.oauth.setAutoApprove(false);
    const device = await requestDeviceCode({ clientId: app().clientId, oauthUrl: fake.url });
    const error = await pollDeviceToken({ ...device, ...app(), onPending: () => fake.oauth.deny(device.userCode) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({ error: 'access_denied', status: 400 });
  });
});

describe('code exchange against the fake', () => {
  it('exchanges a PKCE code with Basic auth, and refuses a wrong verifier', async () => {
    const pkce = await createPkce();
    const tokens = await exchangeCode({ code: await authorize(pkce), codeVerifier: pkce.codeVerifier, redirectUri: fake.demo.app.redirectUri, ...app() });
    expect(await verifyAccess(clientFor(oauthToken(tokens.accessToken)))).toMatchObject({ login: fake.demo.user.login });

    const other = await createPkce();
    const code = await authorize(pkce);
    const error = await exchangeCode({ code, codeVerifier: other.codeVerifier, ...app() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OAuthResponseError', error: 'invalid_grant', status: 400 });
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(code);
  });

  it('exchanges with client credentials in the body', async () => {
    const tokens = await exchangeCode({ code: await authorize({}), clientAuth: 'body', ...app() });
    expect(tokens).toMatchObject({ tokenType: 'bearer' });
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
  });

  it('maps a wrong client secret to invalid_client', async () => {
    await expect(exchangeCode({ code: await authorize({}), ...app(), clientSecret: 'wrong-secret' })).rejects.toMatchObject({
      name: 'OAuthResponseError',
      error: 'invalid_client',
    });
  });
});

describe('userTokenSource against the fake', () => {
  it('refreshes inside the expiry window with the rotated refresh token each time and reports rotations', async () => {
    const issued = fake.oauth.issueToken({ expiresIn: 3600 });
    const initial: OAuthTokenSet = { accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenType: 'bearer', expiresAt: fake.clock.now() + 3_600_000 };
    const rotations: OAuthTokenSet[] = [];
    const credentials = userTokenSource({
      tokens: initial,
      ...app(),
      // The engine reads the fake's clock, so expiry at the fake and in the source coincide.
      refresh: { now: () => fake.clock.now() },
      onTokens: (t) => void rotations.push(t),
    });
    const client = clientFor(credentials);
    await verifyAccess(client);
    expect(fake.calls.count('oauth.token')).toBe(0);

    // Inside the 5-minute window: the still-valid token is served and refreshed in the
    // background (the refresh token dies with the access token, docs/yandex-api.md 2.3).
    fake.clock.advance(3_500_000);
    await verifyAccess(client);
    await vi.waitFor(() => expect(rotations).toHaveLength(1));
    expect(rotations[0]!.refreshToken).toBeTruthy();
    expect(rotations[0]!.refreshToken).not.toBe(issued.refreshToken);
    expect(rotations[0]!.accessToken).not.toBe(issued.accessToken);
    // The old refresh token died with the rotation.
    await expect(refreshOAuthToken({ refreshToken: issued.refreshToken, ...app() })).rejects.toMatchObject({ error: 'invalid_grant' });

    fake.clock.advance(3_500_000);
    await verifyAccess(client);
    await vi.waitFor(() => expect(rotations).toHaveLength(2));
    expect(rotations[1]!.refreshToken).not.toBe(rotations[0]!.refreshToken);
    expect(fake.calls.count('oauth.token')).toBe(3);
    const { token } = await credentials.getToken();
    expect(token).toBe(rotations[1]!.accessToken);
  });

  it('refreshes once after a 401 shared by concurrent requests', async () => {
    const issued = fake.oauth.issueToken({ expiresIn: 3600 });
    // An access token Tracker no longer accepts, with a refresh token that still works.
    const credentials = userTokenSource({ tokens: { accessToken: 'y0_no-longer-accepted', refreshToken: issued.refreshToken, tokenType: 'bearer' }, ...app() });
    const client = clientFor(credentials);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifyAccess(client)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.login : String(r.reason)))).toEqual(Array(50).fill(fake.demo.user.login));
    expect(fake.calls.count('oauth.token')).toBe(1);
    expect(fake.calls.count('tracker')).toBe(100);
  });

  it('asks the user to sign in again when the refresh token is dead', async () => {
    // Yandex only revokes device-bound tokens (the fake's default, as documented).
    const issued = fake.oauth.issueToken({ expiresIn: 3600, deviceId: 'core-tests-device' });
    const credentials = userTokenSource({ tokens: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenType: 'bearer' }, ...app() });
    const client = clientFor(credentials);
    await verifyAccess(client);
    // Revoking the access token at the fake also kills its refresh token.
    await revokeToken({ accessToken: issued.accessToken, ...app() });
    const error = await verifyAccess(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect(String((error as Error).message)).toContain('sign in again');
    expect(JSON.stringify(error)).not.toContain(issued.refreshToken);
  });

  it('asks the user to sign in again when an expired token has no refresh token', async () => {
    const issued = fake.oauth.issueToken({ expiresIn: 60 });
    const credentials = userTokenSource({ tokens: { accessToken: issued.accessToken, tokenType: 'bearer', expiresAt: Date.now() - 1 }, ...app() });
    await expect(credentials.getToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(fake.calls.count('oauth.token')).toBe(0);
  });
});

describe('revokeToken against the fake', () => {
  it('revokes a device-bound token so that Tracker answers 401 (UnauthorizedError at once: a static token is not replayed)', async () => {
    const issued = fake.oauth.issueToken({ deviceId: 'core-tests-device' });
    const client = clientFor(oauthToken(issued.accessToken));
    await verifyAccess(client);
    await revokeToken({ accessToken: issued.accessToken, ...app() });
    fake.calls.reset();
    const error = await verifyAccess(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).toMatch(/^Tracker rejected the credentials; the source has no other token to retry with: HTTP 401: GET \/v3\/myself/);
    // One call: replaying the static token would only be refused again.
    expect(fake.calls.count('tracker')).toBe(1);
  });
});
