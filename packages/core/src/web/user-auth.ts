/**
 * What a signed-in request acts with: a `TrackerAuth` built from the user's sealed tokens,
 * plus the cookie to send when those tokens changed while serving it.
 *
 * Per session one entry (see user-session.ts) is kept in a small, bounded in-memory cache,
 * indexed by every refresh token the session has had. That makes concurrent requests of one user
 * share one refresh, and requests that still carry the pre-rotation cookie get the rotated tokens
 * and the new cookie instead of refreshing again with a refresh token Yandex already replaced.
 *
 * No rotation is held only in memory: a request that finds its token due waits for the refresh
 * (bounded by `refresh.timeoutMs`) so its own response carries the new cookie, and a rotation no
 * response has delivered yet is pinned (kept past the idle time) until a request arrives with the
 * new cookie or the session ends. A refused refresh token marks the session dead (see
 * dead-sessions.ts): its cookie is cleared and no further OAuth call is made for it.
 */
import { createTrackerAuth } from '../auth.js';
import { SignInRequiredError } from '../errors.js';
import type { TrackerAuthEventHandler } from '../events.js';
import { hideSecrets, REDACTED } from '../redact.js';
import type { ResolvedRefreshOptions } from '../refresh/refresh-policy.js';
import type { FetchLike, TokenStore, TrackerAuth, TrackerOrg } from '../types.js';
import type { SessionCookie } from './cookies.js';
import { createDeadSessions, sessionFingerprint, sessionKeyOf as keyOf } from './dead-sessions.js';
import type { SessionPayload } from './session-codec.js';
import { createSessionEntry, storeKeyOf, tokensDiffer, type SessionEntry, type SessionEntryOptions } from './user-session.js';

/** The result of `OAuthFlow.userAuth(request)`. */
export interface UserAuth {
  /**
   * Auth headers for this user's Tracker calls; an expired access token refreshes on use. Once
   * the session is dead (`signedIn` false), every call rejects with `SignInRequiredError`
   * without contacting Yandex.
   */
  readonly auth: TrackerAuth;
  /**
   * Cookies to send with the response: the re-sealed session after its tokens changed (any of
   * access token, refresh token or expiry), a clearing cookie once the session is dead, or none
   * while nothing changed. A getter reflecting the latest state: read it when the response's
   * headers go out (core/node's `deliverSessionCookies` does), after your Tracker calls.
   */
  readonly cookies: readonly SessionCookie[];
  /**
   * `false` once Yandex refused the session's refresh token (revoked, expired or rotated away):
   * treat the request as signed out and send `cookies` (they clear the session cookie). `true` (or
   * absent, in a `UserAuth` made by hand) otherwise.
   */
  readonly signedIn?: boolean | undefined;
}

export interface UserAuthCacheOptions {
  org: TrackerOrg;
  oauth: { clientId: string; clientSecret: string; oauthUrl?: string | undefined; fetch?: FetchLike | undefined };
  /** The flow's refresh options, resolved (user-token defaults applied); its clock is the flow's. */
  policy: ResolvedRefreshOptions;
  /** Shared store of the sessions' current tokens (several app instances); default none. */
  store?: TokenStore | undefined;
  seal: (payload: SessionPayload) => Promise<string>;
  /** The session cookie for a sealed payload, with this request's cookie attributes. */
  cookie: (request: Request, sealed: string, payload: SessionPayload) => SessionCookie;
  /** The cookie deleting the session cookie, with this request's attributes. */
  clearCookie: (request: Request) => SessionCookie;
  /** Observer of the sessions' `refresh.*`, `session.rotated` and `session.dead` events. */
  onEvent?: TrackerAuthEventHandler | undefined;
}

export interface UserAuthCache {
  /** The user's auth for this request; a due or expired token is refreshed before it resolves. */
  forSession(session: SessionPayload, request: Request): Promise<UserAuth>;
  /** The newest known tokens of a session, or `undefined` when it is dead. No network. */
  current(session: SessionPayload): Promise<SessionPayload | undefined>;
  /** Drop a session's entry (sign-out), here and in the shared store. */
  forget(session: SessionPayload): Promise<void>;
}

/** Cache keys held at once (an entry has one per refresh token); the least recently used go first. */
const MAX_ENTRIES = 5000;
/** An unpinned entry idle this long is rebuilt from the cookie on the next request. */
const IDLE_MS = 15 * 60 * 1000;
/** How often idle entries are looked for, at most (and whenever the cache is over its size). */
const SWEEP_EVERY_MS = 60 * 1000;


