/** What the Redis token store reports through `onEvent` (never a token, a key or a secret). */

/** The Redis command that failed or succeeded. */
export type RedisOperation = 'get' | 'set' | 'delete' | 'lock' | 'release';

export type RedisTokenStoreEvent =
  /** Redis failed or timed out: the store serves and keeps tokens in process memory until it answers again. */
  | { type: 'unavailable'; operation: RedisOperation; message: string }
  /** Redis answered again after an outage: sharing resumed. */
  | { type: 'recovered'; operation: RedisOperation }
  /** A stored value could not be opened (sealed with secrets not configured here, or tampered with): treated as absent. */
  | { type: 'unreadable' }
  /** A fenced write was refused: a newer lock holder had already stored a token. */
  | { type: 'fenced-out' };

/** The default `onEvent`: outages and recoveries as one warning line each. */
export function warnToConsole(event: RedisTokenStoreEvent): void {
  if (event.type === 'unavailable') {
    console.warn(`[tracker-auth/redis] Redis unavailable (${event.operation}: ${event.message}); serving and refreshing tokens in process memory until it answers again.`);
  } else if (event.type === 'recovered') {
    console.warn('[tracker-auth/redis] Redis answers again; tokens are shared across instances again.');
  } else if (event.type === 'unreadable') {
    console.warn('[tracker-auth/redis] a stored token could not be opened (sealed with another secret, or tampered with); ignoring it.');
  }
}
