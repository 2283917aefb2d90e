import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_TOKEN_PATH, startFakeYandex, type FakeYandex } from '../src/index.js';
import { cloudBearer } from './helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
});
afterAll(() => fake.close());

const PATH = '/computeMetadata/v1/instance/service-accounts/default/token';
const get = (headers: Record<string, string> = { 'Metadata-Flavor': 'Google' }) => fetch(`${fake.url}${PATH}`, { headers });
interface MetaToken {
  access_token: string;
  expires_in: number;
  token_type: string;
}

describe('metadata token endpoint', () => {
  it('serves the documented path', () => {
    expect(METADATA_TOKEN_PATH).toBe(PATH);
  });

  it.each([
    ['no header', {}],
    ['wrong value', { 'Metadata-Flavor': 'google-ish' }],
  ])('403 without Metadata-Flavor: Google (%s)', async (_n, headers) => {
    const res = await get(headers);
    expect(res.status).toBe(403);
  });

  it('answers {access_token, expires_in, token_type: Bearer}; expires_in counts down with the fake clock', async () => {
    const res = await get();
    expect(res.headers.get('metadata-flavor')).toBe('Google');
    const first = (await res.json()) as MetaToken;
    expect(Object.keys(first).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(first.token_type).toBe('Bearer');
    expect(first.access_token).toMatch(/^t1\./);
    expect(first.expires_in).toBe(12 * 3600);
    fake.clock.advance(3600_000);
    const second = (await (await get()).json()) as MetaToken;
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBe(11 * 3600);
    const me = await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, second.access_token) });
    expect(((await me.json()) as { login: string }).login).toBe('demo-sa');
  });

  it('hands out a new token once the cached one has under 15 minutes left', async () => {
    const before = (await (await get()).json()) as MetaToken;
    fake.clock.advance((before.expires_in - 14 * 60) * 1000);
    const after = (await (await get()).json()) as MetaToken;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.expires_in).toBe(12 * 3600);
  });

  it('optional rate limit → 429', async () => {
    fake.metadata.setRateLimit(2);
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await get()).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      fake.metadata.setRateLimit(undefined);
    }
    expect((await get()).status).toBe(200);
  });

  it('setServiceAccount switches the account; none attached → 404', async () => {
    const other = fake.iam.createServiceAccount({ name: 'vm-sa' });
    fake.metadata.setServiceAccount(other.serviceAccountId);
    const tok = (await (await get()).json()) as MetaToken;
    const me = await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, tok.access_token) });
    expect(((await me.json()) as { login: string }).login).toBe('vm-sa');
    fake.metadata.setServiceAccount(undefined);
    expect((await get()).status).toBe(404);
    expect(() => fake.metadata.setServiceAccount('nope')).toThrow(TypeError);
    fake.metadata.setServiceAccount(fake.demo.serviceAccount.serviceAccountId);
  });

  it('counts calls', async () => {
    fake.calls.reset();
    await get();
    await get({});
    expect(fake.calls.count('metadata.token')).toBe(2);
  });
});
