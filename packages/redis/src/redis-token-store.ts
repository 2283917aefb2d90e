/**
 * A {@link TokenStore} on Redis (ioredis): several app instances share one token per credential
 * and, through `lock()`, refresh it once (the refresh engine of `@tracker-auth/core` uses the
 * lock when the store has one). Values are sealed at rest; keys are hashes.
 *
 * A short local cache sits in front of Redis, so a request with a valid cached token costs no
 * Redis round trip. When Redis is down or slow, every operation falls back to that local state
 * (bounded by `commandTimeoutMs`), and the engine refreshes in this process alone.
 */
import { randomUUID } from 'node:crypto';
import { ConfigurationError, type StoredToken, type TokenStore, type TokenStoreLock } from '@tracker-auth/core';
import { hideSecrets } from '@tracker-auth/core/adapter';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { warnToConsole, type RedisTokenStoreEvent } from './events.js';
import { createCommandGuard } from './guard.js';
import { ACQUIRE, FENCED_SET, RELEASE } from './scripts.js';
import { createTokenCodec, MAX_SEAL_MS } from './sealing.js';

export interface RedisTokenStoreOptions {
  /**
   * The Redis to use: a `redis://` / `rediss://` URL, ioredis options (Sentinel: `{ sentinels,
   * name }`), or a client you made (`new Redis(…)`, `new Cluster(…)`). A client you pass stays
   * yours: `close()` does not quit it, and its `error` events are yours to handle.
   */
  redis: string | RedisOptions | Redis | Cluster;
  /**
   * App secret(s) sealing the values, newest first (rotation: values sealed with an older
   * secret still open). At least 32 bytes each; may be the session secret (a separate purpose
   * is bound into the seal).
   */
  secrets: string | readonly string[];
  /** Prefix of every key. Default `tracker-auth:`. */
  prefix?: string | undefined;
  /** Upper bound of one Redis command, ms; past it the store works from process memory. Default 500. */
  commandTimeoutMs?: number | undefined;
  /** After a failed command, Redis is not asked again for this long, ms. Default 1000. */
  retryAfterFailureMs?: number | undefined;
  /**
   * How long a value read from Redis is served from process memory without asking Redis again,
   * ms (never past the token's expiry). Another instance's invalidation is seen within this
   * time. Default 2000; `0` asks Redis on every read.
   */
  localCacheMs?: number | undefined;
  /** How long a value with no expiry (or a user's token set, which carries a refresh token) is kept, ms. Default 30 days. */
  retentionMs?: number | undefined;
  /** Outages, recoveries, unreadable values. Default: a `console.warn` line per outage and recovery. */
  onEvent?: ((event: RedisTokenStoreEvent) => void) | undefined;
}

