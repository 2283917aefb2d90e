import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { AUD, cloudBearer, postJson, saClaims, signJwt } from './helpers.js';

const IAM_TOKEN = /^t1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2}$/;
const NANO_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual', startTime: Date.UTC(2026, 5, 1) });
});
afterAll(() => fake.close());

const tokens = (body: unknown) => postJson(`${fake.url}/iam/v1/tokens`, body);
async function rpcError(res: Response): Promise<{ status: number; code: number; message: string }> {
  const body = (await res.json()) as { code: number; message: string; details: Array<Record<string, unknown>> };
  expect(body.details[0]?.['@type']).toBe('type.googleapis.com/google.rpc.RequestInfo');
  expect(typeof body.message).toBe('string');
  return { status: res.status, code: body.code, message: body.message };
}
const header = () => ({ typ: 'JWT', alg: 'PS256', kid: fake.demo.serviceAccount.key.id });
const sa = () => fake.demo.serviceAccount;

describe('POST /iam/v1/tokens with yandexPassportOauthToken', () => {
  it('returns {iamToken, expiresAt} (t1. shape, nanosecond RFC 3339, 12 h)', async () => {
    const res = await tokens({ yandexPassportOauthToken: fake.demo.oauthToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { iamToken: string; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'iamToken']);
    expect(body.iamToken).toMatch(IAM_TOKEN);
    expect(body.expiresAt).toMatch(NANO_RFC3339);
    expect(Date.parse(body.expiresAt)).toBe(fake.clock.now() + 12 * 3600_000);
    const me = await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, body.iamToken) });
    expect(((await me.json()) as { login: string }).login).toBe(fake.demo.user.login);
  });

  it('an unknown, revoked or expired OAuth token → 401, code 16', async () => {
    expect(await rpcError(await tokens({ yandexPassportOauthToken: 'y0_nope' }))).toMatchObject({ status: 401, code: 16 });
    const t = fake.oauth.issueToken({ expiresIn: 5 });
    fake.clock.advance(5_000);
    expect(await rpcError(await tokens({ yandexPassportOauthToken: t.accessToken }))).toMatchObject({ status: 401, code: 16 });
  });

  it.each([
    ['both credentials', { yandexPassportOauthToken: 'a', jwt: 'b' }],
    ['neither', {}],
    ['an extra field', { yandexPassportOauthToken: 'a', scope: 'x' }],
    ['a non-string credential', { jwt: 42 }],
    ['an array', []],
  ])('%s → 400, code 3', async (_n, body) => {
    expect(await rpcError(await tokens(body))).toMatchObject({ status: 400, code: 3 });
  });

  it('broken JSON → 400, code 3', async () => {
    const res = await fetch(`${fake.url}/iam/v1/tokens`, { method: 'POST', body: '{"jwt":' });
    expect(await rpcError(res)).toMatchObject({ status: 400, code: 3 });
  });
});

