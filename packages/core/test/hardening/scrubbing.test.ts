/**
 * Regression suite: secrets echoed back by an upstream are scrubbed by pattern and by every
 * encoding, not only by their literal value. Before, an OAuth server that echoed the
 * `Authorization` header in `error_description` put `Basic base64(clientId:clientSecret)` into
 * OAuthResponseError, and a Tracker 403 quoting the token put it into TrackerHttpError's
 * message and JSON.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { OAuthResponseError, TokenExchangeError, TrackerHttpError } from '../../src/errors.js';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { exchangeCode } from '../../src/oauth/token-endpoint.js';
import { scrubSecrets } from '../../src/redact.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { sendJson, startLocalServer, type LocalServer } from '../oauth/local-server.js';

const clientId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const clientSecret = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Everything an error shows: message, JSON and util.inspect (with its cause chain). */
const printed = (error: unknown) => [String((error as Error).message), JSON.stringify(error), inspect(error, { depth: 8 })].join('\n');

describe('OAuth error_description echoes', () => {
  it('an echoed Basic header (base64 of clientId:clientSecret) never reaches OAuthResponseError', async () => {
    server = await startLocalServer((req, res) =>
      sendJson(res, 400, { error: 'invalid_client', error_description: `client auth failed for header ${req.headers.authorization}` }),
    );
    const error = await exchangeCode({ clientId, clientSecret, code: '1234567', oauthUrl: server.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${basic}`);
    expect((error as OAuthResponseError).errorDescription).toBe('client auth failed for header Basic [REDACTED]');
    const text = printed(error);
    expect(text).not.toContain(basic);
    expect(text).not.toContain(clientSecret);
  });

  it('the base64 alone (no scheme word) and the URL-encoded form body are scrubbed too', async () => {
    server = await startLocalServer((req, res) =>
      sendJson(res, 400, { error: 'invalid_request', error_description: `saw ${basic.replace(/=+$/, '')} and body ${req.body}` }),
    );
    const odd = 'sec ret/with+chars';
    const error = await exchangeCode({ clientId, clientSecret, code: '7654321', oauthUrl: server.url }).catch((e: unknown) => e);
    const text = printed(error);
    expect(text).not.toContain(basic.replace(/=+$/, ''));
    expect(text).not.toContain('7654321');
    const bodyError = await exchangeCode({ clientId, clientSecret: odd, clientAuth: 'body', code: '7654321', oauthUrl: server.url }).catch((e: unknown) => e);
    expect(server.requests[1]!.body).toContain(encodeURIComponent(odd).replace(/%20/g, '+'));
    const bodyText = printed(bodyError);
    expect(bodyText).not.toContain(encodeURIComponent(odd).replace(/%20/g, '+'));
    expect(bodyText).not.toContain(odd);
  });
});

describe('IAM error messages', () => {
  it('an IAM error quoting the OAuth token (raw, base64 or as a Bearer/OAuth header) does not leak it', async () => {
    const token = 'AQAAAAAcustomOAuthToken00042';
    server = await startLocalServer((_req, res) =>
      sendJson(res, 401, { code: 16, message: `token ${token} (${Buffer.from(token).toString('base64')}) rejected; header was OAuth ${token}x` }),
    );
    const source = iamFromOAuthToken({ oauthToken: token, iamUrl: server.url, refresh: { retries: 0 } });
    const error = await source.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    const text = printed(error);
    expect(text).toContain('rejected');
    expect(text).not.toContain(token);
    expect(text).not.toContain(Buffer.from(token).toString('base64'));
  });
});

describe('Tracker errorMessages', () => {
  it('a 403 quoting the token keeps it out of TrackerHttpError message, errorMessages and JSON', async () => {
    const token = 'AQAAAAAquotedTrackerToken1234';
    server = await startLocalServer((req, res) =>
      sendJson(res, 403, {
        errors: { authorization: `header ${req.headers.authorization} is not allowed` },
        errorMessages: [`Token ${token} has no access to this organization`, `Raw: ${req.headers.authorization}`],
        statusCode: 403,
      }),
    );
    const auth = createTrackerAuth({ credentials: oauthToken(token), org: { orgId: '1234567' } });
    const error = await createTrackerClient(auth, { trackerUrl: server.url }).get('myself').json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as TrackerHttpError).errorMessages[0]).toBe('Token [REDACTED] has no access to this organization');
    const text = printed(error);
    expect(text).toContain('has no access');
    expect(text).not.toContain(token);
  });
});

describe('scrubSecrets', () => {
  it('removes credentials by shape, and every encoding of the given secrets', () => {
    expect(scrubSecrets('Authorization: Basic aWQ6c2VjcmV0 is wrong')).toBe('Authorization: Basic [REDACTED] is wrong');
    expect(scrubSecrets('Bearer t1.9euelZqXkMmSjp3Jk5KOnZOQ.abc and OAuth y0_AgAAAAExampleToken_00')).toBe('Bearer [REDACTED] and OAuth [REDACTED]');
    expect(scrubSecrets('a y0_AgAAAAExampleToken_0000 inside')).toBe('a [REDACTED] inside');
    expect(scrubSecrets('Bearer token expired; Basic authentication required')).toBe('Bearer token expired; Basic authentication required');
    expect(scrubSecrets('got c2VjcmV0LXZhbHVl, c2VjcmV0LXZhbHVl and secret-value', ['secret-value'])).toBe('got [REDACTED], [REDACTED] and [REDACTED]');
    expect(scrubSecrets('got a%2Fb%20c and a%2Fb+c', ['a/b c'])).toBe('got [REDACTED] and [REDACTED]');
    expect(scrubSecrets('short abc stays', ['abc'])).toBe('short abc stays');
    expect(scrubSecrets('connect to redis://:hunter2@cache:6379 failed; see https://user:pw@example.test/x')).toBe(
      'connect to redis://[REDACTED]@cache:6379 failed; see https://[REDACTED]@example.test/x',
    );
    expect(scrubSecrets('mail admin@example.test at https://example.test/a@b')).toBe('mail admin@example.test at https://example.test/a@b');
  });
});
