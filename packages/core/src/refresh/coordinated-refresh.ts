/**
 * Distributed single-flight: when the {@link TokenStore} has a `lock`, one instance refreshes a
 * credential while the others wait for the value it stores, instead of each instance calling
 * upstream. The lock expires by itself (`lockTtlMs`), so a holder that died frees it and a
 * waiter takes over; its writes are fenced, so a holder that outlived its lock cannot overwrite
 * a newer token. Anything the store cannot do (unreachable, waited too long) ends in a local
 * refresh: coordination saves upstream calls, it never fails a request.
 */
import { sleep } from '../http/upstream.js';
import type { StoredToken, TokenStore, TokenStoreLock } from '../types.js';

/** First pause between looks at the store while another instance refreshes, ms; doubles up to {@link MAX_POLL_MS}. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;

/** A {@link TokenStore} that has a `lock`. */
export type LockingTokenStore = TokenStore & { lock: NonNullable<TokenStore['lock']> };

/** What both coordinated operations need: the store, the credential, the lock's lifetime. */
export interface LockContext {
  store: LockingTokenStore;
  id: string;
  /** How long a lock lives unless released. */
  lockTtlMs: number;
  /** How long a stored value is worth keeping (see {@link TokenStore.set}). */
  ttlOf: (stored: StoredToken) => number | undefined;
}

/**
 * Whether `stored` is the same token set as `seen`: the same access token, issue time and refresh
 * token. Yandex may rotate a user session keeping the access token (a new refresh token and
 * issue time), and that counts as a newer set.
 */
export function sameTokenSet(stored: StoredToken, seen: StoredToken | undefined): boolean {
  return seen !== undefined && stored.token === seen.token && stored.issuedAt === seen.issuedAt && stored.refreshToken === seen.refreshToken;
}

export interface CoordinatedRefreshOptions extends LockContext {
  /** How long to wait for another holder's result (and keep trying for the lock), ms. */
  waitMs: number;
  /** Whether a stored value is the result of another instance's refresh (new and usable). */
  adoptable: (stored: StoredToken | undefined) => stored is StoredToken;
  /**
   * Refresh upstream, with the token being replaced; `save` stores the result under the lock and
   * gives back what to serve (a newer holder's token when this lock was fenced out).
   */
  refresh: (current: StoredToken | undefined, save: (stored: StoredToken) => Promise<StoredToken>) => Promise<StoredToken>;
}

/**
 * Refresh under the store's lock, or adopt what another instance stored. Resolves `undefined`
 * when the caller should refresh locally (store unavailable, or nothing came within `waitMs`).
 */
export async function refreshUnderLock(options: CoordinatedRefreshOptions): Promise<StoredToken | undefined> {
  const { store, id, lockTtlMs, waitMs, adoptable } = options;
  const deadline = Date.now() + waitMs;
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    let lock: TokenStoreLock | undefined;
    try {
      lock = await store.lock(id, { ttlMs: lockTtlMs });
    } catch {
      return undefined;
    }
    if (lock !== undefined) return refreshHolding(options, lock);
    const stored = await store.get(id);
    if (adoptable(stored)) return stored;
    if (Date.now() >= deadline) return undefined;
    await sleep(delay);
  }
}

async function refreshHolding(options: CoordinatedRefreshOptions, lock: TokenStoreLock): Promise<StoredToken> {
  const { store, id, adoptable } = options;
  try {
    // The previous holder may have stored its token between our last look and our lock.
    const latest = await store.get(id);
    if (adoptable(latest)) return latest;
    return await options.refresh(latest, async (stored) => {
      if (await lock.set(stored, options.ttlOf(stored))) return stored;
      // Fenced out: a newer holder stored a token meanwhile; serve that one when it is usable.
      const newer = await store.get(id);
      return adoptable(newer) ? newer : stored;
    });
  } finally {
    await lock.release().catch(() => undefined);
  }
}

export interface MarkUnderLockOptions extends LockContext {
  /** The token that was rejected, as read before. */
  seen: StoredToken;
  /** The stored value, marked unusable. */
  mark: (stored: StoredToken) => StoredToken;
}

/**
 * Mark a rejected token unusable (`invalidate()`) under the store's lock, and only while the
 * store still holds it: another instance may have stored a newer token since `seen` was read,
 * and a plain write would mark that one (an extra refresh) or put `seen` back over it. When
 * another instance holds the lock it is refreshing this credential, so its write decides and
 * nothing is written here. Resolves `false` when the store cannot coordinate right now (the
 * caller then writes as for a store without a lock).
 */
export async function markUnderLock(options: MarkUnderLockOptions): Promise<boolean> {
  const { store, id, seen } = options;
  let lock: TokenStoreLock | undefined;
  try {
    lock = await store.lock(id, { ttlMs: options.lockTtlMs });
  } catch {
    return false;
  }
  if (lock === undefined) return true;
  try {
    const current = await store.get(id);
    // The whole token set: a newer set with the same access token must not be marked either.
    if (current !== undefined && sameTokenSet(current, seen)) {
      const marked = options.mark(current);
      await lock.set(marked, options.ttlOf(marked));
    }
    return true;
  } finally {
    await lock.release().catch(() => undefined);
  }
}
