/**
 * Options every fetching token source shares, their validation, and the merge behind each
 * source's `withDefaults()` (how `createTrackerAuth({ store, refresh })` configures a source).
 */
import { refreshingTokenSource, type FetchTokenContext, type RefreshingTokenSource } from '../refresh/engine.js';
import { assertTokenStore } from '../refresh/memory-store.js';
import { isObject, optionFailer } from '../validate.js';
import { assertEventHandler, type TrackerAuthEventHandler } from '../events.js';
import type { FetchLike, RefreshOptions, StoredToken, TokenSource, TokenSourceDefaults, TokenStore } from '../types.js';

/** Options shared by the IAM and metadata token sources. */
export interface TokenSourceOptions {
  /** `fetch` to use (default `globalThis.fetch`): for proxies, tests, instrumentation. */
  fetch?: FetchLike | undefined;
  /** Where the token is cached; share one (e.g. over Redis) across instances. Default: in memory. */
  store?: TokenStore | undefined;
  /** Refresh window, retries and timeouts; see {@link RefreshOptions}. */
  refresh?: RefreshOptions | undefined;
  /** Override the store key (default derived from the credential, never containing the secret). */
  id?: string | undefined;
  /** Observer of this source's `refresh.*` events (see `TrackerAuthEvent`); what it throws is swallowed. */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** Settings `createTrackerAuth()` passes to a source's `withDefaults()`. */
export type SourceDefaults = TokenSourceDefaults;

/**
 * Merge app-wide defaults under a source's own options (its own values win): what every
 * fetching source's `withDefaults(defaults)` rebuilds itself from.
 */
export function mergeDefaults<O extends TokenSourceOptions>(own: O, defaults: TokenSourceDefaults): O {
  return {
    ...own,
    store: own.store ?? defaults.store,
    onEvent: own.onEvent ?? defaults.onEvent,
    refresh: defaults.refresh || own.refresh ? { ...defaults.refresh, ...own.refresh } : undefined,
  };
}

/**
 * The engine behind an IAM token source of this library, from its checked `options`: their
 * `id` (else `id`), store, refresh settings and observer, and a `withDefaults()` that builds the
 * source again through `factory` with the app's defaults (the source's own values win).
 */
export function iamSourceEngine<O extends TokenSourceOptions>(
  options: O,
  id: string,
  fetchToken: (context: FetchTokenContext) => Promise<StoredToken>,
  factory: (options: O) => TokenSource,
): RefreshingTokenSource {
  const { store, refresh, onEvent } = options;
  const source = refreshingTokenSource({ id: options.id ?? id, kind: 'iam', store, refresh, onEvent, fetchToken });
  source.withDefaults = (defaults) => factory(mergeDefaults(options, defaults));
  return source;
}

/** Validate an options object and its `fetch`/`id` and `store` (`refresh` is checked by the engine). */
export function assertSourceOptions(options: unknown, factory: string): void {
  const fail = optionFailer(factory);
  if (!isObject(options)) fail('options', 'must be an options object');
  const { fetch, id, onEvent, store } = options as TokenSourceOptions;
  assertEventHandler(onEvent, 'onEvent', factory);
  if (fetch !== undefined && typeof fetch !== 'function') fail('fetch', 'must be a function');
  if (id !== undefined && (typeof id !== 'string' || id.trim() === '')) fail('id', 'must be a name, never the secret');
  assertTokenStore(store, fail);
}

/**
 * A short, stable, non-reversible label of a secret for store keys and diagnostics
 * (64 bits of FNV-1a-style mixing). Not a security boundary: it only keeps distinct
 * credentials apart in a shared store without putting the secret in the key.
 */
export function fingerprint(secret: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ secret.length;
  for (let i = 0; i < secret.length; i++) {
    const c = secret.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
