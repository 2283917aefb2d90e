/**
 * @tracker-auth/redis: a Redis `TokenStore` for `@tracker-auth/core`. Several app instances
 * share their tokens and refresh each credential once (a fenced lock), values sealed at rest.
 * @packageDocumentation
 */
export { createRedisTokenStore, type RedisTokenStore, type RedisTokenStoreOptions } from './redis-token-store.js';
export type { RedisTokenStoreEvent, RedisOperation } from './events.js';
