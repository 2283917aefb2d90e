/**
 * assertTrackerClientOptions(): the checks of createTrackerClient() without a client, for
 * adapters that build clients per request but must refuse bad options at construction.
 */
import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '../../src/errors.js';
import { assertTrackerClientOptions } from '../../src/client/client-options.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import type { TrackerAuth } from '../../src/types.js';

const auth: TrackerAuth = {
  org: { orgId: '1' },
  credentials: { kind: 'oauth', id: 'test', getToken: () => Promise.reject(new Error('not called')) },
  headers: () => Promise.reject(new Error('not called')),
  invalidate: () => Promise.resolve(),
};

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('assertTrackerClientOptions', () => {
  it('returns good options unchanged', () => {
    const options = { trackerUrl: 'http://127.0.0.1:1/', apiVersion: 'v2' as const, timeoutMs: 500, retry: { limit: 0, maxRetryAfterMs: 0 }, headers: { 'X-App': 'a' } };
    expect(assertTrackerClientOptions(options)).toBe(options);
    expect(assertTrackerClientOptions({})).toEqual({});
  });

  it.each([
    ['not an object', 'nope', 'client'],
    ['null', null, 'client'],
    ['an array', [], 'client'],
    ['bad apiVersion', { apiVersion: 'v9' }, 'apiVersion'],
    ['relative trackerUrl', { trackerUrl: '/api' }, 'trackerUrl'],
    ['ftp trackerUrl', { trackerUrl: 'ftp://tracker.example' }, 'trackerUrl'],
    ['trackerUrl with credentials', { trackerUrl: 'https://u:p@tracker.example' }, 'trackerUrl'],
    ['zero timeout', { timeoutMs: 0 }, 'timeoutMs'],
    ['fractional retry limit', { retry: { limit: 1.5 } }, 'retry.limit'],
    ['negative maxRetryAfterMs', { retry: { maxRetryAfterMs: -1 } }, 'retry.maxRetryAfterMs'],
    ['an Authorization header', { headers: { Authorization: 'OAuth x' } }, 'headers.Authorization'],
    ['a non-string header', { headers: { 'X-N': 1 } }, 'headers.X-N'],
  ])('refuses %s with a ConfigurationError on the same field as createTrackerClient', (_, options, field) => {
    const error = thrownBy(() => assertTrackerClientOptions(options));
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ field });
    if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
      // Same check, same error: createTrackerClient() runs this very validation.
      const fromClient = thrownBy(() => createTrackerClient(auth, options as never));
      expect(fromClient).toMatchObject({ code: (error as { code: string }).code, field, message: (error as Error).message });
    }
  });

  it('names the options object with the given field', () => {
    expect(thrownBy(() => assertTrackerClientOptions(42, 'options.client'))).toMatchObject({ code: 'INVALID_OPTION', field: 'options.client' });
  });
});
