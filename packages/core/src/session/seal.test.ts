import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { base64UrlDecode, base64UrlEncode, randomBytes, utf8 } from '../encoding.js';
import { ConfigurationError, SessionError, httpStatusForError, isSessionError } from '../errors.js';
import type { OAuthTokenSet } from '../types.js';
import { assertSessionSecrets, MIN_SECRET_BYTES, sessionKey } from './keys.js';
import { createSessionSealer, sealSession, unsealSession, type SessionData } from './seal.js';

const SECRET = 'k3y-ONE-for-sealing-tests-0123456789abcdef';
const OLD_SECRET = 'k3y-OLD-for-sealing-tests-fedcba9876543210';
const OTHER_SECRET = 'k3y-FOREIGN-app-secret-ZYXWVUTSRQPONMLKJIH';
const TOKENS: OAuthTokenSet = {
  accessToken: 'y0_AgAAAAB-sealed-ACCESS-token',
  refreshToken: '1:sealed-REFRESH-token',
  tokenType: 'bearer',
  expiresAt: 1_900_000_000_000,
  scope: 'tracker:read tracker:write',
};
const T0 = 1_800_000_000_000;
const clock = (ms: number) => () => ms;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoLeak(error: Error, ...secrets: string[]) {
  const printed = [error.message, JSON.stringify(error), inspect(error), String(error.stack)].join('\n');
  for (const secret of secrets) expect(printed).not.toContain(secret);
}

describe('sealSession / unsealSession round trip', () => {
  it('round-trips a token set and extra fields', async () => {
    const data: SessionData = { tokens: TOKENS, userId: 'u-1', flags: [1, 2] };
    const sealed = await sealSession(data, { secrets: SECRET });
    expect(await unsealSession(sealed, { secrets: SECRET })).toEqual(data);
  });

  it('is opaque and cookie-safe: v1.<kid>.<iv>.<ciphertext>, no plaintext inside', async () => {
    const sealed = await sealSession({ tokens: TOKENS }, { secrets: [SECRET] });
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('y0_');
    expect(sealed).not.toContain(base64UrlEncode(TOKENS.accessToken).slice(0, 12));
    const again = await sealSession({ tokens: TOKENS }, { secrets: [SECRET] });
    expect(again).not.toBe(sealed); // fresh IV every time
    expect(again.split('.')[1]).toBe(sealed.split('.')[1]); // same key id
  });

  it('seals a short-lived login state under its own purpose', async () => {
    const login = { state: 'st', codeVerifier: 'v'.repeat(43), returnTo: '/issues' };
    const sealed = await sealSession(login, { secrets: SECRET, purpose: 'login', ttlSeconds: 600 });
    expect(await unsealSession<typeof login>(sealed, { secrets: SECRET, purpose: 'login' })).toEqual(login);
  });

  it('rotation: values sealed with an older secret open with [new, old]; new values use the newest', async () => {
    const oldValue = await sealSession({ n: 1 }, { secrets: [OLD_SECRET] });
    expect(await unsealSession(oldValue, { secrets: [SECRET, OLD_SECRET] })).toEqual({ n: 1 });
    const newValue = await sealSession({ n: 2 }, { secrets: [SECRET, OLD_SECRET] });
    expect(await unsealSession(newValue, { secrets: [SECRET] })).toEqual({ n: 2 });
    const error = await rejection(unsealSession(newValue, { secrets: [OLD_SECRET] }));
    expect(error).toMatchObject({ code: 'SESSION_INVALID' });
  });

  it('a re-labelled key id fails closed, even with the named key configured', async () => {
    const sealed = await sealSession({ n: 3 }, { secrets: [OLD_SECRET] });
    const { kid } = await sessionKey(SECRET);
    const [, , iv, body] = sealed.split('.');
    // A value whose key-id field names another key still fails closed: the id is bound into the seal.
    const relabelled = `v1.${kid}.${iv}.${body}`;
    expect(await rejection(unsealSession(relabelled, { secrets: [SECRET, OLD_SECRET] }))).toMatchObject({ code: 'SESSION_INVALID' });
  });

  it('expires after ttlSeconds (checked on unseal with the given clock)', async () => {
    const sealed = await sealSession({ n: 1 }, { secrets: SECRET, ttlSeconds: 60, now: clock(T0) });
    expect(await unsealSession(sealed, { secrets: SECRET, now: clock(T0 + 59_999) })).toEqual({ n: 1 });
    const error = await rejection(unsealSession(sealed, { secrets: SECRET, now: clock(T0 + 60_000) }));
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(httpStatusForError(error)).toBe(401);
  });

  it('defaults to a 30-day lifetime', async () => {
    const sealed = await sealSession({ n: 1 }, { secrets: SECRET, now: clock(T0) });
    const day = 86_400_000;
    expect(await unsealSession(sealed, { secrets: SECRET, now: clock(T0 + 30 * day - 1) })).toEqual({ n: 1 });
    expect(await rejection(unsealSession(sealed, { secrets: SECRET, now: clock(T0 + 30 * day) }))).toMatchObject({ code: 'SESSION_EXPIRED' });
  });
});

