/**
 * Session keys: app secrets (newest first) → AES-256-GCM keys via HKDF-SHA-256, each with a
 * short key id so unsealing tries the right key first. WebCrypto only (docs/architecture.md principle 1).
 */
import { base64UrlEncode, utf8 } from '../encoding.js';
import { ConfigurationError } from '../errors.js';

/** The shortest app secret accepted for sealing, in UTF-8 bytes. */
export const MIN_SECRET_BYTES = 32;

/** A derived key and its public id. The id is an HKDF output, so it reveals nothing of the secret. */
export interface SessionKey {
  readonly kid: string;
  readonly key: CryptoKey;
}

const SALT = utf8('tracker-auth/session');
const INFO_KEY = utf8('tracker-auth session v1 aes-256-gcm');
const INFO_KID = utf8('tracker-auth session v1 key id');
/** Derived keys are cached per secret; bounded so a caller passing fresh secrets cannot grow it forever. */
const CACHE_LIMIT = 64;
const cache = new Map<string, Promise<SessionKey>>();

/**
 * Check the `secrets` option of sealing (a string or a non-empty list, newest first; each at
 * least {@link MIN_SECRET_BYTES} bytes) and return it as a list. Call it at construction.
 *
 * @throws {ConfigurationError} `INVALID_SECRET`, naming `field` or `field[i]`, never the value
 * @example
 * const secrets = assertSessionSecrets(process.env.SESSION_SECRETS?.split(','), 'SESSION_SECRETS');
 */
export function assertSessionSecrets(secrets: unknown, field = 'secrets'): string[] {
  const fail = (at: string, problem: string): never => {
    throw new ConfigurationError('INVALID_SECRET', at, `${at} ${problem}; generate one with \`openssl rand -base64 32\`.`);
  };
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0) fail(field, 'must be a secret string or a non-empty list of them (newest first)');
  return (list as unknown[]).map((secret, index) => {
    const at = typeof secrets === 'string' ? field : `${field}[${index}]`;
    if (typeof secret !== 'string') return fail(at, 'must be a string');
    if (utf8(secret).length < MIN_SECRET_BYTES) fail(at, `is shorter than ${MIN_SECRET_BYTES} bytes`);
    return secret;
  });
}

async function derive(secret: string): Promise<SessionKey> {
  const base = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const hkdf = (info: Uint8Array<ArrayBuffer>) => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info });
  const key = await crypto.subtle.deriveKey(hkdf(INFO_KEY), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const kidBits = await crypto.subtle.deriveBits(hkdf(INFO_KID), base, 48);
  return { kid: base64UrlEncode(kidBits), key };
}

/** The key of one (already validated) secret, derived once and cached. */
export function sessionKey(secret: string): Promise<SessionKey> {
  let entry = cache.get(secret);
  if (!entry) {
    entry = derive(secret);
    // A failed derivation must not stick in the cache.
    entry.catch(() => cache.delete(secret));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(secret, entry);
  }
  return entry;
}