export function createUserAuthCache(options: UserAuthCacheOptions): UserAuthCache {
  const { policy, store } = options;
  const entries = new Map<string, SessionEntry>();
  const dead = createDeadSessions(policy.now);
  let lastSweep = -Infinity;

  const deadSource = {
    id: 'oauth:user:signed-out',
    kind: 'oauth' as const,
    getToken: () => Promise.reject(new SignInRequiredError('Sign in with Yandex again: this session has ended.')),
  };
  const deadAuth = createTrackerAuth({ credentials: deadSource, org: options.org });

  function index(key: string, entry: SessionEntry): void {
    // Map order is least recently used first.
    entries.delete(key);
    entries.set(key, entry);
  }

  const entryOptions: SessionEntryOptions = {
    ...options,
    dead,
    // Indexed under the new refresh token too: the request carrying the new cookie finds the same
    // entry, which tells that the rotation was delivered.
    onRotated: (entry) => index(keyOf(entry.current), entry),
  };

  function usable(entry: SessionEntry | undefined, now: number): entry is SessionEntry {
    return entry !== undefined && (now - entry.lastUsed < IDLE_MS || (entry.pinned && !entry.dead && now < entry.current.x));
  }

  function sweep(now: number): void {
    if (entries.size <= MAX_ENTRIES && now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    for (const [key, entry] of entries) {
      if (!usable(entry, now)) entries.delete(key);
    }
    // Memory stays bounded even when everything is pinned: the oldest go first.
    for (const key of entries.keys()) {
      if (entries.size <= MAX_ENTRIES) break;
      entries.delete(key);
    }
  }

  /** The session's entry, or `undefined` when the session is known dead. */
  async function entryFor(session: SessionPayload, now: number): Promise<SessionEntry | undefined> {
    const key = keyOf(session);
    let entry = entries.get(key);
    if (!usable(entry, now)) {
      const fingerprint = await sessionFingerprint(session);
      if (dead.has(fingerprint)) return undefined;
      // Look again after the await: a concurrent first request may have built the entry, and
      // two entries would mean two refresh engines for one session.
      entry = entries.get(key);
      if (!usable(entry, now)) entry = createSessionEntry(session, fingerprint, entryOptions);
    }
    entry.lastUsed = now;
    index(key, entry);
    sweep(now);
    return entry;
  }

  function userAuthOf(entry: SessionEntry | undefined, session: SessionPayload, request: Request): UserAuth {
    const result: UserAuth = {
      auth: entry?.auth ?? deadAuth,
      get signedIn() {
        return entry !== undefined && !entry.dead;
      },
      get cookies() {
        if (entry === undefined || entry.dead) return [options.clearCookie(request)];
        return entry.sealed !== undefined && tokensDiffer(entry.current, session) ? [options.cookie(request, entry.sealed, entry.current)] : [];
      },
    };
    // A sealed cookie is as good as the tokens inside it: never print it.
    return hideSecrets(
      result,
      () => ({ ...result, cookies: result.cookies.map(({ name }) => `${name}=${REDACTED}`) }),
      'UserAuth',
    );
  }

  return {
    async forSession(session, request) {
      const entry = await entryFor(session, policy.now());
      if (entry === undefined || entry.dead) return userAuthOf(undefined, session, request);
      // The browser sent the newest cookie: the rotation reached it, nothing is pinned any more.
      if (!tokensDiffer(entry.current, session)) entry.pinned = false;
      await entry.update();
      return userAuthOf(entry, session, request);
    },
    async current(session) {
      const entry = entries.get(keyOf(session));
      if (usable(entry, policy.now())) return entry.dead ? undefined : entry.current;
      return dead.has(await sessionFingerprint(session)) ? undefined : session;
    },
    async forget(session) {
      const key = keyOf(session);
      const entry = entries.get(key);
      const fingerprints = new Set(entry?.fingerprints);
      fingerprints.add(await sessionFingerprint(session));
      entries.delete(key);
      // And every other key of the entry (one per refresh token it has had); sign-out is rare.
      for (const [other, value] of entries) if (value === entry) entries.delete(other);
      if (store === undefined || session.r === undefined) return;
      for (const fingerprint of fingerprints) await store.delete(storeKeyOf(fingerprint));
    },
  };
}