describe('tampered, truncated and foreign values', () => {
  it('every single-character change is SESSION_INVALID', async () => {
    const sealed = await sealSession({ tokens: TOKENS }, { secrets: SECRET });
    for (let i = 0; i < sealed.length; i++) {
      const replacement = sealed[i] === 'A' ? 'B' : 'A';
      const tampered = sealed.slice(0, i) + replacement + sealed.slice(i + 1);
      const error = await rejection(unsealSession(tampered, { secrets: SECRET }));
      expect(isSessionError(error), `position ${i}`).toBe(true);
      expect((error as SessionError).code).toBe('SESSION_INVALID');
    }
  });

  it('a non-canonical spelling of the same bytes is SESSION_INVALID', async () => {
    // Find a value whose last base64url character carries unused low bits, then set them.
    for (let n = 0; n < 3; n++) {
      const sealed = await sealSession({ pad: 'x'.repeat(n) }, { secrets: SECRET });
      const last = sealed.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const bodyLength = sealed.split('.')[3]!.length;
      if (bodyLength % 4 === 0) continue;
      const twin = sealed.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1];
      if (twin === sealed) continue;
      expect(base64UrlDecode(twin.split('.')[3]!)!).toEqual(base64UrlDecode(sealed.split('.')[3]!)!);
      expect(await rejection(unsealSession(twin, { secrets: SECRET }))).toMatchObject({ code: 'SESSION_INVALID' });
      return;
    }
    throw new Error('no value with padding bits found');
  });

  it('every truncation is SESSION_INVALID', async () => {
    const sealed = await sealSession({ n: 1 }, { secrets: SECRET });
    for (let length = 0; length < sealed.length; length++) {
      const error = await rejection(unsealSession(sealed.slice(0, length), { secrets: SECRET }));
      expect((error as SessionError).code, `length ${length}`).toBe('SESSION_INVALID');
    }
  });

  it('flipped bits in the IV, ciphertext and tag are SESSION_INVALID', async () => {
    const sealed = await sealSession({ n: 1 }, { secrets: SECRET });
    const [v, kid, ivText, bodyText] = sealed.split('.') as [string, string, string, string];
    const flip = (text: string, index: number) => {
      const bytes = base64UrlDecode(text)!;
      bytes[index] = bytes[index]! ^ 0x01;
      return base64UrlEncode(bytes);
    };
    const bodyLength = base64UrlDecode(bodyText)!.length;
    const variants = [
      `${v}.${kid}.${flip(ivText, 0)}.${bodyText}`,
      `${v}.${kid}.${ivText}.${flip(bodyText, 0)}`,
      `${v}.${kid}.${ivText}.${flip(bodyText, bodyLength - 1)}`, // last tag byte
      `${v}.${kid}.${ivText}.${base64UrlEncode(base64UrlDecode(bodyText)!.slice(0, bodyLength - 1))}`,
      `${v}.${kid}.${ivText}.${bodyText}${bodyText}`,
    ];
    for (const variant of variants) {
      expect(await rejection(unsealSession(variant, { secrets: SECRET }))).toMatchObject({ code: 'SESSION_INVALID' });
    }
  });

  it('a value sealed by another app (foreign secret) is SESSION_INVALID', async () => {
    const foreign = await sealSession({ admin: true }, { secrets: OTHER_SECRET });
    const error = await rejection(unsealSession(foreign, { secrets: [SECRET, OLD_SECRET] }));
    expect(error).toMatchObject({ code: 'SESSION_INVALID' });
    expectNoLeak(error, SECRET, OLD_SECRET, OTHER_SECRET, foreign);
  });

  it('a login cookie cannot be replayed as a session (purpose is bound)', async () => {
    const login = await sealSession({ state: 's' }, { secrets: SECRET, purpose: 'login' });
    expect(await rejection(unsealSession(login, { secrets: SECRET }))).toMatchObject({ code: 'SESSION_INVALID' });
    const session = await sealSession({ tokens: TOKENS }, { secrets: SECRET });
    expect(await rejection(unsealSession(session, { secrets: SECRET, purpose: 'login' }))).toMatchObject({ code: 'SESSION_INVALID' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { sealed: 'x' }],
    ['empty', ''],
    ['garbage', 'not-a-session'],
    ['wrong version', 'v2.AAAAAAAA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['too many parts', 'v1.AAAAAAAA.AAAAAAAAAAAAAAAA.AAAA.AAAA'],
    ['bad base64', 'v1.AAAAAAAA.AAAAAAAA!AAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['short IV', 'v1.AAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['tag only', 'v1.AAAAAAAA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['huge', `v1.AAAAAAAA.AAAAAAAAAAAAAAAA.${'A'.repeat(70_000)}`],
  ])('%s is SESSION_INVALID, not a crash', async (_name, value) => {
    const error = await rejection(unsealSession(value as string, { secrets: SECRET }));
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'SESSION_INVALID' });
    expectNoLeak(error, SECRET);
  });

  it('authentic ciphertext with a wrong payload shape is SESSION_INVALID', async () => {
    const { kid, key } = await sessionKey(SECRET);
    const forge = async (plaintext: Uint8Array<ArrayBuffer>) => {
      const iv = randomBytes(12);
      const body = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: utf8(`tracker-auth.v1.${kid}.session`) },
        key,
        plaintext,
      );
      return `v1.${kid}.${base64UrlEncode(iv)}.${base64UrlEncode(body)}`;
    };
    // Sanity check of the forging helper: a well-formed payload opens.
    expect(await unsealSession(await forge(utf8(JSON.stringify({ exp: Date.now() + 60_000, d: { ok: 1 } }))), { secrets: SECRET })).toEqual({
      ok: 1,
    });
    for (const plaintext of [
      utf8('not json'),
      utf8('null'),
      utf8(JSON.stringify({ d: {} })),
      utf8(JSON.stringify({ exp: '2030', d: {} })),
      utf8(JSON.stringify({ exp: Date.now() + 60_000, d: 'string' })),
      new Uint8Array([0xff, 0xfe, 0xfd]),
    ]) {
      expect(await rejection(unsealSession(await forge(plaintext), { secrets: SECRET }))).toMatchObject({ code: 'SESSION_INVALID' });
    }
  });

  it('error messages never contain the sealed value, the secrets or the tokens', async () => {
    const sealed = await sealSession({ tokens: TOKENS }, { secrets: SECRET, ttlSeconds: 1, now: clock(T0) });
    const expired = await rejection(unsealSession(sealed, { secrets: [SECRET, OLD_SECRET], now: clock(T0 + 5_000) }));
    expect(expired).toMatchObject({ code: 'SESSION_EXPIRED' });
    expectNoLeak(expired, sealed, SECRET, OLD_SECRET, TOKENS.accessToken, TOKENS.refreshToken!);
    const tampered = await rejection(unsealSession(`${sealed}A`, { secrets: [SECRET, OLD_SECRET] }));
    expectNoLeak(tampered, sealed, SECRET, OLD_SECRET, TOKENS.accessToken, TOKENS.refreshToken!);
  });
});

