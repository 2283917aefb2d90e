/**
 * The Tracker client with the real token sources against the fake Yandex over real HTTP:
 * the 401 stampede (1,000 concurrent requests → exactly one IAM call), retries the fake
 * scripts, org and scope errors.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { verifyAccess } from '../../src/client/verify-access.js';
import { UnauthorizedError } from '../../src/errors.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import { iamFromServiceAccountKey } from '../../src/tokens/iam-from-service-account.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import type { TokenSource } from '../../src/types.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clock.set(Date.now());
  fake.faults.clear();
  fake.calls.reset();
});

// Generous per-request timeout: 2,000 requests share 2 busy CPU cores with the fake.
const cloudClient = (credentials: TokenSource) =>
  createTrackerClient(createTrackerAuth({ credentials, org: { cloudOrgId: fake.demo.cloudOrgId } }), { trackerUrl: fake.url, timeoutMs: 120_000 });
const orgClient = (token: string, apiVersion: 'v2' | 'v3' = 'v3') =>
  createTrackerClient(createTrackerAuth({ credentials: oauthToken(token), org: { orgId: fake.demo.orgId } }), { trackerUrl: fake.url, apiVersion });

const TWELVE_HOURS = 12 * 60 * 60 * 1000;

describe.each([
  {
    name: 'iamFromOAuthToken, IAM token past its lifetime at the fake',
    makeSource: () => iamFromOAuthToken({ oauthToken: fake.demo.oauthToken, iamUrl: fake.url }),
    // The fake's clock moves past the IAM token's lifetime: Tracker now answers 401 while the
    // client (on real time) still believes its cached token is fresh.
    break: async () => fake.clock.advance(TWELVE_HOURS + 60_000),
  },
  {
    name: 'iamFromServiceAccountKey, IAM token revoked at the fake',
    makeSource: () => iamFromServiceAccountKey({ key: fake.demo.serviceAccount.key, iamUrl: fake.url }),
    // The JWT is signed on real time, so here the cached token is revoked instead.
    break: async (source: TokenSource) => {
      expect(fake.revoke((await source.getToken()).token)).toBe(true);
    },
  },
])('1,000 concurrent requests that all get 401 ($name)', ({ makeSource, break: breakToken }) => {
  it('cause exactly one IAM call, and every request succeeds on its one replay', async () => {
    const source = makeSource();
    const client = cloudClient(source);
    await verifyAccess(client);
    expect(fake.calls.count('iam.tokens')).toBe(1);

    await breakToken(source);
    fake.calls.reset();
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => client.get('myself').json<{ login: string }>()));
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(fake.calls.count('iam.tokens')).toBe(1);
    expect(fake.calls.count('tracker')).toBe(2000);
    const statuses = fake.requests.filter((r) => r.endpoint === 'tracker').slice(-2000);
    expect(statuses.filter((r) => r.status === 401)).toHaveLength(1000);
  }, 180_000);
});

describe('createTrackerClient against the fake', () => {
  it('verifyAccess returns the current user on v3 and v2', async () => {
    for (const version of ['v3', 'v2'] as const) {
      const me = await verifyAccess(orgClient(fake.demo.oauthToken, version));
      expect(me).toMatchObject({ login: fake.demo.user.login, uid: fake.demo.user.uid });
      expect(me.self).toContain(`/${version}/users/${fake.demo.user.uid}`);
    }
    expect(fake.requests.slice(-2).map((r) => r.path)).toEqual(['/v3/myself', '/v2/myself']);
  });

  it('a static token Tracker never accepts ends in UnauthorizedError at once (no replay of the same token)', async () => {
    const error = await verifyAccess(orgClient('y0_not-a-real-token-123')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, errorMessages: ['Not authorized'] });
    expect((error as Error).message).toContain('the source has no other token to retry with');
    expect(fake.calls.count('tracker')).toBe(1);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('y0_not-a-real-token-123');
  });

  it('an unknown org is a 403 TrackerHttpError with errorCode 620345', async () => {
    const client = createTrackerClient(createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: '7654321' } }), {
      trackerUrl: fake.url,
    });
    await expect(verifyAccess(client)).rejects.toMatchObject({ name: 'TrackerHttpError', status: 403, errorCode: 620345 });
  });

  it('retries a 429 with Retry-After and a 503 on POST, creating the issue exactly once', async () => {
    const before = fake.tracker.issues.length;
    fake.faults.inject('tracker', { status: 429, retryAfter: 1 });
    fake.faults.inject('tracker', { status: 503, headers: { 'Retry-After': '0' } });
    const issue = await orgClient(fake.demo.oauthToken)
      .post('issues', { json: { queue: 'TEST', summary: 'Created through the retries' } })
      .json<{ key: string; summary: string }>();
    expect(issue.summary).toBe('Created through the retries');
    expect(fake.tracker.issues.length).toBe(before + 1);
    expect(fake.calls.count('tracker')).toBe(3);
  });

  it('does not retry a POST that failed with 500', async () => {
    const before = fake.tracker.issues.length;
    fake.faults.inject('tracker', { status: 500 });
    await expect(orgClient(fake.demo.oauthToken).post('issues', { json: { queue: 'TEST', summary: 'x' } })).rejects.toMatchObject({
      name: 'TrackerHttpError',
      status: 500,
      method: 'POST',
    });
    expect(fake.calls.count('tracker')).toBe(1);
    expect(fake.tracker.issues.length).toBe(before);
  });

  it('a read-only token gets 403 on writes', async () => {
    await expect(orgClient(fake.demo.readOnlyOAuthToken).post('issues', { json: { queue: 'TEST', summary: 'x' } })).rejects.toMatchObject({
      name: 'TrackerHttpError',
      status: 403,
    });
  });
});
