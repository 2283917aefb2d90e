/**
 * The default {@link TokenStore}: a per-process `Map`. Implement the same three methods over
 * Redis or a database to let several app instances share one token and one refresh cadence.
 */
import { hideSecrets } from '../redact.js';
import type { StoredToken, TokenStore } from '../types.js';

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

/** Alias of {@link createMemoryTokenStore}. */
export const memoryTokenStore = createMemoryTokenStore;