describe('secrets and options', () => {
  const SHORT = 'short-SeCrEt-31-bytes-xxxxxxxxx';

  it(`requires at least ${MIN_SECRET_BYTES} bytes per secret`, async () => {
    expect(utf8(SHORT).length).toBe(31);
    expect(() => assertSessionSecrets('x'.repeat(32))).not.toThrow();
    // Counted in UTF-8 bytes, not characters: 16 two-byte characters are 32 bytes.
    expect(() => assertSessionSecrets('я'.repeat(16))).not.toThrow();
    expect(() => assertSessionSecrets('я'.repeat(15))).toThrow(ConfigurationError);
  });

  it.each([
    ['a short secret', SHORT, 'secrets'],
    ['an empty list', [], 'secrets'],
    ['a short secret in the list', [SECRET, SHORT], 'secrets[1]'],
    ['a non-string in the list', [SECRET, 42], 'secrets[1]'],
    ['no secrets at all', undefined, 'secrets'],
  ])('refuses %s with INVALID_SECRET naming the field', async (_name, secrets, field) => {
    for (const run of [
      () => sealSession({ n: 1 }, { secrets: secrets as string }),
      () => unsealSession('v1.x', { secrets: secrets as string }),
      async () => createSessionSealer({ secrets: secrets as string }),
    ]) {
      const error = await rejection(run());
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: 'INVALID_SECRET', field });
      expect(error.message).toContain(field);
      expectNoLeak(error, SHORT, SECRET);
    }
  });

  it('refuses bad data, ttl and purpose', async () => {
    await expect(sealSession([] as never, { secrets: SECRET })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'data' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(sealSession(cyclic, { secrets: SECRET })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'data' });
    await expect(sealSession({ n: 1n }, { secrets: SECRET })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'data' });
    for (const ttlSeconds of [0, -1, Number.NaN, Infinity, 401 * 86_400, '60' as never]) {
      await expect(sealSession({}, { secrets: SECRET, ttlSeconds })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'ttlSeconds' });
    }
    for (const purpose of ['', 'has space', 'x'.repeat(65), 7 as never]) {
      await expect(sealSession({}, { secrets: SECRET, purpose })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'purpose' });
    }
  });
});

