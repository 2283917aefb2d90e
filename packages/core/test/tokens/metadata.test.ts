import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createTrackerAuth } from '../../src/auth.js';
import { TokenExchangeError } from '../../src/errors.js';
import { iamFromMetadata } from '../../src/tokens/iam-from-metadata.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let fake: FakeYandex;

beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.faults.clear();
  fake.metadata.setRateLimit(undefined);
  fake.metadata.setServiceAccount(fake.demo.serviceAccount.serviceAccountId);
  fake.calls.reset();
});

const source = (refresh: Record<string, number> = {}) => iamFromMetadata({ metadataUrl: fake.urls.metadata, refresh: { now: fake.clock.now, ...refresh } });

describe('iamFromMetadata against the fake metadata service', () => {
  it('sends Metadata-Flavor: Google, and Tracker accepts the token', async () => {
    const auth = createTrackerAuth({ credentials: source(), org: { cloudOrgId: fake.demo.cloudOrgId } });
    const response = await fetch(`${fake.urls.tracker}/v3/myself`, { headers: (await auth.headers()) as Record<string, string> });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const logged = fake.requests.find((r) => r.endpoint === 'metadata.token');
    expect(logged?.headers['metadata-flavor']).toBe('Google');
  });

  it('takes the expiry from expires_in and refreshes 5 minutes before it (not after a fixed 12 h)', async () => {
    // Another process on the VM fetched the token 11 h ago: it has ~1 h left.
    const warm = await fetch(`${fake.urls.metadata}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } });
    const { expires_in: fullLife } = (await warm.json()) as { expires_in: number };
    fake.clock.advance(11 * HOUR);
    fake.calls.reset();

    const credentials = source();
    const first = await credentials.getToken();
    expect(first.expiresAt).toBe(fake.clock.now() + (fullLife * 1000 - 11 * HOUR));
    expect(first.expiresAt! - fake.clock.now()).toBeLessThanOrEqual(HOUR);

    fake.clock.advance(HOUR - 5 * MINUTE - 1000);
    expect((await credentials.getToken()).token).toBe(first.token);
    expect(fake.calls.count('metadata.token')).toBe(1);

    fake.clock.advance(1000); // 5 minutes before expires_in runs out
    expect((await credentials.getToken()).token).toBe(first.token); // still valid: served while refreshing
    await expect.poll(async () => (await credentials.getToken()).token).not.toBe(first.token);
    expect(fake.calls.count('metadata.token')).toBe(2);
  });

  it('re-reads an hour after receipt even when the token has long to live', async () => {
    const credentials = source();
    const first = await credentials.getToken();
    fake.clock.advance(HOUR);
    await credentials.getToken();
    await expect.poll(() => fake.calls.count('metadata.token')).toBe(2);
    const second = await credentials.getToken();
    expect(second.issuedAt).toBe(fake.clock.now());
    expect(second.expiresAt).toBeLessThanOrEqual(first.expiresAt!);
  });

  it('retries the rate limit (429) with backoff', async () => {
    fake.faults.inject('metadata.token', { status: 429, times: 2 });
    const credentials = source({ backoffMs: 1 });
    expect((await credentials.getToken()).token).toBeTruthy();
    expect(fake.calls.count('metadata.token')).toBe(3);
  });

  it('no service account attached → typed, non-retried error', async () => {
    fake.metadata.setServiceAccount(undefined);
    const error = await source({ backoffMs: 1 }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ source: 'metadata', status: 404, retryable: false });
    expect((error as Error).message).toContain('/computeMetadata/v1/instance/service-accounts/default/token');
    expect(fake.calls.count('metadata.token')).toBe(1);
  });

  it('validates metadataUrl at construction', () => {
    expect(() => iamFromMetadata({ metadataUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'INVALID_URL', field: 'metadataUrl' }));
  });
});
