/**
 * Request shapes and answer handling of the OAuth grants, against a scripted local server
 * (exact bytes on the wire, odd answers). The end-to-end flows run against the fake Yandex in
 * grants-fake.test.ts.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConfigurationError,
  OAuthResponseError,
  TimeoutError,
  TokenExchangeError,
} from '../../src/errors.js';
import { exchangeCode, pollDeviceToken, refreshOAuthToken, requestDeviceCode, revokeToken } from '../../src/oauth/grants.js';
import { sendJson, startLocalServer, type Handler, type LocalServer } from './local-server.js';

const CLIENT_ID = 'client-id-123';
const CLIENT_SECRET = 'client-secret-s3cr3t';
const CODE = '7654321';
const VERIFIER = 'verifier-verifier-verifier-verifier-verifier-43';
const TOKENS = { access_token: 'y0_access-token-value', refresh_token: '1:refresh-token-value', token_type: 'bearer', expires_in: 3600 };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<LocalServer> {
  server = await startLocalServer(handler);
  return server;
}

function printed(error: unknown): string {
  return [String((error as Error).message), JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
}

describe('exchangeCode', () => {
  it('sends Basic client auth, the code and the PKCE verifier, and normalizes the answer', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, TOKENS));
    const before = Date.now();
    const tokens = await exchangeCode({
      code: CODE,
      codeVerifier: VERIFIER,
      redirectUri: 'http://127.0.0.1/callback',
      deviceId: 'device-123456',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      oauthUrl: s.url,
    });
    const req = s.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/token');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(req.form)).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      code_verifier: VERIFIER,
      redirect_uri: 'http://127.0.0.1/callback',
      device_id: 'device-123456',
    });
    expect(tokens).toMatchObject({ accessToken: TOKENS.access_token, refreshToken: TOKENS.refresh_token, tokenType: 'bearer' });
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('puts the client credentials in the body with clientAuth: body', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, TOKENS));
    await exchangeCode({ code: CODE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, clientAuth: 'body', oauthUrl: s.url });
    const req = s.requests[0]!;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.form.get('client_id')).toBe(CLIENT_ID);
    expect(req.form.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('sends only client_id for a public client (PKCE, no secret)', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, TOKENS));
    await exchangeCode({ code: CODE, codeVerifier: VERIFIER, clientId: CLIENT_ID, oauthUrl: `${s.url}/` });
    const req = s.requests[0]!;
    expect(req.path).toBe('/token');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.form.get('client_id')).toBe(CLIENT_ID);
    expect(req.form.has('client_secret')).toBe(false);
  });

  it('turns {error, error_description} into OAuthResponseError without echoing secrets', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 400, { error: 'invalid_grant', error_description: `Code ${CODE} has expired (secret ${CLIENT_SECRET})` }),
    );
    const error = await exchangeCode({ code: CODE, codeVerifier: VERIFIER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OAuthResponseError);
    const e = error as OAuthResponseError;
    expect(e.error).toBe('invalid_grant');
    expect(e.status).toBe(400);
    expect(e.errorDescription).toContain('has expired');
    const text = printed(e);
    for (const secret of [CODE, CLIENT_SECRET, VERIFIER]) expect(text).not.toContain(secret);
    expect(e.message).toContain('invalid_grant');
    expect(e.message).toContain(`POST ${s.url}/token`);
  });

  it('maps 5xx to a retryable TokenExchangeError and a malformed 200 to a non-retryable one', async () => {
    let answer = 0;
    const s = await serve((_req, res) => {
      answer++;
      if (answer === 1) sendJson(res, 503, 'upstream down');
      else if (answer === 2) sendJson(res, 200, '{"access_token": ');
      else sendJson(res, 200, { token_type: 'bearer' });
    });
    const call = () => exchangeCode({ code: CODE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }).catch((e: unknown) => e);
    const first = (await call()) as TokenExchangeError;
    expect(first).toBeInstanceOf(TokenExchangeError);
    expect(first).toMatchObject({ source: 'oauth', status: 503, retryable: true });
    const second = (await call()) as TokenExchangeError;
    expect(second).toMatchObject({ source: 'oauth', status: 200, retryable: false });
    const third = (await call()) as TokenExchangeError;
    expect(third).toBeInstanceOf(TokenExchangeError);
    expect(third.message).toContain('access_token');
  });

  it('validates its input before sending anything', async () => {
    await expect(exchangeCode({ code: '', clientId: CLIENT_ID })).rejects.toMatchObject({ name: 'ConfigurationError', field: 'code' });
    await expect(exchangeCode({ code: CODE, clientId: '' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(exchangeCode({ code: CODE, clientId: CLIENT_ID, oauthUrl: 'not a url' })).rejects.toMatchObject({ field: 'oauthUrl' });
    await expect(exchangeCode({ code: CODE, clientId: CLIENT_ID, clientAuth: 'header' as never })).rejects.toMatchObject({ field: 'clientAuth' });
  });

  it('honours an abort signal', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = exchangeCode({ code: CODE, clientId: CLIENT_ID, oauthUrl: s.url, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('refreshOAuthToken', () => {
  it('sends grant_type=refresh_token and returns the rotated refresh token', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { ...TOKENS, refresh_token: '1:rotated' }));
    const tokens = await refreshOAuthToken({ refreshToken: '1:old-refresh', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url });
    expect(Object.fromEntries(s.requests[0]!.form)).toEqual({ grant_type: 'refresh_token', refresh_token: '1:old-refresh' });
    expect(tokens.refreshToken).toBe('1:rotated');
  });
});

describe('device flow', () => {
  it('requests a device code with scopes and hides the device code when printed', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 200, { device_code: 'dev-code-secret-1', user_code: 'ABCDEFG', verification_url: 'https://ya.ru/device', interval: 5, expires_in: 300 }),
    );
    const device = await requestDeviceCode({ clientId: CLIENT_ID, scope: ['tracker:read', 'tracker:write'], deviceName: 'cli', oauthUrl: s.url });
    const req = s.requests[0]!;
    expect(req.path).toBe('/device/code');
    expect(req.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(req.form)).toEqual({ client_id: CLIENT_ID, scope: 'tracker:read tracker:write', device_name: 'cli' });
    expect(device).toMatchObject({ deviceCode: 'dev-code-secret-1', userCode: 'ABCDEFG', verificationUrl: 'https://ya.ru/device', interval: 5, expiresIn: 300 });
    expect(JSON.stringify(device)).not.toContain('dev-code-secret-1');
    expect(inspect(device)).not.toContain('dev-code-secret-1');
    expect(JSON.stringify(device)).toContain('ABCDEFG');
    expect({ ...device }.deviceCode).toBe('dev-code-secret-1');
  });

  it('polls through authorization_pending and a transient 500 until tokens arrive', async () => {
    let polls = 0;
    const s = await serve((req, res) => {
      polls++;
      expect(req.form.get('grant_type')).toBe('device_code');
      expect(req.form.get('code')).toBe('dev-code-1');
      if (polls <= 2) sendJson(res, 400, { error: 'authorization_pending', error_description: 'User has not yet authorized your application' });
      else if (polls === 3) sendJson(res, 500, 'oops');
      else sendJson(res, 200, TOKENS);
    });
    const pending: number[] = [];
    const tokens = await pollDeviceToken({
      deviceCode: 'dev-code-1',
      interval: 0.01,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      oauthUrl: s.url,
      onPending: (p) => pending.push(p.attempt),
    });
    expect(tokens.accessToken).toBe(TOKENS.access_token);
    expect(pending).toEqual([1, 2]);
    expect(polls).toBe(4);
  });

  it('slows down by 5 s on slow_down and can be aborted while waiting', async () => {
    const s = await serve((_req, res) => sendJson(res, 400, { error: 'slow_down' }));
    const controller = new AbortController();
    const intervals: number[] = [];
    const error = await pollDeviceToken({
      deviceCode: 'dev-code-1',
      interval: 0.01,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      oauthUrl: s.url,
      signal: controller.signal,
      onPending: (p) => {
        intervals.push(p.interval);
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(intervals).toEqual([5.01]);
    expect(s.requests).toHaveLength(1);
  });

  it('stops with TimeoutError when the code expires', async () => {
    const s = await serve((_req, res) => sendJson(res, 400, { error: 'authorization_pending' }));
    const error = await pollDeviceToken({
      deviceCode: 'dev-code-1',
      interval: 0.01,
      expiresAt: Date.now() + 100,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      oauthUrl: s.url,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('expired');
  });

  it('throws OAuthResponseError on a terminal answer such as access_denied', async () => {
    const s = await serve((_req, res) => sendJson(res, 400, { error: 'access_denied', error_description: 'User denied' }));
    await expect(
      pollDeviceToken({ deviceCode: 'dev-code-1', interval: 0.01, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }),
    ).rejects.toMatchObject({ name: 'OAuthResponseError', error: 'access_denied', status: 400 });
  });

  it('gives up after more transient failures in a row than allowed', async () => {
    const s = await serve((_req, res) => sendJson(res, 503, 'busy'));
    await expect(
      pollDeviceToken({ deviceCode: 'dev-code-1', interval: 0.01, maxTransientErrors: 2, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }),
    ).rejects.toMatchObject({ name: 'TokenExchangeError', status: 503, retryable: true });
    expect(s.requests).toHaveLength(3);
  });
});

describe('revokeToken', () => {
  it('posts access_token with client auth and resolves on {status: ok}', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { status: 'ok' }));
    await revokeToken({ accessToken: 'y0_to-revoke', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url });
    const req = s.requests[0]!;
    expect(req.path).toBe('/revoke_token');
    expect(req.headers.authorization).toMatch(/^Basic /);
    expect(req.form.get('access_token')).toBe('y0_to-revoke');
  });

  it('reports a refusal as OAuthResponseError', async () => {
    const s = await serve((_req, res) => sendJson(res, 400, { error: 'unsupported_token_type', error_description: 'y0_to-revoke is not a device token' }));
    const error = await revokeToken({ accessToken: 'y0_to-revoke', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OAuthResponseError', error: 'unsupported_token_type', status: 400 });
    expect(printed(error)).not.toContain('y0_to-revoke');
  });

  it('reports a 200 that still carries `error` as OAuthResponseError, without the token or the secret', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { error: 'invalid_client', error_description: `bad ${CLIENT_SECRET} for y0_to-revoke` }));
    const error = await revokeToken({ accessToken: 'y0_to-revoke', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oauthUrl: s.url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'OAuthResponseError', error: 'invalid_client', status: 200 });
    expect((error as { errorDescription?: string }).errorDescription).toContain('[REDACTED]');
    expect(printed(error)).not.toContain('y0_to-revoke');
    expect(printed(error)).not.toContain(CLIENT_SECRET);
  });
});
