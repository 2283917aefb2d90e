/**
 * What a signed-in request acts with: a `TrackerAuth` built from the user's sealed tokens,
 * plus the Set-Cookie value to send when those tokens were refreshed while serving it.
 *
 * Per session (keyed by its refresh token) one token source is kept for a while in a small,
 * bounded in-memory cache. That makes concurrent requests of one user share one refresh, and
 * requests that still carry the pre-rotation cookie (sent before the browser stored the new
 * one) get the rotated tokens and the new cookie instead of refreshing again with a refresh
 * token Yandex may already have replaced.
 *
 * With a shared {@link TokenStore} (several app instances behind a load balancer), the current
 * tokens of each session also live in the store, under `oauth:user:sha256:<SHA-256 of the
 * cookie's refresh token>` (never the token itself: store keys may be visible, e.g. in Redis).
 * Then the instance that refreshes first writes the rotated tokens there, and another instance
 * that gets the same pre-rotation cookie serves them (and re-seals the cookie) instead of
 * replaying a refresh token Yandex has already rotated away.
 */
import { createTrackerAuth } from '../auth.js';
import { userTokenSource } from '../oauth/user-token-source.js';
import { base64UrlEncode, utf8 } from '../encoding.js';
import { hideSecrets, REDACTED } from '../redact.js';
import type { AccessToken, FetchLike, OAuthTokenSet, RefreshOptions, TokenSource, TokenStore, TrackerAuth, TrackerOrg } from '../types.js';
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
  /** Shared store of the sessions' current tokens (several app instances); default none. */
  store?: TokenStore | undefined;
  now: () => number;
  seal: (payload: SessionPayload) => Promise<string>;
  /** The Set-Cookie value for a sealed payload, with this request's cookie attributes. */
  cookie: (sealed: string, payload: SessionPayload, request: Request) => string;
}

export interface UserAuthCache {
  forSession(session: SessionPayload, request: Request): Promise<UserAuth>;
  /** Drop a session's entry (sign-out), here and in the shared store. */
  forget(session: SessionPayload): Promise<void>;
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

/**
 * The shared-store key of a session: a SHA-256 fingerprint of its refresh token (WebCrypto), so
 * the key names the session without revealing anything usable. Sessions without a refresh token
 * never rotate and need no sharing.
 */
async function storeKeyOf(session: SessionPayload): Promise<string | undefined> {
  if (session.r === undefined) return undefined;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', utf8(session.r));
  return `oauth:user:sha256:${base64UrlEncode(digest)}`;
}

export function createUserAuthCache(options: UserAuthCacheOptions): UserAuthCache {
  const entries = new Map<string, Entry>();

  const store = options.store;

  function create(session: SessionPayload, storeKey: string | undefined): Entry {
    const tokens: OAuthTokenSet = { accessToken: session.a, refreshToken: session.r, tokenType: session.t, expiresAt: session.e, scope: session.s };
    const entry: Entry = { auth: undefined as unknown as TrackerAuth, current: session, sealed: undefined, lastUsed: 0 };
    const shared = store !== undefined && storeKey !== undefined ? { store, id: storeKey } : {};
    const credentials = userTokenSource({
      ...options.oauth,
      ...shared,
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
    if (store === undefined || storeKey === undefined) {
      entry.auth = createTrackerAuth({ credentials, org: options.org });
      return entry;
    }
    const sharedStore = store;
    const sharedKey = storeKey;
    // A token this instance did not refresh itself came from the shared store (another instance
    // rotated this session): take the stored tokens into the session, so `setCookie` re-seals them.
    async function adopt(access: AccessToken): Promise<void> {
      if (access.token === entry.current.a) return;
      const stored = await sharedStore.get(sharedKey);
      if (stored === undefined || stored.token !== access.token || stored.token === entry.current.a) return;
      const current: SessionPayload = {
        ...entry.current,
        a: stored.token,
        r: stored.refreshToken ?? entry.current.r,
        e: stored.expiresAt,
      };
      const sealed = await options.seal(current);
      entry.sealed = sealed;
      entry.current = current;
    }
    const synced: TokenSource = {
      id: credentials.id,
      kind: credentials.kind,
      async getToken(getOptions) {
        const access = await credentials.getToken(getOptions);
        await adopt(access);
        return access;
      },
      invalidate: (token) => credentials.invalidate(token),
    };
    entry.auth = createTrackerAuth({ credentials: hideSecrets(synced, () => ({ id: synced.id, kind: synced.kind }), 'TokenSource'), org: options.org });
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
    async forSession(session, request) {
      const now = options.now();
      const key = keyOf(session);
      const live = () => {
        const found = entries.get(key);
        return found !== undefined && now - found.lastUsed < IDLE_MS ? found : undefined;
      };
      let entry = live();
      if (entry === undefined) {
        // The store key (a SHA-256) is only needed to build an entry, not on every request.
        const storeKey = store === undefined ? undefined : await storeKeyOf(session);
        // Look again after the await: a concurrent first request may have built the entry,
        // and two entries would mean two refresh engines for one session.
        entry = live() ?? create(session, storeKey);
      }
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
    async forget(session) {
      entries.delete(keyOf(session));
      const storeKey = store === undefined ? undefined : await storeKeyOf(session);
      if (store !== undefined && storeKey !== undefined) await store.delete(storeKey);
    },
  };
}
