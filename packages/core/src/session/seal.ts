/**
 * Sealed sessions for user mode: a token set (or a short-lived sign-in state) becomes one
 * opaque, cookie-safe string, encrypted and authenticated with AES-256-GCM (WebCrypto).
 *
 * Format: `v1.<kid>.<base64url(iv)>.<base64url(ciphertext+tag)>`. The plaintext is JSON
 * `{ iat, exp, d }` (epoch ms); the additional data binds the version, key id and `purpose`,
 * so a login cookie cannot be replayed as a session cookie and a re-labelled key id fails.
 */
import { base64UrlDecode, base64UrlEncode, fromUtf8, randomBytes, utf8 } from '../encoding.js';
import { SessionError } from '../errors.js';
import { hideSecrets } from '../redact.js';
import type { OAuthTokenSet } from '../types.js';
import { isObject, optionFailer, type OptionFail } from '../validate.js';
import { assertSessionSecrets, sessionKey, type SessionKey } from './keys.js';

/**
 * What a session usually holds: the user's token set plus any fields of your own (user id,
 * sign-in state…). Anything JSON-serializable can be sealed; this is the default shape.
 */
export interface SessionData {
  tokens?: OAuthTokenSet | undefined;
  [field: string]: unknown;
}

export interface SessionKeyOptions {
  /** App secret(s), newest first: seal with the first, unseal with any (key rotation). ≥ 32 bytes each. */
  secrets: string | readonly string[];
  /** What the value is for, bound into the seal (default `session`; e.g. `login` for the sign-in cookie). */
  purpose?: string | undefined;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface SealOptions extends SessionKeyOptions {
  /** Lifetime of the sealed value, seconds (default 30 days, at most 400 days). */
  ttlSeconds?: number | undefined;
}

export type UnsealOptions = SessionKeyOptions;

/** Sealing bound to validated secrets: see {@link createSessionSealer}. */
export interface SessionSealer {
  seal<T extends object = SessionData>(data: T, options?: { ttlSeconds?: number; purpose?: string }): Promise<string>;
  unseal<T extends object = SessionData>(sealed: string, options?: { purpose?: string }): Promise<T>;
}

export const DEFAULT_SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
const MAX_TTL_SECONDS = 400 * 24 * 60 * 60;
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Refuse to decrypt anything bigger: a sealed value is a cookie, not an upload. */
const MAX_SEALED_LENGTH = 64 * 1024;
const PURPOSE = /^[A-Za-z0-9:._-]{1,64}$/;
/** `v1.<kid>.<iv>.<body>`, base64url; a 12-byte IV is always 16 characters, and canonical. */
const SEALED = /^v1\.([\w-]{8})\.([\w-]{16})\.([\w-]+)$/;

function checkPurpose(purpose: unknown, fail: OptionFail): string {
  return typeof purpose === 'string' && PURPOSE.test(purpose) ? purpose : fail('purpose', "must be 1 to 64 characters of A-Z a-z 0-9 : . _ -, e.g. 'login'");
}

function checkTtl(ttl: unknown, fail: OptionFail): number {
  // The comparisons refuse NaN and Infinity too.
  return typeof ttl === 'number' && ttl > 0 && ttl <= MAX_TTL_SECONDS ? ttl : fail('ttlSeconds', 'must be a number of seconds above 0 and at most 34560000 (400 days)');
}

/** AES-GCM parameters; the additional data binds the version, key id and purpose. */
function gcm(iv: Uint8Array<ArrayBuffer>, kid: string, purpose: string): AesGcmParams {
  return { name: 'AES-GCM', iv, additionalData: utf8(`tracker-auth.${VERSION}.${kid}.${purpose}`) };
}

function invalid(): never {
  throw new SessionError('SESSION_INVALID', 'sealed session is invalid (tampered, truncated, or another secret or purpose); sign in again.');
}

async function unseal(keys: readonly Promise<SessionKey>[], sealed: unknown, purpose: string, now: number): Promise<unknown> {
  const match = typeof sealed === 'string' && sealed.length <= MAX_SEALED_LENGTH ? SEALED.exec(sealed) : null;
  if (!match) return invalid();
  const [, kid, ivText, bodyText] = match as unknown as [string, string, string, string];
  const iv = base64UrlDecode(ivText)!;
  const body = base64UrlDecode(bodyText);
  // Only the canonical encoding is accepted, so one sealed value has exactly one spelling.
  if (body === undefined || body.length <= TAG_BYTES || base64UrlEncode(body) !== bodyText) invalid();

  // The key whose id matches goes first (a stable sort); the others still get a try (an id collision is possible).
  const ordered = (await Promise.all(keys)).sort((a, b) => Number(b.kid === kid) - Number(a.kid === kid));
  let plaintext: ArrayBuffer | undefined;
  for (const { key } of ordered) {
    try {
      plaintext = await crypto.subtle.decrypt(gcm(iv, kid, purpose), key, body);
      break;
    } catch {
      // Wrong key, tampered data or another purpose: WebCrypto cannot tell these apart, neither do we.
    }
  }
  if (plaintext === undefined) invalid();

  let payload: unknown;
  try {
    payload = JSON.parse(fromUtf8(new Uint8Array(plaintext)));
  } catch {
    return invalid();
  }
  const { exp, d } = (payload ?? {}) as { exp?: unknown; d?: unknown };
  if (typeof exp !== 'number' || typeof d !== 'object' || d === null) invalid();
  if (now >= exp) throw new SessionError('SESSION_EXPIRED', 'sealed session has expired; sign in again.');
  return d;
}

/**
 * The sealer of `options`, checked for `fn` (whose name the messages carry): secrets, purpose,
 * lifetime and clock once, per-call `ttlSeconds`/`purpose` when given.
 */
function sealerOf(options: SealOptions, fn: string): SessionSealer {
  const fail = optionFailer(fn);
  const secrets = assertSessionSecrets(options?.secrets);
  const { purpose: defaultPurpose = 'session', ttlSeconds: defaultTtl = DEFAULT_SESSION_TTL_SECONDS, now = Date.now } = options;
  const purpose = checkPurpose(defaultPurpose, fail);
  const ttl = checkTtl(defaultTtl, fail);
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch milliseconds');
  const keys = secrets.map(sessionKey);
  // Derivation failures surface on first use; keep them from becoming unhandled rejections now.
  for (const key of keys) key.catch(() => undefined);
  const sealer: SessionSealer = {
    async seal(data, perCall = {}) {
      const ttlSeconds = checkTtl(perCall.ttlSeconds ?? ttl, fail);
      const bound = checkPurpose(perCall.purpose ?? purpose, fail);
      const at = now();
      if (!isObject(data)) fail('data', 'must be a plain object, e.g. { tokens }');
      let json: string;
      try {
        json = JSON.stringify({ iat: at, exp: at + Math.round(ttlSeconds * 1000), d: data });
      } catch {
        return fail('data', 'must be JSON-serializable (no BigInt, no cycles)');
      }
      const { kid, key } = await keys[0]!;
      const iv = randomBytes(IV_BYTES);
      const ciphertext = await crypto.subtle.encrypt(gcm(iv, kid, bound), key, utf8(json));
      return `${VERSION}.${kid}.${base64UrlEncode(iv)}.${base64UrlEncode(ciphertext)}`;
    },
    unseal: async (sealed, perCall = {}) => (await unseal(keys, sealed, checkPurpose(perCall.purpose ?? purpose, fail), now())) as never,
  };
  return hideSecrets(sealer, () => ({ secrets: secrets.length, purpose, ttlSeconds: ttl }), 'SessionSealer');
}

/**
 * Seal session data into an opaque, cookie-safe string (AES-256-GCM, key from HKDF-SHA-256
 * of the newest secret). The expiry is sealed inside and checked by {@link unsealSession}.
 *
 * @throws {ConfigurationError} `INVALID_SECRET` for missing/short secrets, `INVALID_OPTION` for bad data/ttl/purpose
 * @example
 * const cookie = await sealSession({ tokens }, { secrets: [process.env.SESSION_SECRET!], ttlSeconds: 7 * 86400 });
 */
export async function sealSession<T extends object = SessionData>(data: T, options: SealOptions): Promise<string> {
  return sealerOf(options, 'sealSession').seal(data);
}

/**
 * Open a value made by {@link sealSession} with any of `secrets` (key rotation) and the same
 * `purpose`. Anything tampered, truncated, foreign or malformed is a {@link SessionError}
 * `SESSION_INVALID`; past its expiry, `SESSION_EXPIRED`. Never a crash, never the value in a message.
 *
 * @example
 * const session = await unsealSession(req.cookies.session, { secrets: [newSecret, oldSecret] });
 */
export async function unsealSession<T extends object = SessionData>(sealed: string, options: UnsealOptions): Promise<T> {
  return sealerOf(options, 'unsealSession').unseal<T>(sealed);
}

/**
 * Validate secrets and defaults once (at construction, so a short secret fails at startup) and
 * get `seal`/`unseal` bound to them. Per-call `ttlSeconds`/`purpose` override the defaults.
 *
 * @example
 * const sessions = createSessionSealer({ secrets: [process.env.SESSION_SECRET!] });
 * const login = await sessions.seal({ state, codeVerifier, returnTo }, { purpose: 'login', ttlSeconds: 600 });
 * const { state: expected } = await sessions.unseal<{ state: string }>(login, { purpose: 'login' });
 */
export function createSessionSealer(options: SealOptions): SessionSealer {
  return sealerOf(options, 'createSessionSealer');
}