/** The store: a {@link TokenStore} with `lock`, plus `close()`. */
export interface RedisTokenStore extends TokenStore {
  get(key: string): Promise<StoredToken | undefined> | StoredToken | undefined;
  set(key: string, value: StoredToken, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  lock(key: string, options: { ttlMs: number }): Promise<TokenStoreLock | undefined>;
  /** The ioredis client in use. */
  readonly client: Redis | Cluster;
  /** Quit the client if the store created it (from a URL or options); a client you passed is left open. */
  close(): Promise<void>;
}

/** An expired token is kept this much longer (it may still carry what the next refresh needs). */
const EXPIRED_GRACE_MS = 60_000;
const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

interface LocalEntry {
  value: StoredToken;
  /** When it was read or written (Date.now). */
  at: number;
  /** The raw Redis value it came from, to skip unsealing an unchanged value. */
  raw?: string | undefined;
}

/**
 * Create a Redis token store. Pass it as `store` to token sources, `createTrackerAuth`'s
 * credentials or `createOAuthFlow({ store })`.
 *
 * @throws {ConfigurationError} for a missing `redis`, short `secrets`, or a bad number option
 * @example
 * import { iamFromServiceAccountKey } from '@tracker-auth/core';
 * import { createRedisTokenStore } from '@tracker-auth/redis';
 *
 * const store = createRedisTokenStore({ redis: process.env.REDIS_URL!, secrets: [process.env.SESSION_SECRET!] });
 * const credentials = iamFromServiceAccountKey({ key, store });
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'createRedisTokenStore() needs { redis, secrets }.');
  }
  const codec = createTokenCodec(options.secrets);
  const prefix = checkPrefix(options.prefix);
  const commandTimeoutMs = checkMs(options.commandTimeoutMs, 'commandTimeoutMs', 500, false);
  const pauseMs = checkMs(options.retryAfterFailureMs, 'retryAfterFailureMs', 1000, true);
  const localCacheMs = checkMs(options.localCacheMs, 'localCacheMs', 2000, true);
  const retentionMs = Math.min(MAX_SEAL_MS, checkMs(options.retentionMs, 'retentionMs', DEFAULT_RETENTION_MS, false));
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'onEvent', 'onEvent must be a function when given.');
  }
  const emit = (event: RedisTokenStoreEvent) => {
    try {
      (options.onEvent ?? warnToConsole)(event);
    } catch {
      // A throwing listener must not turn a degraded store into failed requests.
    }
  };
  const { client, owned } = clientOf(options.redis);
  const guard = createCommandGuard({ timeoutMs: commandTimeoutMs, pauseMs, emit });
  const local = new Map<string, LocalEntry>();
  /** Writes per key, so a read that raced a write does not put the older value back in memory. */
  const writes = new Map<string, number>();
  /** Redis reads in flight per key: requests arriving while one is pending share it. */
  const reading = new Map<string, Promise<StoredToken | undefined>>();

  const keys = (key: string) => {
    const tag = codec.tagOf(key);
    return { tag, value: `${prefix}${tag}:t`, lock: `${prefix}${tag}:l`, fence: `${prefix}${tag}:f` };
  };

  function ttlOf(value: StoredToken, ttlMs: number | undefined): number {
    if (value.refreshToken !== undefined || (ttlMs === undefined && value.expiresAt === undefined)) return retentionMs;
    const left = ttlMs ?? (value.expiresAt as number) - Date.now();
    return Math.min(retentionMs, Math.max(0, left) + EXPIRED_GRACE_MS);
  }

  function remember(key: string, value: StoredToken, raw?: string): void {
    writes.set(key, (writes.get(key) ?? 0) + 1);
    local.set(key, { value, at: Date.now(), raw });
  }

  async function write(key: string, value: StoredToken, ttlMs: number | undefined, fence: number | undefined): Promise<boolean> {
    const k = keys(key);
    const ttl = Math.round(ttlOf(value, ttlMs));
    const sealed = await codec.seal(k.tag, value, ttl);
    const written = await guard.run('set', () => client.eval(FENCED_SET, 2, k.value, k.fence, fence === undefined ? '' : String(fence), sealed, String(ttl)));
    return written === 1;
  }

  async function readRemote(key: string, entry: LocalEntry | undefined): Promise<StoredToken | undefined> {
    const k = keys(key);
    const before = writes.get(key);
    let raw: string | null;
    try {
      raw = (await guard.run('get', () => client.get(k.value))) as string | null;
    } catch {
      return entry?.value;
    }
    // A write happened while we read: what we read may be older than what we wrote.
    if (writes.get(key) !== before) return local.get(key)?.value;
    if (raw === null) {
      local.delete(key);
      return undefined;
    }
    if (entry?.raw === raw) {
      entry.at = Date.now();
      return entry.value;
    }
    const separator = raw.indexOf(':');
    const value = separator > 0 ? await codec.unseal(k.tag, raw.slice(separator + 1)) : undefined;
    if (value === undefined) {
      emit({ type: 'unreadable' });
      local.delete(key);
      return undefined;
    }
    if (writes.get(key) !== before) return local.get(key)?.value;
    local.set(key, { value, at: Date.now(), raw });
    return value;
  }