describe('createSessionSealer', () => {
  it('validates at construction and seals/unseals with defaults and per-call overrides', async () => {
    let now = T0;
    const sessions = createSessionSealer({ secrets: [SECRET, OLD_SECRET], ttlSeconds: 3600, now: () => now });
    const sealed = await sessions.seal({ tokens: TOKENS });
    expect(await sessions.unseal(sealed)).toEqual({ tokens: TOKENS });
    // interoperable with the function form
    expect(await unsealSession(sealed, { secrets: SECRET, now: () => now })).toEqual({ tokens: TOKENS });

    const login = await sessions.seal({ state: 's' }, { purpose: 'login', ttlSeconds: 600 });
    await expect(sessions.unseal(login)).rejects.toMatchObject({ code: 'SESSION_INVALID' });
    expect(await sessions.unseal(login, { purpose: 'login' })).toEqual({ state: 's' });

    now = T0 + 601_000;
    await expect(sessions.unseal(login, { purpose: 'login' })).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(await sessions.unseal(sealed)).toEqual({ tokens: TOKENS });
    now = T0 + 3_600_000;
    await expect(sessions.unseal(sealed)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('prints without its secrets', () => {
    const sessions = createSessionSealer({ secrets: [SECRET, OLD_SECRET] });
    for (const printed of [JSON.stringify(sessions), inspect(sessions), String(sessions)]) {
      expect(printed).not.toContain(SECRET);
      expect(printed).not.toContain(OLD_SECRET);
    }
    expect(JSON.parse(JSON.stringify(sessions))).toEqual({ secrets: 2, purpose: 'session', ttlSeconds: 30 * 86_400 });
  });
});