describe('POST /iam/v1/tokens with a service-account JWT', () => {
  it('accepts a WebCrypto RSA-PSS (salt 32) signed JWT and the token acts as the service account', async () => {
    const jwt = await signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, fake.clock.now()));
    const res = await tokens({ jwt });
    expect(res.status).toBe(200);
    const { iamToken } = (await res.json()) as { iamToken: string };
    const me = (await (await fetch(`${fake.url}/v2/myself`, { headers: cloudBearer(fake, iamToken) })).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ login: 'demo-sa', cloudUid: sa().serviceAccountId });
  });

  it('the key with the "PLEASE DO NOT REMOVE THIS LINE!" line is the same key', async () => {
    const pk = sa().keyWithNotice.private_key;
    expect(pk.split('\n')[0]).toBe(`PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${sa().key.id}>`);
    expect(pk.split('\n')[1]).toBe('-----BEGIN PRIVATE KEY-----');
    const jwt = await signJwt(pk, header(), saClaims(sa().serviceAccountId, fake.clock.now()));
    expect((await tokens({ jwt })).status).toBe(200);
  });

  it('authorized key JSON has the yc fields', () => {
    const key = sa().key;
    expect(Object.keys(key).sort()).toEqual(['created_at', 'id', 'key_algorithm', 'private_key', 'public_key', 'service_account_id']);
    expect(key.key_algorithm).toBe('RSA_2048');
    expect(key.public_key).toContain('-----BEGIN PUBLIC KEY-----');
    expect(key.private_key.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(Number.isNaN(Date.parse(key.created_at))).toBe(false);
  });

  it('accepts nbf and exp − iat = 3600 exactly', async () => {
    const claims = { ...saClaims(sa().serviceAccountId, fake.clock.now(), 3600), nbf: Math.floor(fake.clock.now() / 1000) };
    expect((await tokens({ jwt: await signJwt(sa().key.private_key, header(), claims) })).status).toBe(200);
  });

  describe('rejections → 401, code 16', () => {
    const now = () => fake.clock.now();
    const cases: Array<[string, RegExp, () => Promise<string>]> = [
      ['alg RS256', /alg must be PS256/, () => signJwt(sa().key.private_key, { ...header(), alg: 'RS256' }, saClaims(sa().serviceAccountId, now()))],
      ['missing kid', /required field 'kid' is missing/, () => signJwt(sa().key.private_key, { typ: 'JWT', alg: 'PS256' }, saClaims(sa().serviceAccountId, now()))],
      ['unknown kid', /unknown key id/, () => signJwt(sa().key.private_key, { ...header(), kid: 'ajfunknownkey0000000' }, saClaims(sa().serviceAccountId, now()))],
      ['wrong aud (the fake’s own URL)', /aud must be/, () => signJwt(sa().key.private_key, header(), { ...saClaims(sa().serviceAccountId, now()), aud: `${fake.url}/iam/v1/tokens` })],
      ['exp − iat > 3600', /3600/, () => signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, now(), 3601))],
      ['expired', /expired/, () => signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, now() - 3600_000, 3600))],
      ['iat in the future', /iat is in the future/, () => signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, now() + 10 * 60_000, 600))],
      ['nbf in the future', /nbf/, () => signJwt(sa().key.private_key, header(), { ...saClaims(sa().serviceAccountId, now()), nbf: Math.floor(now() / 1000) + 600 })],
      ['iat missing', /iat and exp must be numbers/, () => signJwt(sa().key.private_key, header(), { iss: sa().serviceAccountId, aud: AUD, exp: Math.floor(now() / 1000) + 60 })],
      ['salt length 0 instead of 32', /signature is invalid/, () => signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, now()), 0)],
      ['signed with another key', /signature is invalid/, async () => {
        const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
        return signJwt(other.privateKey, header(), saClaims(sa().serviceAccountId, now()));
      }],
      ['tampered payload', /signature is invalid/, async () => {
        const jwt = await signJwt(sa().key.private_key, header(), saClaims(sa().serviceAccountId, now()));
        const [h, , s] = jwt.split('.');
        return `${h}.${Buffer.from(JSON.stringify(saClaims(sa().serviceAccountId, now(), 60))).toString('base64url')}.${s}`;
      }],
      ['not a JWT', /compact JWS/, async () => 'abc'],
      ['header not JSON', /header is not/, async () => `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
    ];
    it.each(cases)('%s', async (_n, message, make) => {
      expect(await rpcError(await tokens({ jwt: await make() }))).toMatchObject({ status: 401, code: 16, message: expect.stringMatching(message) });
    });

    it('a kid that belongs to another service account (iss mismatch)', async () => {
      const other = fake.iam.createServiceAccount({ name: 'other-sa' });
      const jwt = await signJwt(other.key.private_key, { ...header(), kid: other.key.id }, saClaims(sa().serviceAccountId, now()));
      expect(await rpcError(await tokens({ jwt }))).toMatchObject({ status: 401, code: 16, message: expect.stringMatching(/belong/) });
      const ok = await signJwt(other.key.private_key, { ...header(), kid: other.key.id }, saClaims(other.serviceAccountId, now()));
      expect((await tokens({ jwt: ok })).status).toBe(200);
    });
  });
});

describe('lifetimes and reuse', () => {
  it('setTokenLifetime shortens tokens; Tracker answers 401 after expiry, old tokens stay valid until then', async () => {
    fake.iam.setTokenLifetime(60);
    try {
      const a = (await (await tokens({ yandexPassportOauthToken: fake.demo.oauthToken })).json()) as { iamToken: string; expiresAt: string };
      expect(Date.parse(a.expiresAt)).toBe(fake.clock.now() + 60_000);
      const b = (await (await tokens({ yandexPassportOauthToken: fake.demo.oauthToken })).json()) as { iamToken: string };
      expect(b.iamToken).not.toBe(a.iamToken);
      expect((await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, a.iamToken) })).status).toBe(200);
      fake.clock.advance(60_000);
      const res = await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, a.iamToken) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ errors: {}, errorMessages: ['Not authorized'], statusCode: 401 });
    } finally {
      fake.iam.setTokenLifetime(12 * 3600);
    }
    expect(() => fake.iam.setTokenLifetime(13 * 3600)).toThrow(TypeError);
  });

  it('setReuseTokens(true) hands back the same token while it is young', async () => {
    fake.iam.setReuseTokens(true);
    try {
      const a = (await (await tokens({ yandexPassportOauthToken: fake.demo.oauthToken })).json()) as { iamToken: string };
      const b = (await (await tokens({ yandexPassportOauthToken: fake.demo.oauthToken })).json()) as { iamToken: string };
      expect(b.iamToken).toBe(a.iamToken);
    } finally {
      fake.iam.setReuseTokens(false);
    }
  });

  it('a revoked IAM token gets 401', async () => {
    const { iamToken } = fake.iam.issueToken({ serviceAccountId: sa().serviceAccountId });
    fake.revoke(iamToken);
    expect((await fetch(`${fake.url}/v3/myself`, { headers: cloudBearer(fake, iamToken) })).status).toBe(401);
  });
});
