/**
 * The two sealed cookies of the sign-in flow and their payloads. Sealing itself is
 * `createSessionSealer` (AES-256-GCM, key rotation, sealed expiry); this module binds each
 * payload to its purpose (`tracker-auth.session` / `tracker-auth.login`, so one can never be
 * opened as the other) and checks the shape of what comes back.
 */
import { SessionError } from '../errors.js';
import { assertSessionSecrets } from '../session/keys.js';
import { createSessionSealer } from '../session/seal.js';

/** Sealed in the session cookie. Short keys: it travels with every request. */
export interface SessionPayload {
  /** OAuth access token. */
  a: string;
  /** OAuth refresh token, when Yandex issued one. */
  r?: string | undefined;
  /** Access token expiry, epoch ms. */
  e?: number | undefined;
  /**
   * When this access token was obtained (sign-in or last refresh), epoch ms: the refresh window
   * (`refresh.maxAgeMs`) counts from it, across restarts. Absent in cookies sealed before it existed.
   */
  n?: number | undefined;
  /** Token type as issued (`bearer`). */
  t: string;
  /** Granted scope, when Yandex reported it. */
  s?: string | undefined;
  /** Signed in at, epoch ms. */
  i: number;
  /** Session end (absolute, not extended by refreshes), epoch ms. */
  x: number;
}

/** Sealed in the login cookie between `login` and `callback`. */
export interface LoginPayload {
  /** OAuth state. */
  s: string;
  /** PKCE code verifier. */
  c: string;
  /** Where to go after sign-in (already checked same-origin). */
  r: string;
  /** Login cookie end, epoch ms. */
  x: number;
}

export interface SessionCodec {
  sealSession(payload: SessionPayload): Promise<string>;
  openSession(sealed: string, now: number): Promise<SessionPayload>;
  sealLogin(payload: LoginPayload): Promise<string>;
  openLogin(sealed: string, now: number): Promise<LoginPayload>;
}

const SESSION_PURPOSE = 'tracker-auth.session';
const LOGIN_PURPOSE = 'tracker-auth.login';

/**
 * The `typeof` each payload field may have (its payload came out of `JSON.parse`, so numbers
 * are finite); `undefined` among them marks an optional field.
 */
const SESSION_FIELDS = { a: 'string', t: 'string', i: 'number', x: 'number', r: 'string undefined', s: 'string undefined', e: 'number undefined', n: 'number undefined' };
const LOGIN_FIELDS = { s: 'string', c: 'string', r: 'string', x: 'number' };

/**
 * Bind sealing to the flow's secrets (validated now: a short secret fails at construction with
 * `INVALID_SECRET` naming `field`) and clock.
 */
export function createSessionCodec(secrets: string | readonly string[], field: string, now: () => number): SessionCodec {
  // Validated under the option's own name first, so the message names what the app passed.
  const sealer = createSessionSealer({ secrets: assertSessionSecrets(secrets, field), now });
  const seal = (purpose: string) => (payload: SessionPayload | LoginPayload) =>
    sealer.seal({ ...payload }, { purpose, ttlSeconds: Math.max(1, Math.ceil((payload.x - now()) / 1000)) });
  const open =
    <T>(purpose: string, fields: Record<string, string>, ended: string) =>
    async (sealed: string, at: number): Promise<T> => {
      const p = await sealer.unseal<Record<string, unknown>>(sealed, { purpose });
      // An empty access token is as unusable as none (a login payload has no `a`).
      if (p.a === '' || !Object.entries(fields).every(([key, types]) => types.includes(typeof p[key]))) {
        throw new SessionError('SESSION_INVALID', 'sealed session has an unexpected shape; sign in again.');
      }
      if (at >= (p.x as number)) throw new SessionError('SESSION_EXPIRED', ended);
      return p as T;
    };
  return {
    sealSession: seal(SESSION_PURPOSE),
    openSession: open(SESSION_PURPOSE, SESSION_FIELDS, 'the session has ended; sign in again.'),
    sealLogin: seal(LOGIN_PURPOSE),
    openLogin: open(LOGIN_PURPOSE, LOGIN_FIELDS, 'the sign-in attempt has expired; start again.'),
  };
}
