/**
 * PKCE (RFC 7636) for the Yandex code flow (docs/yandex-api.md 2.1, 2.3): the app keeps a
 * `code_verifier`, sends its S256 `code_challenge` in the authorize URL and the verifier in
 * the code exchange, so an intercepted code is useless on its own.
 */
import { base64UrlEncode, randomBytes, utf8 } from '../encoding.js';
import { INSPECT_CUSTOM, REDACTED } from '../redact.js';
import { optionFailer } from '../validate.js';

/** A PKCE pair. `codeVerifier` is a secret: keep it server-side (e.g. in a sealed cookie). */
export interface Pkce {
  /** 43–128 characters of `[A-Za-z0-9-._~]`; sent only to the token endpoint. */
  codeVerifier: string;
  /** `BASE64URL(SHA-256(codeVerifier))`; sent in the authorize URL. */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

/** RFC 7636 §4.1 and §4.2: a verifier, and a challenge, are 43 to 128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/** Throw a {@link ConfigurationError} (`INVALID_OPTION`) for `field` of `fn` unless `value` is a PKCE verifier or challenge. */
export function assertPkceValue(value: unknown, field: string, fn: string): void {
  if (typeof value !== 'string' || !PKCE_VALUE.test(value)) {
    optionFailer(fn)(field, 'must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~; use createPkce()');
  }
}

/**
 * Compute the S256 `code_challenge` of a verifier: `BASE64URL(SHA-256(ASCII(verifier)))`.
 *
 * @throws {ConfigurationError} `INVALID_OPTION` when the verifier is not 43–128 unreserved characters.
 */
export async function computeCodeChallenge(codeVerifier: string): Promise<string> {
  assertPkceValue(codeVerifier, 'codeVerifier', 'computeCodeChallenge');
  const digest = await crypto.subtle.digest('SHA-256', utf8(codeVerifier));
  return base64UrlEncode(digest);
}

/**
 * The {@link Pkce} pair of a given verifier (e.g. one read back from a cookie, or a test vector).
 *
 * @example
 * const { codeChallenge } = await pkceFromVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' (RFC 7636 appendix B)
 */
export async function pkceFromVerifier(codeVerifier: string): Promise<Pkce> {
  const codeChallenge = await computeCodeChallenge(codeVerifier);
  const pkce: Pkce = { codeVerifier, codeChallenge, codeChallengeMethod: 'S256' };
  // console.log(pkce) must not print the verifier; JSON stays intact so the pair can be stored.
  Object.defineProperty(pkce, INSPECT_CUSTOM, {
    value: () => `Pkce ${JSON.stringify({ ...pkce, codeVerifier: REDACTED })}`,
    enumerable: false,
  });
  return pkce;
}

/**
 * A fresh PKCE pair: a verifier of 32 random bytes (base64url, 43 characters, as RFC 7636
 * §4.1 recommends) and its S256 challenge.
 *
 * @example
 * const pkce = await createPkce();
 * const url = buildAuthorizeUrl({ clientId, redirectUri, state, pkce });
 * // later: exchangeCode({ code, codeVerifier: pkce.codeVerifier, … })
 */
export async function createPkce(): Promise<Pkce> {
  return pkceFromVerifier(base64UrlEncode(randomBytes(32)));
}
