/**
 * The service-account JWT of docs/yandex-api.md 3.3: PS256 (RSA-PSS, SHA-256, 32-byte salt) signed
 * with WebCrypto, header `{ typ, alg, kid }`, claims `iss`/`aud`/`iat`/`exp` with a one-hour life.
 */
import { ConfigurationError } from '../errors.js';
import { base64UrlEncode, utf8 } from '../encoding.js';
import { failer } from '../validate.js';
import type { ParsedServiceAccountKey } from './service-account-key.js';

/**
 * The audience IAM expects. Fixed even when `iamUrl` points elsewhere (a proxy or the fake):
 * it names the IAM service, not the address the JWT is sent to.
 */
export const SERVICE_ACCOUNT_JWT_AUDIENCE = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
/** `exp − iat`; IAM accepts at most 3600 s. */
export const SERVICE_ACCOUNT_JWT_LIFETIME_S = 3600;

/** PS256, for both `importKey` and `sign` (each ignores the member it does not use). */
const ALGORITHM = { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 } as const;

/** Signs service-account JWTs; the CryptoKey is imported once and reused. */
export interface ServiceAccountJwtSigner {
  /** A compact JWS for `nowMs` (the engine's clock). */
  sign(nowMs: number): Promise<string>;
}

/**
 * Create a signer for a parsed key. The import starts at once (so a broken key surfaces early),
 * its failure becomes a {@link ConfigurationError} `INVALID_KEY` at the first `sign()`.
 */
export function createServiceAccountJwtSigner(key: ParsedServiceAccountKey, field = 'key'): ServiceAccountJwtSigner {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new ConfigurationError('INVALID_OPTION', field, `${field} needs crypto.subtle (WebCrypto); use Node 20.19+.`);
  }
  const cryptoKey = subtle.importKey('pkcs8', key.pkcs8, ALGORITHM, false, ['sign']).catch((cause: unknown) =>
    failer('INVALID_KEY', `${field}.private_key`)(
      'is not an RSA key WebCrypto can import',
      'copy the key file again',
      cause instanceof Error ? { name: cause.name, message: cause.message } : undefined,
    ),
  );
  cryptoKey.catch(() => undefined); // reported by sign(), not as an unhandled rejection
  const header = base64UrlEncode(JSON.stringify({ typ: 'JWT', alg: 'PS256', kid: key.keyId }));
  return {
    async sign(nowMs: number): Promise<string> {
      const iat = Math.floor(nowMs / 1000);
      const claims = { iss: key.serviceAccountId, aud: SERVICE_ACCOUNT_JWT_AUDIENCE, iat, exp: iat + SERVICE_ACCOUNT_JWT_LIFETIME_S };
      const signingInput = `${header}.${base64UrlEncode(JSON.stringify(claims))}`;
      const signature = await subtle.sign(ALGORITHM, await cryptoKey, utf8(signingInput));
      return `${signingInput}.${base64UrlEncode(signature)}`;
    },
  };
}
