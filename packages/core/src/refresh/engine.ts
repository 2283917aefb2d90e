/**
 * The refresh engine (docs/architecture.md principle 6): turns "how to fetch a token" into a
 * {@link TokenSource} that caches, refreshes by expiry, and shares one in-flight refresh among
 * all callers. Modelled on google-auth-library (eager window, one promise per credential cleared
 * in `finally`) and the YDB JS SDK providers (server expiry, stale-while-revalidate, retries by
 * error class). There are no timers between calls: refreshes happen on demand, so an idle
 * process exits by itself.
 */
import { AbortedError, TimeoutError, isAbortedError, isNetworkError, isTimeoutError, isTokenExchangeError } from '../errors.js';
import { hideSecrets } from '../redact.js';
import { emitEvent, eventError, type TrackerAuthEventHandler } from '../events.js';
import { sleep } from '../http/upstream.js';
import type { AccessToken, GetTokenOptions, RefreshOptions, StoredToken, TokenKind, TokenSource, TokenStore } from '../types.js';
import { markUnderLock, refreshUnderLock, sameTokenSet, type LockContext, type LockingTokenStore } from './coordinated-refresh.js';
import { assertTokenStore, createMemoryTokenStore } from './memory-store.js';
import { isObject, optionFailer } from '../validate.js';
import { backoffDelay, inForcedRefreshCooldown, isUsable, resolveRefreshOptions, tokenFreshness, type ResolvedRefreshOptions } from './refresh-policy.js';

/** What `fetchToken` receives for one attempt. */
export interface FetchTokenContext {
  /** Aborted when the attempt times out (`refresh.timeoutMs`). Pass it to `fetch`. */
  signal: AbortSignal;
  /** The stored token being replaced (e.g. to read its OAuth refresh token), if any. */
  current?: StoredToken | undefined;
  /** The engine's clock (`refresh.now`), epoch ms: use it for `issuedAt`/`expiresAt`. */
  now: () => number;
  /** Timeout of this attempt, ms; pass it on to `upstreamFetch`. */
  timeoutMs: number;
  /** 1 for the first attempt of a refresh, 2 for the first retry, … */
  attempt: number;
}

