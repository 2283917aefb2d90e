/**
 * Regression suite: IAM's absolute `expiresAt` is read against the upstream's `Date` header, so
 * a local clock that runs ahead of IAM's neither disables caching nor keeps an expired token.
 * Before, an `expiresAt` already in the past by the local clock made every `getToken()` an
 * exchange (5 calls → 5 IAM calls). Metadata and OAuth send a relative `expires_in`, which no
 * skew can spoil; one metadata check pins that.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { TokenExchangeError } from '../../src/errors.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import { iamFromMetadata } from '../../src/tokens/iam-from-metadata.js';
import { MIN_IAM_LIFETIME_MS } from '../../src/tokens/iam-exchange.js';
import { sendJson, startLocalServer, type LocalServer } from '../oauth/local-server.js';

const MINUTE = 60_000;
let fake: FakeYandex | undefined;
let server: LocalServer | undefined;
afterEach(async () => {
  await fake?.close();
  await server?.close();
  fake = undefined;
  server = undefined;
});

async function fiveCalls(getToken: () => Promise<{ token: string; expiresAt?: number | undefined }>) {
  const tokens = [];
  for (let i = 0; i < 5; i++) tokens.push(await getToken());
  return tokens;
}

describe('IAM expiresAt against the Date header', () => {
  it('the fake 70 minutes behind the local clock: expiresAt is 10 minutes in the past here, still 1 exchange for 5 calls', async () => {
    // IAM's clock (the fake's) says the token lives one more hour; ours says it died 10 minutes ago.
    fake = await startFakeYandex({ startTime: Date.now() - 70 * MINUTE });
    fake.iam.setTokenLifetime(3600);
    const source = iamFromOAuthToken({ oauthToken: fake.demo.oauthToken, iamUrl: fake.urls.iam });
    const before = Date.now();
    const tokens = await fiveCalls(() => source.getToken());
    expect(fake.calls.count('iam.tokens')).toBe(1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    // The hour IAM granted, counted on the local clock.
    expect(tokens[0]!.expiresAt! - before).toBeGreaterThan(58 * MINUTE);
    expect(tokens[0]!.expiresAt! - Date.now()).toBeLessThanOrEqual(60 * MINUTE);
  });

  it('the fake ahead of the local clock: an expiry far ahead here is not trusted past what IAM granted', async () => {
    fake = await startFakeYandex({ startTime: Date.now() + 5 * 60 * MINUTE });
    fake.iam.setTokenLifetime(3600);
    const source = iamFromOAuthToken({ oauthToken: fake.demo.oauthToken, iamUrl: fake.urls.iam });
    const token = await source.getToken();
    expect(token.expiresAt! - Date.now()).toBeLessThanOrEqual(60 * MINUTE);
    expect(token.expiresAt! - Date.now()).toBeGreaterThan(58 * MINUTE);
  });

  it('without a Date header, an expiresAt in the past gets the minimum lifetime: 5 calls → 1 exchange', async () => {
    server = await startLocalServer((_req, res) => {
      res.sendDate = false;
      sendJson(res, 200, { iamToken: 't1.skewed-token', expiresAt: new Date(Date.now() - 10 * MINUTE).toISOString() });
    });
    const source = iamFromOAuthToken({ oauthToken: 'y0_AgAAAAExampleSkewToken', iamUrl: server.url });
    const before = Date.now();
    const tokens = await fiveCalls(() => source.getToken());
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.date).toBeUndefined();
    expect(tokens[0]!.expiresAt! - before).toBeGreaterThanOrEqual(MIN_IAM_LIFETIME_MS);
  });

  it("an expiresAt already past by IAM's own Date is a malformed answer, not a cached dead token", async () => {
    server = await startLocalServer((_req, res) =>
      sendJson(res, 200, { iamToken: 't1.dead-token', expiresAt: new Date(Date.now() - 10 * MINUTE).toISOString() }),
    );
    const source = iamFromOAuthToken({ oauthToken: 'y0_AgAAAAExampleSkewToken', iamUrl: server.url, refresh: { retries: 0 } });
    const error = await source.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect((error as Error).message).toContain("expiresAt is not after the answer's Date");
  });
});

describe('relative lifetimes (metadata expires_in) need no Date', () => {
  it('the metadata service 70 minutes behind: 5 calls → 1 request', async () => {
    fake = await startFakeYandex({ startTime: Date.now() - 70 * MINUTE });
    const source = iamFromMetadata({ metadataUrl: fake.urls.metadata });
    await fiveCalls(() => source.getToken());
    expect(fake.calls.count('metadata.token')).toBe(1);
  });
});
