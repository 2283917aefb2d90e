import { constants, verify } from 'node:crypto';
import type { FakeState, KeyRecord } from './state.js';

/** The only audience IAM accepts (docs/yandex-api.md 3.3), whatever URL the client posts to. */
export const IAM_AUDIENCE = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
/** Longest JWT lifetime, seconds (docs/yandex-api.md 3.3). */
export const MAX_JWT_LIFETIME_S = 3600;
/** Tolerated clock skew for `iat`/`nbf` from the future, seconds. */
export const JWT_SKEW_S = 60;

/** Why a JWT was refused; the message is safe to return (it never echoes the token). */
export class JwtRejected extends Error {
  override readonly name = 'JwtRejected';
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new JwtRejected(`JWT ${what} is not a base64url JSON object`);
}

/**
 * Verifies a service-account JWT the way IAM does (docs/yandex-api.md 3.3): compact JWS, header
 * `alg: PS256` with a known `kid` that belongs to `iss`, exact `aud`, `exp − iat ≤ 3600`, not
 * expired, not issued in the future; RSA-PSS SHA-256 signature with a 32-byte salt (what
 * WebCrypto's `{ name: 'RSA-PSS', saltLength: 32 }` produces).
 *
 * @returns the key record (whose `serviceAccountId` is the caller).
 */
export function verifyServiceAccountJwt(state: FakeState, jwt: string): KeyRecord {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1] || !parts[2]) {
    throw new JwtRejected('JWT must be a compact JWS: three base64url parts');
  }
  const [h, p, s] = parts as [string, string, string];
  const headerJson = decodeJson(h, 'header');
  const claims = decodeJson(p, 'payload');
  if (headerJson.alg !== 'PS256') throw new JwtRejected(`JWT alg must be PS256, got ${String(headerJson.alg)}`);
  if (headerJson.typ !== undefined && headerJson.typ !== 'JWT') throw new JwtRejected('JWT typ must be JWT');
  if (typeof headerJson.kid !== 'string' || headerJson.kid === '') throw new JwtRejected("required field 'kid' is missing");
  const key = state.keys.get(headerJson.kid);
  if (!key) throw new JwtRejected('unknown key id (kid)');
  if (typeof claims.iss !== 'string' || claims.iss !== key.serviceAccountId) {
    throw new JwtRejected('the key (kid) does not belong to the service account in iss');
  }
  if (!state.serviceAccounts.has(key.serviceAccountId)) throw new JwtRejected('service account not found');
  const aud = claims.aud;
  if (aud !== IAM_AUDIENCE && !(Array.isArray(aud) && aud.length === 1 && aud[0] === IAM_AUDIENCE)) {
    throw new JwtRejected(`JWT aud must be ${IAM_AUDIENCE}`);
  }
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new JwtRejected('JWT signature is invalid');
  const { iat, exp, nbf } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) {
    throw new JwtRejected('JWT iat and exp must be numbers (Unix seconds)');
  }
  const now = state.clock.now() / 1000;
  if (exp <= iat) throw new JwtRejected('JWT exp must be after iat');
  if (exp - iat > MAX_JWT_LIFETIME_S) throw new JwtRejected('JWT lifetime (exp - iat) must not exceed 3600 seconds');
  if (exp <= now) throw new JwtRejected('JWT has expired');
  if (iat > now + JWT_SKEW_S) throw new JwtRejected('JWT iat is in the future');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + JWT_SKEW_S)) throw new JwtRejected('JWT is not valid yet (nbf)');
  return key;
}