export interface RefreshingTokenSourceOptions {
  /** Stable, non-secret credential id: the {@link TokenStore} key. */
  id: string;
  kind: TokenKind;
  /** Obtain a new token. Throw {@link TokenExchangeError} with `retryable` set for upstream failures. */
  fetchToken: (ctx: FetchTokenContext) => Promise<StoredToken>;
  /** Where the token is cached. Default: a new in-memory store. */
  store?: TokenStore | undefined;
  refresh?: RefreshOptions | undefined;
  /** A token to start with (e.g. from a session), used when the store has none. */
  initial?: StoredToken | undefined;
  /**
   * Called after each successful refresh, once the new token is stored (e.g. to persist a rotated
   * refresh token). If it throws, callers waiting on that refresh get the error; the new token
   * stays stored and is served by the next call.
   */
  onRefresh?: ((token: StoredToken) => void | Promise<void>) | undefined;
  /** Whether a failure is worth another attempt. Default {@link isRetryableTokenError}. */
  isRetryable?: ((error: unknown) => boolean) | undefined;
  /** The upstream's `Retry-After` for a failure, ms. Default: the error's `retryAfterMs`. */
  retryAfterMs?: ((error: unknown) => number | undefined) | undefined;
  /**
   * Observer of `refresh.start` / `refresh.end` / `refresh.failure` / `refresh.retry` /
   * `refresh.cooldown` events (no secret in any); what it throws is swallowed.
   */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** A {@link TokenSource} backed by the engine: `invalidate` is always present. */
export interface RefreshingTokenSource extends TokenSource {
  /**
   * Mark `token` (default: whatever is cached) as rejected, so the next `getToken()` waits for a
   * new one. Resolves `false`, and changes nothing, when that token came from a forced refresh
   * less than `refresh.forcedRefreshCooldownMs` ago: the next `getToken()` serves it again.
   * Resolves `true` otherwise (marked, already replaced, or nothing cached).
   */
  invalidate(token?: string): Promise<boolean>;
}

/**
 * Default retry classification: a {@link TokenExchangeError} says itself (`retryable`: 429, 5xx,
 * network); bare network errors and timeouts are retried; aborts, configuration errors and
 * anything unknown are not.
 */
export function isRetryableTokenError(error: unknown): boolean {
  if (isAbortedError(error)) return false;
  if (isTokenExchangeError(error)) return error.retryable;
  return isNetworkError(error) || isTimeoutError(error);
}

/** Default `Retry-After` lookup: a numeric `retryAfterMs` property on the error (set by token sources). */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  // Number.isFinite is false for anything but a finite number.
  return Number.isFinite(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/** Extra time after `timeoutMs` before the engine gives up on a `fetchToken` that ignores its signal. */
const TIMEOUT_GRACE_MS = 1000;
/**
 * Waiters on a refresh coordinated through a shared store give up waiting (and refresh
 * themselves) this long after the lock's lifetime, two attempts' timeouts (default 20 s), by
 * which a holder that died has freed it.
 */
const LOCK_WAIT_MARGIN_MS = 1000;

/** Ceiling of the pause between failed background refreshes while the cached token stays valid. */
const MAX_BACKGROUND_COOLDOWN_MS = 60_000;

/**
 * Build a caching, single-flight, expiry-driven {@link TokenSource} around `fetchToken`.
 *
 * - fresh cached token → returned from the store (a lookup);
 * - inside the refresh window but still valid → returned at once, one background refresh starts
 *   (its failure is kept quiet; the next attempt waits a growing cooldown); with `waitIfDue`
 *   the caller waits for that refresh instead (the still-valid token is served if it fails);
 * - expired, missing, invalidated or `forceRefresh` → callers wait for the one shared refresh;
 *   if it fails and a still-valid, non-invalidated token is stored, that token is served,
 *   otherwise the refresh error is thrown.
 *
 * Forced-refresh cooldown: a refresh caused by `invalidate()` or `forceRefresh` is a "forced"
 * one. The token it produced is not force-refreshed again for `refresh.forcedRefreshCooldownMs`
 * (default 30 s): `invalidate()` of it resolves `false` and keeps it, `forceRefresh` serves it.
 * A Tracker that answers 401 to everything then costs one token call per window instead of one
 * per request, while a token that was merely cached (not just force-refreshed) still gets its
 * one refresh on the first 401. Expiry-driven refreshes (a due token, with or without
 * `waitIfDue`, or an expired one) are never held back: the cooldown is about refreshing a token
 * that was just issued because Tracker refused it, not about the token's age.
 *
 * Retries: `refresh.retries` more attempts for retryable errors, exponential backoff with jitter,
 * `Retry-After` honoured (a wait longer than `maxBackoffMs` ends the retries instead).
 *
 * @example
 * const source = createRefreshingTokenSource({
 *   id: 'iam:custom',
 *   kind: 'iam',
 *   fetchToken: async ({ signal, now }) => ({ token: await mint(signal), kind: 'iam', issuedAt: now(), expiresAt: now() + 3_600_000 }),
 * });
 * const { token } = await source.getToken();
 */
export function createRefreshingTokenSource(options: RefreshingTokenSourceOptions): RefreshingTokenSource {
  validateEngineOptions(options);
  return refreshingTokenSource(options);
}

/**
 * {@link createRefreshingTokenSource} without the option checks, for the factories of core that
 * checked every option they pass (or built it) themselves: apps that never call the public
 * factory do not bundle its checks. `refresh` is still resolved (and checked) here.
 *
 * @internal
 */
export function refreshingTokenSource(options: RefreshingTokenSourceOptions): RefreshingTokenSource {
  const { id, kind, fetchToken, onRefresh, onEvent } = options;
  const store: TokenStore = options.store ?? createMemoryTokenStore();
  const policy: ResolvedRefreshOptions = resolveRefreshOptions(options.refresh);
  const isRetryable = options.isRetryable ?? isRetryableTokenError;
  const retryAfterMs = options.retryAfterMs ?? retryAfterOf;
  const { now, timeoutMs } = policy;
  const isFresh = (stored: StoredToken) => tokenFreshness(stored, now(), policy) === 'fresh';
  // Only read when the store has a `lock` (checked where it is used).
  const locking: LockContext = { store: store as LockingTokenStore, id, lockTtlMs: 2 * timeoutMs, ttlOf };

  let seeding: Promise<void> | undefined = options.initial === undefined ? undefined : seed(options.initial);
  // Surfaced by the first getToken(); never an unhandled rejection at construction.
  seeding?.catch(() => undefined);
  let inflight: Promise<StoredToken> | undefined;
  /** The last token passed to invalidate(): never served as a fallback. */
  let rejected: string | undefined;
  let backgroundFailures = 0;
  let backgroundNotBefore = 0;
  /** The token the last forced refresh produced, and when (engine clock): the cooldown. */
  let forced: { token: string; at: number } | undefined;
  let lastStored: StoredToken | undefined;
  let lastAccess: AccessToken | undefined;

  /** Put `initial` into the store unless it already holds a token (shared stores win). */
  async function seed(initial: StoredToken): Promise<void> {
    if ((await store.get(id)) === undefined) await store.set(id, { ...initial, kind: initial.kind ?? kind }, ttlOf(initial));
  }

  async function read(): Promise<StoredToken | undefined> {
    if (seeding) {
      await seeding;
      seeding = undefined;
    }
    return store.get(id);
  }

  function toAccessToken(stored: StoredToken): AccessToken {
    // The same stored object yields the same AccessToken, so hot-path callers can cache by identity.
    if (stored === lastStored && lastAccess) return lastAccess;
    const access: AccessToken = { token: stored.token, kind: stored.kind ?? kind, expiresAt: stored.expiresAt, issuedAt: stored.issuedAt };
    hideSecrets(access, () => ({ kind: access.kind, expiresAt: access.expiresAt, issuedAt: access.issuedAt }), 'AccessToken');
    lastStored = stored;
    lastAccess = access;
    return access;
  }

  async function attemptOnce(current: StoredToken | undefined, attempt: number): Promise<StoredToken> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TimeoutError(`refreshing credential ${id} timed out after ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs + Math.min(TIMEOUT_GRACE_MS, timeoutMs));
      // The pending upstream call keeps the process alive while it matters; this timer must not.
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      return await Promise.race([fetchToken({ signal: controller.signal, current, now, timeoutMs, attempt }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `forceRefresh`: skip the shared-store shortcut. `cause`: `forced` (an invalidated token or
   * `forceRefresh`) starts the cooldown for the token obtained.
   */
  async function runRefresh(seen: StoredToken | undefined, forceRefresh: boolean, cause: 'forced' | 'expiry'): Promise<StoredToken> {
    const latest = await store.get(id);
    // A store shared between instances may already hold a newer token: take it instead of calling upstream.
    if (!forceRefresh && latest !== undefined && latest.token !== seen?.token && latest.token !== rejected && isFresh(latest)) {
      return latest;
    }
    if (store.lock) {
      // A store shared by several instances: one of them refreshes, the others adopt its token.
      const shared = await refreshUnderLock({
        ...locking,
        waitMs: locking.lockTtlMs + LOCK_WAIT_MARGIN_MS,
        // Another instance's result: a fresh token other than the one being replaced.
        adoptable: (stored): stored is StoredToken => stored !== undefined && isFresh(stored) && !sameTokenSet(stored, seen),
        refresh: (current, save) => fetchAndStore(current, cause, save),
      });
      if (shared !== undefined) return shared;
    }
    return fetchAndStore(latest ?? seen, cause, async (stored) => {
      await store.set(id, stored, ttlOf(stored));
      return stored;
    });
  }

  /** How long a stored token is worth keeping: to its expiry; a refresh token (user mode) or no expiry: the store decides. */
  function ttlOf(stored: StoredToken): number | undefined {
    return stored.expiresAt === undefined || stored.refreshToken !== undefined ? undefined : Math.max(0, stored.expiresAt - now());
  }

  /** Call upstream (with retries), then `save` the token; `save` returns what to serve. */
  async function fetchAndStore(current: StoredToken | undefined, cause: 'forced' | 'expiry', save: (stored: StoredToken) => Promise<StoredToken>): Promise<StoredToken> {
    // Wall time for durations: the engine clock (`refresh.now`) may be a test's frozen one.
    const started = Date.now();
    emitEvent(onEvent, { type: 'refresh.start', source: id, reason: cause });
    const failed = (error: unknown, attempts: number): unknown => {
      emitEvent(onEvent, { type: 'refresh.failure', source: id, reason: cause, attempts, durationMs: Date.now() - started, error: eventError(error) });
      return error;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const fetched = await attemptOnce(current, attempt);
        const stored = await save({ ...fetched, kind: fetched.kind ?? kind, issuedAt: fetched.issuedAt ?? now() });
        if (cause === 'forced') forced = { token: stored.token, at: now() };
        rejected = undefined;
        backgroundFailures = 0;
        backgroundNotBefore = 0;
        emitEvent(onEvent, { type: 'refresh.end', source: id, reason: cause, attempts: attempt, durationMs: Date.now() - started, expiresAt: stored.expiresAt });
        if (onRefresh) await onRefresh(stored);
        return stored;
      } catch (error) {
        if (attempt > policy.retries || !isRetryable(error)) throw failed(error, attempt);
        const hinted = retryAfterMs(error);
        // Honour Retry-After: if upstream asks for longer than we may wait, stop rather than hammer it.
        if (hinted !== undefined && hinted > policy.maxBackoffMs) throw failed(error, attempt);
        const delayMs = hinted ?? backoffDelay(attempt, policy);
        emitEvent(onEvent, { type: 'refresh.retry', source: id, attempt, delayMs, error: eventError(error) });
        await sleep(delayMs);
      }
    }
  }

  function sharedRefresh(seen: StoredToken | undefined, forceRefresh: boolean, cause: 'forced' | 'expiry'): Promise<StoredToken> {
    if (!inflight) {
      const promise = runRefresh(seen, forceRefresh, cause).finally(() => {
        if (inflight === promise) inflight = undefined;
      });
      // Callers may all have stopped waiting (aborted); the rejection must never go unhandled.
      promise.catch(() => undefined);
      inflight = promise;
    }
    return inflight;
  }

  function refreshInBackground(seen: StoredToken): void {
    if (inflight || now() < backgroundNotBefore) return;
    sharedRefresh(seen, false, 'expiry').catch(() => {
      backgroundFailures++;
      backgroundNotBefore = now() + Math.min(MAX_BACKGROUND_COOLDOWN_MS, policy.maxBackoffMs * 2 ** Math.min(backgroundFailures - 1, 16));
    });
  }

  async function getToken({ signal, forceRefresh: asked, waitIfDue }: GetTokenOptions = {}): Promise<AccessToken> {
    if (signal?.aborted) throw abortedError(signal, id);
    const cached = await read();
    const wasRejected = cached !== undefined && cached.token === rejected;
    // Inside the cooldown, forceRefresh gets the token the last forced refresh just produced.
    const declined = asked === true && cached !== undefined && cooling(cached);
    const forceRefresh = asked === true && !declined;
    if (!forceRefresh && cached !== undefined && !wasRejected) {
      const freshness = tokenFreshness(cached, now(), policy);
      if (freshness === 'fresh') return toAccessToken(cached);
      if (freshness === 'due' && waitIfDue !== true) {
        refreshInBackground(cached);
        return toAccessToken(cached);
      }
    }
    try {
      const cause = forceRefresh || wasRejected ? 'forced' : 'expiry';
      return toAccessToken(await waitWithSignal(sharedRefresh(cached, forceRefresh, cause), signal, id));
    } catch (error) {
      if (isAbortedError(error)) throw error;
      // Upstream trouble must not break requests while a valid token is in hand.
      const fallback = await store.get(id);
      if (isUsable(fallback, now()) && fallback.token !== rejected) return toAccessToken(fallback);
      throw error;
    }
  }

  /**
   * Whether `stored` is the token of a forced refresh still inside its cooldown (and not already
   * rejected); asked only when a forced refresh is wanted, so `true` reports it declined.
   */
  function cooling(stored: StoredToken): boolean {
    const declined = stored.token !== rejected && inForcedRefreshCooldown(stored, forced, now(), policy);
    if (declined) emitEvent(onEvent, { type: 'refresh.cooldown', source: id });
    return declined;
  }

  async function invalidate(token?: string): Promise<boolean> {
    const stored = await store.get(id);
    if (stored === undefined || (token !== undefined && stored.token !== token)) return true;
    // Refreshing again within seconds of a forced refresh would hand out an equivalent token
    // (or the same one: Yandex may return an unchanged access token). Keep serving it: every
    // request still reaches Tracker, so a recovered Tracker is used at once, and the client
    // fails fast on a 401 instead of replaying. The next invalidate() after the window refreshes.
    if (cooling(stored)) return false;
    rejected = stored.token;
    await markExpired(stored);
    return true;
  }

  /**
   * Keep the entry (a user-mode refresh token lives in it) but mark it unusable for every
   * instance sharing the store, so their next getToken() waits for a new token. A store with a
   * lock gets the write under it, and only while it still holds `seen` (see markUnderLock).
   */
  async function markExpired(seen: StoredToken): Promise<void> {
    const mark = (stored: StoredToken): StoredToken => ({ ...stored, expiresAt: Math.min(stored.expiresAt ?? Number.POSITIVE_INFINITY, now()) });
    if (store.lock) {
      if (await markUnderLock({ ...locking, seen, mark })) return;
    }
    const marked = mark(seen);
    await store.set(id, marked, ttlOf(marked));
  }

  const source: RefreshingTokenSource = { id, kind, getToken, invalidate };
  return hideSecrets(source, () => ({ id, kind }), 'RefreshingTokenSource');
}

/** The caller's signal fired: this caller stops waiting (a shared refresh keeps going for others). */
function abortedError(signal: AbortSignal, id: string): AbortedError {
  return new AbortedError(`getting a token for ${id} was aborted`, { cause: signal.reason });
}

/** Stop waiting when the caller's signal fires; the shared refresh itself keeps going for others. */
function waitWithSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, id: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, id));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `typeof` each option must have when given, by name (`store` and `initial` are checked on their own). */
const OPTION_TYPES = { id: 'string', kind: 'string', fetchToken: 'function', onRefresh: 'function', isRetryable: 'function', retryAfterMs: 'function', onEvent: 'function' } as const;
const REQUIRED = ['id', 'kind', 'fetchToken'];

function validateEngineOptions(options: RefreshingTokenSourceOptions): void {
  const fail = optionFailer('createRefreshingTokenSource');
  if (!isObject(options)) fail('options', 'must be an object with id, kind and fetchToken');
  for (const [name, type] of Object.entries(OPTION_TYPES)) {
    const value = options[name as keyof typeof OPTION_TYPES];
    if ((value !== undefined || REQUIRED.includes(name)) && typeof value !== type) fail(name, `must be a ${type}`);
  }
  if (options.id.trim() === '') fail('id', 'must name the credential (never the secret itself)');
  if (options.kind !== 'oauth' && options.kind !== 'iam') fail('kind', "must be 'oauth' or 'iam'");
  assertTokenStore(options.store, fail);
  const initial = options.initial;
  if (initial !== undefined && (initial === null || typeof initial.token !== 'string' || initial.token === '')) {
    fail('initial.token', 'must be a non-empty token string', 'INVALID_TOKEN');
  }
}
