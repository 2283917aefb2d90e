/**
 * The default {@link TokenStore}: a per-process `Map`. Implement the same three methods over
 * Redis or a database to let several app instances share one token and one refresh cadence.
 */
import { hideSecrets } from '../redact.js';
import type { StoredToken, TokenStore } from '../types.js';
import { isObject, type OptionFail } from '../validate.js';

/** A {@link TokenStore} kept in process memory; `size` is for diagnostics. */
export interface MemoryTokenStore extends TokenStore {
  get(key: string): StoredToken | undefined;
  set(key: string, value: StoredToken): void;
  delete(key: string): void;
  readonly size: number;
}

/**
 * Create an in-memory token store. Reads are synchronous, so a cached token is a `Map` lookup.
 * Printing the store (`JSON.stringify`, `util.inspect`) shows only its size, never a token.
 *
 * @example
 * const store = createMemoryTokenStore();
 * const a = iamFromServiceAccountKey({ key, store });
 * const b = iamFromMetadata({ store }); // different ids, one store
 */
export function createMemoryTokenStore(): MemoryTokenStore {
  const entries = new Map<string, StoredToken>();
  const store: MemoryTokenStore = {
    get: (key) => entries.get(key),
    set: (key, value) => {
      entries.set(key, value);
    },
    delete: (key) => {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
  return hideSecrets(store, () => ({ size: entries.size }), 'MemoryTokenStore');
}

/**
 * Check a `store` option: absent, or an object with `get`, `set` and `delete` (and `lock`, when
 * present, a function). `fail` is the calling factory's, so the message names it.
 *
 * @throws {ConfigurationError} `INVALID_OPTION`, field `store` or `store.lock`
 */
export function assertTokenStore(store: TokenStore | undefined, fail: OptionFail): void {
  if (store === undefined) return;
  if (!isObject(store) || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function') {
    fail('store', 'must be a TokenStore (get, set, delete)');
  }
  if (store.lock !== undefined && typeof store.lock !== 'function') fail('store.lock', 'must be a function');
}
