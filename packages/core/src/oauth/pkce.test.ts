import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { base64UrlEncode } from '../encoding.js';
import { computeCodeChallenge, createPkce, pkceFromVerifier } from './pkce.js';

/** RFC 7636 appendix B: the 32 random octets, the verifier and the S256 challenge. */
const RFC7636_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88,
  83, 132, 141, 121,
];
const RFC7636_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC7636_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B test vector', async () => {
    expect(base64UrlEncode(new Uint8Array(RFC7636_OCTETS))).toBe(RFC7636_VERIFIER);
    expect(await computeCodeChallenge(RFC7636_VERIFIER)).toBe(RFC7636_CHALLENGE);
    const pkce = await pkceFromVerifier(RFC7636_VERIFIER);
    expect({ ...pkce }).toEqual({ codeVerifier: RFC7636_VERIFIER, codeChallenge: RFC7636_CHALLENGE, codeChallengeMethod: 'S256' });
  });

  it('createPkce makes a 43-character verifier of 32 random bytes and its S256 challenge', async () => {
    const a = await createPkce();
    const b = await createPkce();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(a.codeChallengeMethod).toBe('S256');
    expect(a.codeChallenge).toBe(await computeCodeChallenge(a.codeVerifier));
    expect(a.codeChallenge).not.toBe(a.codeVerifier);
  });

  it('prints without the verifier but serializes with it (so it can be stored)', async () => {
    const pkce = await createPkce();
    expect(inspect(pkce)).not.toContain(pkce.codeVerifier);
    expect(inspect(pkce)).toContain(pkce.codeChallenge);
    expect(JSON.parse(JSON.stringify(pkce))).toEqual({ ...pkce });
  });

  it.each([
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(129)],
    ['bad character', `${'a'.repeat(43)}+`],
    ['not a string', 42],
  ])('refuses a verifier that is %s', async (_name, verifier) => {
    await expect(computeCodeChallenge(verifier as string)).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'codeVerifier' });
  });
});
