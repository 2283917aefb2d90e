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

const isOptionalNumber = (value: unknown) => value === undefined || (typeof value === 'number' && Number.isFinite(value));
const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

function malformed(): never {
  throw new SessionError('SESSION_INVALID', 'sealed session has an unexpected shape; sign in again.');
}

/**
 * Bind sealing to the flow's secrets (validated now: a short secret fails at construction with
 * `INVALID_SECRET` naming `field`) and clock.
 */
export function createSessionCodec(secrets: string | readonly string[], field: string, now: () => number): SessionCodec {
  // Validated under the option's own name first, so the message names what the app passed.
  const sealer = createSessionSealer({ secrets: assertSessionSecrets(secrets, field), now });
  const ttl = (end: number) => Math.max(1, Math.ceil((end - now()) / 1000));
  return {
    sealSession: (payload) => sealer.seal({ ...payload }, { purpose: SESSION_PURPOSE, ttlSeconds: ttl(payload.x) }),
    async openSession(sealed, at) {
      const p = await sealer.unseal<Record<string, unknown>>(sealed, { purpose: SESSION_PURPOSE });
      if (
        typeof p.a !== 'string' ||
        p.a === '' ||
        typeof p.t !== 'string' ||
        typeof p.i !== 'number' ||
        typeof p.x !== 'number' ||
        !isOptionalString(p.r) ||
        !isOptionalString(p.s) ||
        !isOptionalNumber(p.e) ||
        !isOptionalNumber(p.n)
      ) {
        malformed();
      }
      if (at >= p.x) throw new SessionError('SESSION_EXPIRED', 'the session has ended; sign in again.');
      return p as unknown as SessionPayload;
    },
    sealLogin: (payload) => sealer.seal({ ...payload }, { purpose: LOGIN_PURPOSE, ttlSeconds: ttl(payload.x) }),
    async openLogin(sealed, at) {
      const p = await sealer.unseal<Record<string, unknown>>(sealed, { purpose: LOGIN_PURPOSE });
      if (typeof p.s !== 'string' || typeof p.c !== 'string' || typeof p.r !== 'string' || typeof p.x !== 'number') malformed();
      if (at >= p.x) throw new SessionError('SESSION_EXPIRED', 'the sign-in attempt has expired; start again.');
      return p as unknown as LoginPayload;
    },
  };
}
