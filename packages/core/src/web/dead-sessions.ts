/**
 * Sessions whose refresh token Yandex refused (`invalid_grant`: revoked, expired, or rotated
 * away), remembered for a while so that every further request with that cookie is answered
 * "signed out" at once instead of costing one more OAuth call each.
 *
 * Keyed by a SHA-256 fingerprint of the refresh token (never the token), bounded in size, and
 * expiring: a dead refresh token never comes back to life, so forgetting one only costs a single
 * extra refusal from Yandex.
 */
import { base64UrlEncode, utf8 } from '../encoding.js';
import type { SessionPayload } from './session-codec.js';

/** Fingerprints kept at once; the oldest goes first. */
const MAX_DEAD = 10_000;
/** How long a dead session is remembered, ms (its cookie is cleared on the first answer anyway). */
const DEAD_TTL_MS = 24 * 60 * 60 * 1000;

/** What identifies a session: its refresh token, or its access token when it has none. */
export const sessionKeyOf = (session: Pick<SessionPayload, 'a' | 'r'>) => session.r ?? `a:${session.a}`;

/**
 * The fingerprint of a session's {@link sessionKeyOf} key: base64url SHA-256 (WebCrypto). It
 * names the session without revealing anything usable.
 */
export async function sessionFingerprint(session: Pick<SessionPayload, 'a' | 'r'>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(sessionKeyOf(session)));
  return base64UrlEncode(digest);
}

export interface DeadSessions {
  has(fingerprint: string): boolean;
  /** Remember `fingerprint` as dead until `until` (epoch ms) at the latest. */
  add(fingerprint: string, until: number): void;
  readonly size: number;
}

export function createDeadSessions(now: () => number): DeadSessions {
  const dead = new Map<string, number>();
  return {
    has(fingerprint) {
      const until = dead.get(fingerprint);
      if (until === undefined) return false;
      if (now() < until) return true;
      dead.delete(fingerprint);
      return false;
    },
    add(fingerprint, until) {
      dead.delete(fingerprint);
      dead.set(fingerprint, Math.min(until, now() + DEAD_TTL_MS));
      // Insertion order is oldest first.
      for (const key of dead.keys()) {
        if (dead.size <= MAX_DEAD) break;
        dead.delete(key);
      }
    },
    get size() {
      return dead.size;
    },
  };
}
