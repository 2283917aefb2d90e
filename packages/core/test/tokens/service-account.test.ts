import { createPublicKey, verify, constants } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createTrackerAuth } from '../../src/auth.js';
import { ConfigurationError, TokenExchangeError } from '../../src/errors.js';
import { iamFromServiceAccountKey } from '../../src/tokens/iam-from-service-account.js';
import { SERVICE_ACCOUNT_JWT_AUDIENCE } from '../../src/tokens/service-account-jwt.js';
import type { FetchLike } from '../../src/types.js';

let fake: FakeYandex;

beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

async function trackerStatus(auth: ReturnType<typeof createTrackerAuth>): Promise<number> {
  const response = await fetch(`${fake.urls.tracker}/v3/myself`, { headers: (await auth.headers()) as Record<string, string> });
  await response.arrayBuffer();
  return response.status;
}

/** A pass-through fetch that keeps the JSON bodies sent, to inspect the JWT we signed. */
function recordingFetch(bodies: unknown[]): FetchLike {
  return (input, init) => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
    return fetch(input, init);
  };
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('iamFromServiceAccountKey against the fake IAM (full JWT verification)', () => {
  const forms = {
    'key file object': () => fake.demo.serviceAccount.key,
    'key with the PLEASE DO NOT REMOVE THIS LINE! prefix': () => fake.demo.serviceAccount.keyWithNotice,
    'key file JSON text': () => JSON.stringify(fake.demo.serviceAccount.keyWithNotice),
    'REST camelCase answer': () => {
      const k = fake.demo.serviceAccount.key;
      return { key: { id: k.id, serviceAccountId: k.service_account_id, createdAt: k.created_at, keyAlgorithm: k.key_algorithm, publicKey: k.public_key }, privateKey: k.private_key };
    },
  } as const;

  for (const [name, key] of Object.entries(forms)) {
    it(`is accepted for a ${name}, and Tracker accepts the IAM token`, async () => {
      const credentials = iamFromServiceAccountKey({ key: key(), iamUrl: fake.urls.iam, refresh: { now: fake.clock.now } });
      const auth = createTrackerAuth({ credentials, org: { cloudOrgId: fake.demo.cloudOrgId } });
      expect(await trackerStatus(auth)).toBe(200);
      expect(fake.calls.count('iam.tokens')).toBe(1);
      expect(credentials.serviceAccountId).toBe(fake.demo.serviceAccount.serviceAccountId);
    });
  }

  it('signs the documented JWT: PS256 with kid, fixed aud (even with another iamUrl), exp = iat + 3600, valid signature', async () => {
    const bodies: unknown[] = [];
    const key = fake.demo.serviceAccount.key;
    const credentials = iamFromServiceAccountKey({ key, iamUrl: fake.urls.iam, fetch: recordingFetch(bodies), refresh: { now: fake.clock.now } });
    await credentials.getToken();
    const jwt = (bodies[0] as { jwt: string }).jwt;
    expect(Object.keys(bodies[0] as object)).toEqual(['jwt']);
    const [h, p, s] = jwt.split('.') as [string, string, string];
    expect(decodePart(h)).toEqual({ typ: 'JWT', alg: 'PS256', kid: key.id });
    const claims = decodePart(p);
    expect(claims).toMatchObject({ iss: key.service_account_id, aud: SERVICE_ACCOUNT_JWT_AUDIENCE });
    expect(claims.aud).toBe('https://iam.api.cloud.yandex.net/iam/v1/tokens');
    expect(claims.iat).toBe(Math.floor(fake.clock.now() / 1000));
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: createPublicKey(key.public_key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      Buffer.from(s, 'base64url'),
    );
    expect(ok).toBe(true);
  });

  it('a key IAM does not know is rejected with a typed, non-retried 401', async () => {
    const stranger = generateRsaKeyPair();
    const key = { ...fake.demo.serviceAccount.key, private_key: stranger.privateKey, public_key: stranger.publicKey };
    const credentials = iamFromServiceAccountKey({ key, iamUrl: fake.urls.iam, refresh: { now: fake.clock.now, backoffMs: 1 } });
    const error = await credentials.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ status: 401, upstreamCode: 16, retryable: false });
    expect(fake.calls.count('iam.tokens')).toBe(1);
  });

  it('refreshes by expiresAt: a new JWT and IAM token once the old one expires', async () => {
    fake.iam.setTokenLifetime(600);
    try {
      const credentials = iamFromServiceAccountKey({ key: fake.demo.serviceAccount.key, iamUrl: fake.urls.iam, refresh: { now: fake.clock.now } });
      const first = await credentials.getToken();
      expect(first.expiresAt).toBe(fake.clock.now() + 600_000);
      fake.clock.advance(600_000);
      const second = await credentials.getToken();
      expect(second.token).not.toBe(first.token);
      expect(fake.calls.count('iam.tokens')).toBe(2);
    } finally {
      fake.iam.setTokenLifetime(12 * 3600);
    }
  });

  it('never prints key material or tokens', async () => {
    const key = fake.demo.serviceAccount.keyWithNotice;
    const credentials = iamFromServiceAccountKey({ key, iamUrl: fake.urls.iam, refresh: { now: fake.clock.now } });
    const token = await credentials.getToken();
    const secretBits = [key.private_key.split('\n')[3]!, token.token];
    for (const text of [JSON.stringify(credentials), inspect(credentials, { depth: 8 }), JSON.stringify(token), inspect(token)]) {
      for (const secret of secretBits) expect(text).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(credentials))).toMatchObject({ serviceAccountId: key.service_account_id, keyId: key.id });
  });

  describe('validates the key at construction', () => {
    const base = () => fake.demo.serviceAccount.key;
    const cases: Array<[string, () => unknown, string]> = [
      ['not JSON', () => '{not json', 'key'],
      ['an array', () => [], 'key'],
      ['no id', () => ({ ...base(), id: undefined }), 'key.id'],
      ['no service_account_id', () => ({ ...base(), service_account_id: '' }), 'key.service_account_id'],
      ['no private_key', () => ({ ...base(), private_key: undefined }), 'key.private_key'],
      ['a public key instead of the private one', () => ({ ...base(), private_key: base().public_key }), 'key.private_key'],
      ['a PKCS#1 key', () => ({ ...base(), private_key: base().private_key.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY') }), 'key.private_key'],
      ['a damaged PEM body', () => ({ ...base(), private_key: base().private_key.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!') }), 'key.private_key'],
      ['camelCase without privateKey', () => ({ key: { id: base().id, serviceAccountId: base().service_account_id } }), 'key.privateKey'],
    ];
    for (const [name, key, field] of cases) {
      it(`${name} → INVALID_KEY on ${field}`, () => {
        let error: unknown;
        try {
          iamFromServiceAccountKey({ key: key() as never, iamUrl: fake.urls.iam });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error).toMatchObject({ code: 'INVALID_KEY', field });
        const body = base().private_key.split('\n')[2]!;
        expect((error as Error).message).not.toContain(body);
        expect(fake.calls.count('iam.tokens')).toBe(0);
      });
    }

    it('a bad iamUrl → INVALID_URL', () => {
      expect(() => iamFromServiceAccountKey({ key: base(), iamUrl: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'INVALID_URL', field: 'iamUrl' }));
    });

    it('a store without the TokenStore methods → INVALID_OPTION naming the factory', () => {
      const bad = (store: unknown) => () => iamFromServiceAccountKey({ key: base(), store: store as never });
      expect(bad({ get: () => undefined })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', field: 'store' }));
      expect(bad({ get() {}, set() {}, delete() {}, lock: 1 })).toThrow(/^iamFromServiceAccountKey: `store\.lock` must be a function/);
    });
  });
});