  const store: RedisTokenStore = {
    client,
    get(key) {
      const entry = local.get(key);
      // The hot path: a recent, valid local copy is returned synchronously, no Redis round trip.
      if (entry !== undefined) {
        const now = Date.now();
        const { value } = entry;
        if ((value.expiresAt === undefined || now < value.expiresAt) && (now - entry.at < localCacheMs || guard.paused())) return value;
      }
      if (guard.paused()) return entry?.value;
      let pending = reading.get(key);
      if (pending === undefined) {
        pending = readRemote(key, entry).finally(() => reading.delete(key));
        reading.set(key, pending);
      }
      return pending;
    },
    async set(key, value, ttlMs) {
      remember(key, value);
      try {
        await write(key, value, ttlMs, undefined);
      } catch {
        // Degraded: kept in process memory; the outage was reported.
      }
    },
    async delete(key) {
      writes.set(key, (writes.get(key) ?? 0) + 1);
      local.delete(key);
      const k = keys(key);
      try {
        await guard.run('delete', () => client.del(k.value));
      } catch {
        // Degraded: the value expires by its TTL.
      }
    },
    async lock(key, { ttlMs }) {
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1) {
        throw new ConfigurationError('INVALID_OPTION', 'ttlMs', 'lock ttlMs must be a number of milliseconds >= 1.');
      }
      // Whoever coordinates reads what Redis holds now, not the local copy.
      local.delete(key);
      const k = keys(key);
      const owner = randomUUID();
      const fence = Number(await guard.run('lock', () => client.eval(ACQUIRE, 2, k.lock, k.fence, owner, String(Math.ceil(ttlMs)))));
      if (!(fence > 0)) return undefined;
      const lock: TokenStoreLock = {
        fence,
        async set(value, valueTtlMs) {
          remember(key, value);
          let written: boolean;
          try {
            written = await write(key, value, valueTtlMs, fence);
          } catch {
            return true; // degraded: kept in process memory
          }
          if (!written) {
            local.delete(key);
            emit({ type: 'fenced-out' });
          }
          return written;
        },
        async release() {
          try {
            await guard.run('release', () => client.eval(RELEASE, 1, k.lock, owner));
          } catch {
            // The lock expires by itself.
          }
        },
      };
      return hideSecrets(lock, () => ({ fence }), 'TokenStoreLock');
    },
    async close() {
      local.clear();
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
  return hideSecrets(store, () => ({ prefix, cached: local.size }), 'RedisTokenStore');
}

function clientOf(redis: RedisTokenStoreOptions['redis']): { client: Redis | Cluster; owned: boolean } {
  if (isClient(redis)) return { client: redis, owned: false };
  const defaults: RedisOptions = {
    // Fail a command after one reconnect attempt instead of twenty; our own timeout bounds it anyway.
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
  let client: Redis;
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis)) {
      throw new ConfigurationError('INVALID_URL', 'redis', 'redis must be a redis:// or rediss:// URL, ioredis options, or an ioredis client.');
    }
    client = new Redis(redis, defaults);
  } else if (redis !== null && typeof redis === 'object') {
    client = new Redis({ ...defaults, ...(redis as RedisOptions) });
  } else {
    throw new ConfigurationError('INVALID_OPTION', 'redis', 'redis is required: a redis:// URL, ioredis options, or an ioredis client.');
  }
  // Connection errors are reported as outages by the command guard; without a listener ioredis prints each one.
  client.on('error', () => undefined);
  return { client, owned: true };
}

function isClient(redis: unknown): redis is Redis | Cluster {
  return redis !== null && typeof redis === 'object' && typeof (redis as Redis).eval === 'function' && typeof (redis as Redis).get === 'function';
}

function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return 'tracker-auth:';
  if (typeof prefix !== 'string' || prefix.length > 100 || /[\s{}]/.test(prefix)) {
    throw new ConfigurationError('INVALID_OPTION', 'prefix', 'prefix must be a string of at most 100 characters without spaces or braces, e.g. "myapp:tokens:".');
  }
  return prefix;
}

function checkMs(value: unknown, field: string, fallback: number, zeroAllowed: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new ConfigurationError('INVALID_OPTION', field, `${field} must be a finite number of milliseconds ${zeroAllowed ? '>= 0' : '> 0'}; remove it for the default (${fallback}).`);
  }
  return value;
}
