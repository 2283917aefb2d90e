// The command guard quotes client errors in a warning event and in the error it throws: a
// connection URL with a password inside such a message must not come out.
import { describe, expect, it } from 'vitest';
import type { RedisTokenStoreEvent } from '../src/events.js';
import { createCommandGuard } from '../src/guard.js';

describe('createCommandGuard', () => {
  it('scrubs credentials out of the client error it reports and rethrows', async () => {
    const events: RedisTokenStoreEvent[] = [];
    const guard = createCommandGuard({ timeoutMs: 1000, pauseMs: 0, emit: (event) => events.push(event) });
    const error = await guard
      .run('get', () => Promise.reject(new Error('connect ECONNREFUSED for redis://default:hunter2-secret@cache.internal:6379')))
      .catch((e: unknown) => e as Error);
    expect(error.message).toBe('Redis get failed: connect ECONNREFUSED for redis://[REDACTED]@cache.internal:6379');
    expect(events).toEqual([{ type: 'unavailable', operation: 'get', message: 'connect ECONNREFUSED for redis://[REDACTED]@cache.internal:6379' }]);
    expect(JSON.stringify([error, events])).not.toContain('hunter2');
  });
});
