/**
 * What a signed-in request acts with: a `TrackerAuth` built from the user's sealed tokens,
 * plus the Set-Cookie value to send when those tokens were refreshed while serving it.
 *
 * Per session (keyed by its refresh token) one token source is kept for a while in a small,
 * bounded in-memory cache. That makes concurrent requests of one user share one refresh, and
 * requests that still carry the pre-rotation cookie (sent before the browser stored the new
 * one) get the rotated tokens and the new cookie instead of refreshing again with a refresh
 * token Yandex may already have replaced.
 */
import { createTrackerAuth } from '../auth.js';
import { userTokenSource } from '../oauth/user-token-source.js';
import { hideSecrets, REDACTED } from '../redact.js';
import type { FetchLike, OAuthTokenSet, RefreshOptions, TrackerAuth, TrackerOrg } from '../types.js';
import type { SessionPayload } from './session-codec.js';

/** The result of `OAuthFlow.userAuth(request)`. */
export interface UserAuth {
  /** Auth headers for this user's Tracker calls; an expired access token refreshes on use. */
  readonly auth: TrackerAuth;
  /**
   * A `Set-Cookie` header value re-sealing the user's tokens after a refresh (rotation), or
   * `undefined` while nothing changed. It reflects the latest refresh, so read it after your
   * Tracker calls finished and send it with the response; otherwise the next request refreshes
   * again from the old refresh token.
   */
  readonly setCookie?: string | undefined;
}

export interface UserAuthCacheOptions {
  org: TrackerOrg;
  oauth: { clientId: string; clientSecret: string; oauthUrl?: string | undefined; fetch?: FetchLike | undefined };
  refresh?: RefreshOptions | undefined;
  now: () => number;
  seal: (payload: SessionPayload) => Promise<string>;
  /** The Set-Cookie value for a sealed payload, with this request's cookie attributes. */
  cookie: (sealed: string, payload: SessionPayload, request: Request) => string;
}

export interface UserAuthCache {
  forSession(session: SessionPayload, request: Request): UserAuth;
  /** Drop a session's entry (sign-out). */
  forget(session: SessionPayload): void;
}

interface Entry {
  auth: TrackerAuth;
  /** The newest tokens of this session (after any rotation). */
  current: SessionPayload;
  /** `current`, sealed; set once a rotation happened. */
  sealed: string | undefined;
  lastUsed: number;
}

/** Sessions kept at once; the oldest idle one goes first. */
const MAX_ENTRIES = 5000;
/** An entry idle this long is rebuilt from the cookie on the next request. */
const IDLE_MS = 15 * 60 * 1000;

const keyOf = (session: SessionPayload) => session.r ?? `a:${session.a}`;

export function createUserAuthCache(options: UserAuthCacheOptions): UserAuthCache {
  const entries = new Map<string, Entry>();

  function create(session: SessionPayload): Entry {
    const tokens: OAuthTokenSet = { accessToken: session.a, refreshToken: session.r, tokenType: session.t, expiresAt: session.e, scope: session.s };
    const entry: Entry = { auth: undefined as unknown as TrackerAuth, current: session, sealed: undefined, lastUsed: 0 };
    const credentials = userTokenSource({
      ...options.oauth,
      tokens,
      refresh: options.refresh,
      // Awaited by the refresh engine before the new token is handed out, so `setCookie` is
      // ready as soon as the Tracker call that needed the refresh has its headers.
      onTokens: async (next) => {
        const current: SessionPayload = {
          ...entry.current,
          a: next.accessToken,
          r: next.refreshToken ?? entry.current.r,
          e: next.expiresAt,
          t: next.tokenType,
          s: next.scope ?? entry.current.s,
        };
        entry.sealed = await options.seal(current);
        entry.current = current;
      },
    });
    entry.auth = createTrackerAuth({ credentials, org: options.org });
    return entry;
  }

  function sweep(now: number): void {
    for (const [key, entry] of entries) {
      // Map order is least recently used first: stop at the first entry still in use.
      if (entries.size <= MAX_ENTRIES && now - entry.lastUsed < IDLE_MS) break;
      entries.delete(key);
    }
  }

  return {
    forSession(session, request) {
      const now = options.now();
      const key = keyOf(session);
      let entry = entries.get(key);
      if (entry !== undefined && now - entry.lastUsed >= IDLE_MS) entry = undefined;
      if (entry === undefined) entry = create(session);
      entries.delete(key);
      entry.lastUsed = now;
      entries.set(key, entry);
      sweep(now);
      const found = entry;
      const result: UserAuth = {
        auth: found.auth,
        get setCookie() {
          return found.sealed !== undefined && found.current.a !== session.a ? options.cookie(found.sealed, found.current, request) : undefined;
        },
      };
      // A sealed cookie is as good as the tokens inside it: never print it.
      return hideSecrets(result, () => ({ auth: found.auth, setCookie: result.setCookie === undefined ? undefined : REDACTED }), 'UserAuth');
    },
    forget(session) {
      entries.delete(keyOf(session));
    },
  };
}
