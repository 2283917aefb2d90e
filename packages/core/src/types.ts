/**
 * Shared types of @tracker-auth/core: the contract between token sources, the refresh
 * engine, the header builder, the Tracker client and the framework adapters.
 */
import type { TrackerAuthEventHandler } from './events.js';

/**
 * The organization Tracker is linked to: exactly one of
 * - `{ orgId }`: a Yandex 360 for Business organization (numeric id) → `X-Org-ID`;
 * - `{ cloudOrgId }`: a Yandex Cloud Organization (e.g. `bpf…`) → `X-Cloud-Org-ID`.
 *
 * When Tracker is linked to both kinds, use `orgId` (docs/yandex-api.md 1.3).
 */
export type TrackerOrg =
  | { orgId: string; cloudOrgId?: undefined }
  | { cloudOrgId: string; orgId?: undefined };

/** `oauth` → `Authorization: OAuth <t>`; `iam` → `Authorization: Bearer <t>`. */
export type TokenKind = 'oauth' | 'iam';

/** A credential ready to put into a Tracker request. */
export interface AccessToken {
  /** The raw token, without a scheme word. Never log it. */
  readonly token: string;
  readonly kind: TokenKind;
  /** When the token stops working, epoch milliseconds; undefined when unknown / static. */
  readonly expiresAt?: number | undefined;
  /** When the token was obtained, epoch milliseconds; undefined for static tokens. */
  readonly issuedAt?: number | undefined;
}

export interface GetTokenOptions {
  /**
   * Skip the cache and obtain a new token (single-flight all the same). Within the forced-refresh
   * cooldown ({@link RefreshOptions.forcedRefreshCooldownMs}) the token the last forced refresh
   * produced is served instead.
   */
  forceRefresh?: boolean | undefined;
  /**
   * When the cached token is due (inside the refresh window, still valid), wait for its refresh
   * instead of serving it and refreshing in the background (single-flight all the same). Not a
   * forced refresh: the forced-refresh cooldown never holds it back. If the refresh fails, the
   * still-valid token is served. A fresh token is served at once; an expired one is always
   * waited for. Used where the caller must see the refreshed token now (user mode, to put a
   * rotated session in this response's cookie). Default `false`.
   */
  waitIfDue?: boolean | undefined;
  /** Aborts waiting for this call; an in-flight refresh shared with others keeps going. */
  signal?: AbortSignal | undefined;
}

/**
 * Anything that yields a token: static tokens, IAM exchanges, the metadata service, a signed-in
 * user's OAuth token. Sources that fetch tokens cache them and refresh single-flight.
 */
export interface TokenSource {
  readonly kind: TokenKind;
  /**
   * A stable, non-secret identifier of this credential (e.g. `iam:sa:<serviceAccountId>`),
   * used as the {@link TokenStore} key and in diagnostics. Never contains the secret itself.
   */
  readonly id: string;
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /**
   * Drop the cached token if it is still `token` (the value that got a 401), so that the next
   * `getToken()` obtains a new one. A no-op when the cache already holds something newer, so
   * N concurrent 401s with the same stale token cause one refresh, not N.
   *
   * May resolve to `false` to say "the next `getToken()` serves this same token again" (a token
   * within its forced-refresh cooldown, see {@link RefreshOptions.forcedRefreshCooldownMs}, or a
   * static token that cannot be refreshed): clients then skip the replay, which would only be
   * refused again. `true` or nothing: replay.
   */
  invalidate?(token?: string): void | boolean | Promise<void | boolean>;
  /**
   * A copy of this source with app-wide settings filled in where the source has none of its own
   * (its own `store` and `onEvent` win; `refresh` is merged, its own values winning). This is how
   * `createTrackerAuth({ credentials, store, refresh, onEvent })` configures the source it is
   * given: the one place those options reach a source. Every fetching source of this library
   * has it; static tokens return themselves (nothing to store or refresh). A custom source may
   * implement it; without it, `createTrackerAuth()` refuses `store`/`refresh` instead of
   * ignoring them.
   *
   * @example
   * const shared = iamFromServiceAccountKey({ key }).withDefaults({ store: redisStore, refresh: { retries: 5 } });
   */
  withDefaults?(defaults: TokenSourceDefaults): TokenSource;
}

/** Settings a token source takes from its app (see {@link TokenSource.withDefaults}). */
export interface TokenSourceDefaults {
  /** Where tokens are cached, e.g. a store shared over Redis. */
  store?: TokenStore | undefined;
  /** Refresh window, retries and timeouts, merged under the source's own. */
  refresh?: RefreshOptions | undefined;
  /** Observer of the source's `refresh.*` events. */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** What a {@link TokenStore} keeps per credential. Serializable (JSON) on purpose. */
export interface StoredToken {
  token: string;
  kind: TokenKind;
  expiresAt?: number | undefined;
  issuedAt?: number | undefined;
  /** OAuth refresh token of a user-mode credential, when there is one. */
  refreshToken?: string | undefined;
}

/**
 * Where cached tokens live. The in-memory default is per process; implement this over Redis
 * or a database so several app instances share one token (and one refresh cadence).
 *
 * Contract: `get` returns the last value `set` for the key (or `undefined`), `delete` removes
 * it. A store shared by several instances should also implement {@link TokenStore.lock}, so
 * they refresh a credential once instead of once each. Reads are on every request's path: a
 * shared store keeps a short local cache in front of the network (a valid, non-expired value
 * may be served from it) but never serves an expired value from that cache.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined> | StoredToken | undefined;
  /**
   * Store `value`. `ttlMs`, when given, is how long the value is worth keeping (the engine
   * passes the time to the token's expiry): a store may drop it after that. Stores that ignore
   * the argument stay correct.
   */
  set(key: string, value: StoredToken, ttlMs?: number): Promise<void> | void;
  delete(key: string): Promise<void> | void;
  /**
   * Optional: a lock per key, so that one instance refreshes while the others wait for the
   * value it stores. Resolves a {@link TokenStoreLock} when this caller got the lock,
   * `undefined` when another holder has it (the engine then waits for the stored result,
   * trying again, and refreshes itself once the lock is free). A rejection means the store
   * cannot coordinate right now (e.g. unreachable): the engine refreshes locally.
   *
   * The lock must expire by itself after `ttlMs` (a holder that died frees it) and be released
   * only by its holder.
   */
  lock?(key: string, options: { ttlMs: number }): Promise<TokenStoreLock | undefined>;
}

