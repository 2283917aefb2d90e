import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createTrackerAuth } from '../../src/auth.js';
import { TokenExchangeError, isTokenExchangeError } from '../../src/errors.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import type { TrackerHeaders } from '../../src/types.js';

const HOUR = 3_600_000;
let fake: FakeYandex;

beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.faults.clear();
  fake.iam.setTokenLifetime(12 * 3600);
  fake.calls.reset();
});

function newAuth(refresh: Record<string, number> = {}) {
  const credentials = iamFromOAuthToken({
    oauthToken: fake.demo.oauthToken,
    iamUrl: fake.urls.iam,
    refresh: { now: fake.clock.now, ...refresh },
  });
  return createTrackerAuth({ credentials, org: { cloudOrgId: fake.demo.cloudOrgId } });
}

async function myself(headers: TrackerHeaders): Promise<number> {
  const response = await fetch(`${fake.urls.tracker}/v3/myself`, { headers: headers as Record<string, string> });
  await response.arrayBuffer();
  return response.status;
}

describe('iamFromOAuthToken against the fake IAM', () => {
  it('exchanges the OAuth token once, and Tracker accepts the IAM token', async () => {
    const auth = newAuth();
    const headers = await auth.headers();
    expect(headers.Authorization).toMatch(/^Bearer t1\./);
    expect(headers['X-Cloud-Org-ID']).toBe(fake.demo.cloudOrgId);
    expect(await myself(headers)).toBe(200);
    await auth.headers();
    await auth.headers();
    expect(fake.calls.count('iam.tokens')).toBe(1);
    const logged = fake.requests.find((r) => r.endpoint === 'iam.tokens');
    expect(logged?.method).toBe('POST');
  });

  it('1,000 concurrent headers() on an expired IAM token cause exactly 1 IAM call', async () => {
    const auth = newAuth();
    const before = await auth.headers();
    fake.clock.advance(12 * HOUR + 1);
    fake.calls.reset();
    const all = await Promise.all(Array.from({ length: 1000 }, () => auth.headers()));
    expect(fake.calls.count('iam.tokens')).toBe(1);
    const values = new Set(all.map((h) => h.Authorization));
    expect(values.size).toBe(1);
    expect(all[0]!.Authorization).not.toBe(before.Authorization);
    // The same header object for every caller: built once per token.
    expect(new Set(all).size).toBe(1);
    expect(await myself(all[0]!)).toBe(200);
  });

  it('refreshes an hour after issue in the background, without making callers wait', async () => {
    const auth = newAuth();
    const first = await auth.headers();
    fake.clock.advance(HOUR);
    expect((await auth.headers()).Authorization).toBe(first.Authorization);
    await expect.poll(async () => (await auth.headers()).Authorization).not.toBe(first.Authorization);
    expect(fake.calls.count('iam.tokens')).toBe(2);
  });

  describe('IAM down while the cached token is valid', () => {
    const faults = [
      ['500s', { status: 500 }],
      ['timeouts', { delayMs: 400 }],
      ['dropped connections', { drop: true }],
    ] as const;

    for (const [name, fault] of faults) {
      it(`${name}: every request succeeds; after expiry a typed refresh error; the first call after recovery works`, async () => {
        fake.iam.setTokenLifetime(2 * 3600);
        const auth = newAuth({ timeoutMs: 100, retries: 1, backoffMs: 5, maxBackoffMs: 50 });
        const cached = await auth.headers();
        fake.faults.inject('iam.tokens', { ...fault, rate: 1 });
        fake.calls.reset();

        // Inside the refresh window (1 h after issue), IAM failing: requests keep working.
        fake.clock.advance(HOUR + 60_000);
        for (let i = 0; i < 5; i++) {
          const headers = await auth.headers();
          expect(headers.Authorization).toBe(cached.Authorization);
          expect(await myself(headers)).toBe(200);
        }
        const forced = await auth.headers({ forceRefresh: true });
        expect(forced.Authorization).toBe(cached.Authorization);
        await expect.poll(() => fake.calls.count('iam.tokens')).toBeGreaterThan(0);

        // Past expiry: a typed error, never the dead token.
        fake.clock.advance(HOUR);
        const error = await auth.headers().catch((e: unknown) => e);
        expect(isTokenExchangeError(error)).toBe(true);
        expect(error).toBeInstanceOf(TokenExchangeError);
        expect((error as TokenExchangeError).retryable).toBe(true);
        expect((error as TokenExchangeError).source).toBe('iam');
        expect((error as Error).message).toContain(`${fake.urls.iam}/iam/v1/tokens`);
        expect((error as Error).message).not.toContain(fake.demo.oauthToken);
        expect(inspect(error, { depth: 8 })).not.toContain(fake.demo.oauthToken);

        // IAM is back: the very next call recovers.
        fake.faults.clear();
        const recovered = await auth.headers();
        expect(recovered.Authorization).not.toBe(cached.Authorization);
        expect(await myself(recovered)).toBe(200);
      });
    }
  });

  it('honours Retry-After on 429: waits when the server asks for ≤ maxBackoffMs, gives up when it asks for more', async () => {
    const auth = newAuth({ backoffMs: 1, maxBackoffMs: 5000 });
    fake.faults.inject('iam.tokens', { status: 429, retryAfter: 1 });
    expect((await auth.headers()).Authorization).toMatch(/^Bearer /);
    expect(fake.calls.count('iam.tokens')).toBe(2);

    fake.calls.reset();
    const impatient = newAuth({ backoffMs: 1, maxBackoffMs: 5000 });
    fake.faults.inject('iam.tokens', { status: 429, retryAfter: 30, times: 5 });
    await expect(impatient.headers()).rejects.toMatchObject({ status: 429, retryable: true });
    expect(fake.calls.count('iam.tokens')).toBe(1);
  });

  it('retries a malformed 200 and a 503', async () => {
    const auth = newAuth({ backoffMs: 1 });
    fake.faults.inject('iam.tokens', { malformed: true });
    fake.faults.inject('iam.tokens', { status: 503 });
    expect((await auth.headers()).Authorization).toMatch(/^Bearer /);
    expect(fake.calls.count('iam.tokens')).toBe(3);
  });

  it('does not retry a rejected OAuth token (401) and never shows it', async () => {
    const bad = 'y0_' + 'A'.repeat(40);
    const credentials = iamFromOAuthToken({ oauthToken: bad, iamUrl: fake.urls.iam, refresh: { now: fake.clock.now, backoffMs: 1 } });
    const error = await credentials.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ status: 401, upstreamCode: 16, retryable: false, source: 'iam' });
    expect(fake.calls.count('iam.tokens')).toBe(1);
    for (const text of [(error as Error).message, JSON.stringify(error), inspect(error, { depth: 8 }), JSON.stringify(credentials), inspect(credentials)]) {
      expect(text).not.toContain(bad);
    }
  });
});