/** A lock got from {@link TokenStore.lock}: a fenced write and a release by its holder only. */
export interface TokenStoreLock {
  /** Increases with every lock granted for the key; a write carries it (fencing). */
  readonly fence: number;
  /**
   * Store `value` unless a holder with a higher fence already stored one (this lock expired
   * and someone else refreshed meanwhile). Resolves whether the value was written.
   */
  set(value: StoredToken, ttlMs?: number): Promise<boolean>;
  /** Free the lock if this caller still holds it; never frees another holder's lock. */
  release(): Promise<void>;
}

/** Tuning of the expiry-driven refresh (docs/architecture.md principle 6). */
export interface RefreshOptions {
  /** Refresh once a token is this old, ms. Default 1 hour. */
  maxAgeMs?: number;
  /** Refresh when this close to `expiresAt`, ms. Default 5 minutes. */
  earlyMs?: number;
  /** Extra attempts per refresh after the first, for retryable failures (429, 5xx, network). Default 3 (so at most 4 calls). */
  retries?: number;
  /** First backoff delay, ms; doubles per attempt, capped by `maxBackoffMs`. Default 200. */
  backoffMs?: number;
  /** Upper bound of one backoff (and of an honoured `Retry-After`), ms. Default 5000. */
  maxBackoffMs?: number;
  /** Timeout of one upstream token call, ms. Default 10 000. */
  timeoutMs?: number;
  /**
   * After a forced refresh (a 401 passed to `invalidate()`, or `getToken({ forceRefresh: true })`),
   * the token it produced is not force-refreshed again for this long, ms: within the window
   * `invalidate(thatToken)` keeps it (and resolves `false`), `forceRefresh` serves it, so a
   * Tracker that keeps answering 401 costs at most one token exchange per window, and the
   * client fails fast with `UnauthorizedError` instead of replaying. An expired token is always
   * refreshed. `0` turns the cooldown off. Default 30 000.
   */
  forcedRefreshCooldownMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * The headers Tracker needs, exactly as sent: `Authorization` plus one of `X-Org-ID` /
 * `X-Cloud-Org-ID`. A plain string record, so it can be passed to `fetch`, ky or any client.
 */
export type TrackerHeaders = { Authorization: string } & Record<string, string>;

/** What `createTrackerAuth()` returns: auth headers on demand, for any HTTP client. */
export interface TrackerAuth {
  readonly org: TrackerOrg;
  readonly credentials: TokenSource;
  /**
   * The observer given to `createTrackerAuth({ onEvent })`, if any: clients built on this auth
   * report their retries, 429 waits and 401 replays to it unless given their own `onEvent`.
   */
  readonly onEvent?: TrackerAuthEventHandler | undefined;
  /** Current auth headers (cached token: a lookup; near expiry: one shared refresh). */
  headers(options?: GetTokenOptions): Promise<TrackerHeaders>;
  /**
   * Mark the credential behind `authorization` (a header value previously returned by
   * `headers()`) as rejected, so the next `headers()` refreshes. No-op when already replaced.
   * Resolves `false` when the next `headers()` will carry the same credential again (a static
   * token source that says so, or a token inside its forced-refresh cooldown,
   * {@link RefreshOptions.forcedRefreshCooldownMs}): a replay would only be refused again.
   */
  invalidate(authorization?: string): Promise<boolean | void>;
}

/** Upstream base URLs; every one can point at `@tracker-auth/testing`'s fake. */
export interface UpstreamUrls {
  /** Default `https://api.tracker.yandex.net`. */
  trackerUrl?: string;
  /** Default `https://oauth.yandex.ru`. */
  oauthUrl?: string;
  /** Default `https://iam.api.cloud.yandex.net`. */
  iamUrl?: string;
  /** Default `http://169.254.169.254`. */
  metadataUrl?: string;
}

export const DEFAULT_TRACKER_URL = 'https://api.tracker.yandex.net';
export const DEFAULT_OAUTH_URL = 'https://oauth.yandex.ru';
export const DEFAULT_IAM_URL = 'https://iam.api.cloud.yandex.net';
export const DEFAULT_METADATA_URL = 'http://169.254.169.254';

/** A `fetch`-compatible function; every network call takes one so tests can substitute. */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** An OAuth token set as Yandex returns it, normalized (user mode). */
export interface OAuthTokenSet {
  accessToken: string;
  refreshToken?: string | undefined;
  tokenType: string;
  /** Epoch ms when the access token expires, computed from `expires_in` at receipt. */
  expiresAt?: number | undefined;
  /** Granted scope, when Yandex reports it (only when narrower than asked). */
  scope?: string | undefined;
}
