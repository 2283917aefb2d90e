import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AbortedError, ConfigurationError, TimeoutError, TokenExchangeError, isAbortedError, isTimeoutError, isTokenExchangeError } from '../errors.js';
import type { StoredToken } from '../types.js';
import { createRefreshingTokenSource, isRetryableTokenError, type FetchTokenContext } from './engine.js';
import { createMemoryTokenStore } from './memory-store.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A controllable clock and a counting fetchToken that mints t-1, t-2, … living `lifetimeMs`. */
function harness(lifetimeMs = 12 * HOUR) {
  const clock = { t: 1_700_000_000_000 };
  const now = () => clock.t;
  let minted = 0;
  const contexts: FetchTokenContext[] = [];
  const plan: Array<(ctx: FetchTokenContext) => Promise<StoredToken> | StoredToken> = [];
  const fetchToken = vi.fn(async (ctx: FetchTokenContext): Promise<StoredToken> => {
    contexts.push(ctx);
    const step = plan.shift();
    if (step) return step(ctx);
    // Resolve on a later macrotask, like real I/O, so concurrent callers really overlap.
    await new Promise((resolve) => setTimeout(resolve, 5));
    minted++;
    return { token: `t-${minted}`, kind: 'iam', issuedAt: now(), expiresAt: now() + lifetimeMs };
  });
  return { clock, now, fetchToken, plan, contexts };
}

/**
 * Resolves once the engine has reacted to a failed background refresh (the shared refresh
 * cleared, the cooldown set). With `retries: 0` and a rejecting plan step that reaction is
 * promise callbacks only, no timer and no I/O, so all of it runs before the next macrotask:
 * this awaits that turn, not a duration.
 */
const backgroundFailureHandled = () => new Promise((resolve) => setImmediate(resolve));

const failure = (status: number, extra: Partial<{ retryAfterMs: number }> = {}) =>
  Object.assign(new TokenExchangeError(`IAM token exchange failed: HTTP ${status}`, { source: 'iam', status, retryable: status === 429 || status >= 500 }), extra);

describe('createRefreshingTokenSource', () => {
  it('caches a fresh token: the second call is a store lookup', async () => {
    const h = harness();
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    const a = await source.getToken();
    const b = await source.getToken();
    expect(a.token).toBe('t-1');
    expect(b).toBe(a);
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('1,000 concurrent callers with no token share exactly one fetch', async () => {
    const h = harness();
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['t-1']));
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('1,000 concurrent callers on an expired token share one fetch, and the next expiry refreshes again', async () => {
    const h = harness(2 * HOUR);
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    await source.getToken();
    h.clock.t += 3 * HOUR;
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['t-2']));
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
    h.clock.t += 3 * HOUR;
    expect((await source.getToken()).token).toBe('t-3');
  });

  it('clears the in-flight refresh after a failure, so the next call tries again', async () => {
    const h = harness();
    h.plan.push(() => Promise.reject(failure(400)));
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    const results = await Promise.allSettled([source.getToken(), source.getToken(), source.getToken()]);
    expect(results.every((r) => r.status === 'rejected' && isTokenExchangeError(r.reason))).toBe(true);
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    expect((await source.getToken()).token).toBe('t-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes in the background once the token is maxAgeMs old, serving the old token meanwhile', async () => {
    const h = harness();
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    await source.getToken();
    h.clock.t += HOUR - 1;
    expect((await source.getToken()).token).toBe('t-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    h.clock.t += 1;
    const during = await Promise.all([source.getToken(), source.getToken()]);
    expect(during.map((t) => t.token)).toEqual(['t-1', 't-1']);
    await vi.waitFor(async () => expect((await source.getToken()).token).toBe('t-2'));
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('opens the window earlyMs before expiresAt when that comes before maxAgeMs', async () => {
    const h = harness(40 * MINUTE);
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    await source.getToken();
    h.clock.t += 35 * MINUTE - 1;
    await source.getToken();
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    h.clock.t += 1;
    await source.getToken();
    await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(2));
  });

  it('caps the early margin at half the lifetime, so short-lived tokens are not refreshed on every call', async () => {
    const h = harness(2 * MINUTE);
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    await source.getToken();
    h.clock.t += MINUTE - 1;
    await source.getToken();
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    h.clock.t += 1;
    await source.getToken();
    await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(2));
  });

  it('serves the still-valid cached token when a refresh fails, then throws the typed error after expiry, then recovers', async () => {
    const h = harness(2 * HOUR);
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 0 } });
    await source.getToken();
    h.clock.t += HOUR + MINUTE; // due, still valid
    for (let i = 0; i < 3; i++) h.plan.push(() => Promise.reject(failure(500)));
    expect((await source.getToken()).token).toBe('t-1'); // background refresh fails quietly
    await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(2));
    await backgroundFailureHandled();
    expect((await source.getToken({ forceRefresh: true })).token).toBe('t-1'); // blocking refresh fails, cached served
    expect(h.fetchToken).toHaveBeenCalledTimes(3);
    h.clock.t += HOUR; // expired
    const error = await source.getToken().catch((e: unknown) => e);
    expect(isTokenExchangeError(error)).toBe(true);
    expect((error as TokenExchangeError).status).toBe(500);
    expect((await source.getToken()).token).toBe('t-2');
  });

  it('waits a growing cooldown between failed background refreshes', async () => {
    const h = harness(12 * HOUR);
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 0, maxBackoffMs: 1000 } });
    await source.getToken();
    h.clock.t += 2 * HOUR;
    h.plan.push(() => Promise.reject(failure(503)), () => Promise.reject(failure(503)));
    await source.getToken();
    await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(2));
    await backgroundFailureHandled();
    await source.getToken(); // inside the 1 s cooldown: no call
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
    h.clock.t += 1000;
    await source.getToken();
    await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(3));
    await backgroundFailureHandled();
    h.clock.t += 1000; // second failure doubled the cooldown to 2 s
    await source.getToken();
    expect(h.fetchToken).toHaveBeenCalledTimes(3);
    h.clock.t += 1000;
    await source.getToken();
    await vi.waitFor(async () => expect((await source.getToken()).token).toBe('t-2'));
  });

  describe('invalidate', () => {
    it('is a no-op when the cache holds a different token', async () => {
      const h = harness();
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
      await source.getToken();
      await source.invalidate('some-older-token');
      expect((await source.getToken()).token).toBe('t-1');
      expect(h.fetchToken).toHaveBeenCalledTimes(1);
    });

    it('N concurrent 401s with the same stale token cause one refresh', async () => {
      const h = harness();
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
      const stale = (await source.getToken()).token;
      const replays = await Promise.all(
        Array.from({ length: 50 }, async () => {
          await source.invalidate(stale);
          return source.getToken();
        }),
      );
      expect(new Set(replays.map((t) => t.token))).toEqual(new Set(['t-2']));
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      // A late 401 for the old token does not discard the new one.
      await source.invalidate(stale);
      expect((await source.getToken()).token).toBe('t-2');
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
    });

    it('never serves the invalidated token, even when the forced refresh fails', async () => {
      const h = harness();
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 0 } });
      const { token } = await source.getToken();
      await source.invalidate(token);
      h.plan.push(() => Promise.reject(failure(503)));
      await expect(source.getToken({ forceRefresh: true })).rejects.toSatisfy(isTokenExchangeError);
      expect((await source.getToken()).token).toBe('t-2');
    });

    it('keeps the stored entry (e.g. a refresh token) and hands it to fetchToken as current', async () => {
      const h = harness();
      h.plan.push(({ now }) => ({ token: 'a-1', kind: 'oauth', refreshToken: 'r-1', issuedAt: now(), expiresAt: now() + HOUR * 24 }));
      h.plan.push(({ current, now }) => ({ token: 'a-2', kind: 'oauth', refreshToken: `${current?.refreshToken}-rotated`, issuedAt: now() }));
      const source = createRefreshingTokenSource({ id: 'oauth:user', kind: 'oauth', fetchToken: h.fetchToken, refresh: { now: h.now } });
      await source.invalidate(); // nothing cached: no-op
      expect((await source.getToken()).token).toBe('a-1');
      await source.invalidate();
      expect((await source.getToken()).token).toBe('a-2');
      expect(h.contexts[1]?.current?.refreshToken).toBe('r-1');
    });
  });

  describe('forced-refresh cooldown', () => {
    const SECOND = 1000;
    const source = (h: ReturnType<typeof harness>, refresh: object = {}) =>
      createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, ...refresh } });

    it('a token from a forced refresh is not force-refreshed again within 30 s: invalidate() resolves false and keeps it', async () => {
      const h = harness();
      const s = source(h);
      const first = (await s.getToken()).token;
      expect(await s.invalidate(first)).toBe(true); // a cached token gets its one forced refresh
      expect((await s.getToken()).token).toBe('t-2');
      for (let i = 0; i < 20; i++) {
        expect(await s.invalidate('t-2')).toBe(false);
        expect((await s.getToken()).token).toBe('t-2');
      }
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      h.clock.t += 30 * SECOND - 1;
      expect(await s.invalidate('t-2')).toBe(false);
      h.clock.t += 1; // the window is over: one more forced refresh, then a new window
      expect(await s.invalidate('t-2')).toBe(true);
      expect((await s.getToken()).token).toBe('t-3');
      expect(await s.invalidate('t-3')).toBe(false);
      expect(await s.invalidate()).toBe(false); // "whatever is cached" is held back all the same
      expect(h.fetchToken).toHaveBeenCalledTimes(3);
    });

    it('covers forceRefresh too, and a refresh that returns the same token value', async () => {
      const h = harness();
      h.plan.push(({ now }) => ({ token: 'same', kind: 'iam', issuedAt: now(), expiresAt: now() + HOUR }));
      h.plan.push(({ now }) => ({ token: 'same', kind: 'iam', issuedAt: now(), expiresAt: now() + HOUR }));
      const s = source(h);
      expect((await s.getToken()).token).toBe('same');
      expect((await s.getToken({ forceRefresh: true })).token).toBe('same'); // refreshed: same value, new window
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      expect((await s.getToken({ forceRefresh: true })).token).toBe('same');
      expect(await s.invalidate('same')).toBe(false);
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      h.clock.t += 30 * SECOND;
      expect((await s.getToken({ forceRefresh: true })).token).toBe('t-1');
      expect(h.fetchToken).toHaveBeenCalledTimes(3);
    });

    it('N concurrent 401s on a cached token share one refresh; then N more on its successor all fail fast', async () => {
      const h = harness();
      const s = source(h);
      const stale = (await s.getToken()).token;
      const first = await Promise.all(Array.from({ length: 50 }, async () => [await s.invalidate(stale), (await s.getToken()).token] as const));
      expect(new Set(first.map(([replay, token]) => `${replay}:${token}`))).toEqual(new Set(['true:t-2']));
      const second = await Promise.all(Array.from({ length: 50 }, async () => [await s.invalidate('t-2'), (await s.getToken()).token] as const));
      expect(new Set(second.map(([replay, token]) => `${replay}:${token}`))).toEqual(new Set(['false:t-2']));
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
    });

    it('does not hold back expiry: an expired token is refreshed inside the window', async () => {
      const h = harness(10 * SECOND);
      const s = source(h);
      await s.getToken();
      await s.invalidate('t-1');
      expect((await s.getToken()).token).toBe('t-2');
      h.clock.t += 10 * SECOND; // t-2 expired, 10 s into its 30 s window
      expect(await s.invalidate('t-2')).toBe(true);
      expect((await s.getToken()).token).toBe('t-3');
    });

    it('never starts from the first token or an expiry-driven refresh, so a first 401 always gets its refresh', async () => {
      const h = harness(2 * HOUR);
      const s = source(h);
      await s.getToken();
      h.clock.t += 3 * HOUR; // expired: t-2 comes from an expiry-driven refresh
      expect((await s.getToken()).token).toBe('t-2');
      expect(await s.invalidate('t-2')).toBe(true);
      expect((await s.getToken()).token).toBe('t-3');
    });

    it('a clock that steps back does not stretch the window', async () => {
      const h = harness();
      const s = source(h);
      await s.getToken();
      await s.invalidate('t-1');
      await s.getToken();
      h.clock.t -= 30 * SECOND;
      expect(await s.invalidate('t-2')).toBe(true);
      expect((await s.getToken()).token).toBe('t-3');
    });

    it('forcedRefreshCooldownMs: 0 turns it off; a custom window is honoured', async () => {
      const off = harness();
      const s = source(off, { forcedRefreshCooldownMs: 0 });
      await s.getToken();
      for (let i = 0; i < 3; i++) {
        const { token } = await s.getToken();
        expect(await s.invalidate(token)).toBe(true);
      }
      expect((await s.getToken()).token).toBe('t-4');

      const h = harness();
      const custom = source(h, { forcedRefreshCooldownMs: 5 * SECOND });
      await custom.getToken();
      await custom.invalidate('t-1');
      await custom.getToken();
      h.clock.t += 5 * SECOND - 1;
      expect(await custom.invalidate('t-2')).toBe(false);
      h.clock.t += 1;
      expect(await custom.invalidate('t-2')).toBe(true);
    });

    it('waitIfDue: a due token is refreshed and awaited even seconds after a forced refresh (cooldown not applied)', async () => {
      const h = harness();
      const s = source(h, { maxAgeMs: 1000 });
      await s.getToken();
      expect(await s.invalidate('t-1')).toBe(true);
      expect((await s.getToken()).token).toBe('t-2'); // a forced refresh: its window starts
      h.clock.t += 2 * SECOND; // t-2 is due (1 s old max), 2 s into the 30 s window
      expect(await s.invalidate('t-2')).toBe(false); // a 401-driven refresh is still held back
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      // 50 concurrent callers asking to wait share one refresh, and all get its token.
      const tokens = await Promise.all(Array.from({ length: 50 }, () => s.getToken({ waitIfDue: true })));
      expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['t-3']));
      expect(h.fetchToken).toHaveBeenCalledTimes(3);
      h.clock.t += 2 * SECOND;
      expect((await s.getToken({ waitIfDue: true })).token).toBe('t-4');
      expect((await s.getToken({ waitIfDue: true })).token).toBe('t-4'); // fresh: a lookup
      expect(h.fetchToken).toHaveBeenCalledTimes(4);
      // Due refreshes start no window: the first 401 of t-4 still gets its refresh.
      expect(await s.invalidate('t-4')).toBe(true);
    });

    it('waitIfDue: a failed refresh of a due token serves the still-valid one; without it the refresh runs in the background', async () => {
      const h = harness();
      const s = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 0, maxAgeMs: HOUR } });
      await s.getToken();
      h.clock.t += HOUR;
      let release: () => void = () => undefined;
      h.plan.push(() => new Promise((_, reject) => (release = () => reject(failure(503)))));
      const waiting = s.getToken({ waitIfDue: true });
      await vi.waitFor(() => expect(h.fetchToken).toHaveBeenCalledTimes(1 + 1));
      // Not waiting: the cached token at once, sharing the refresh in flight (no second call).
      expect((await s.getToken()).token).toBe('t-1');
      release();
      expect((await waiting).token).toBe('t-1');
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      expect((await s.getToken({ waitIfDue: true })).token).toBe('t-2');
    });

    it('a failed forced refresh starts no window: the next 401 tries again (and the rejected token is never served)', async () => {
      const h = harness();
      const s = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 0 } });
      await s.getToken();
      h.plan.push(() => Promise.reject(failure(503)));
      expect(await s.invalidate('t-1')).toBe(true);
      await expect(s.getToken()).rejects.toSatisfy(isTokenExchangeError);
      expect(await s.invalidate('t-1')).toBe(true);
      expect((await s.getToken()).token).toBe('t-2');
    });
  });

  describe('retries', () => {
    it('retries 5xx and network errors with backoff, up to `retries` more attempts', async () => {
      const h = harness();
      h.plan.push(
        () => Promise.reject(failure(500)),
        () => Promise.reject(failure(503)),
        () => Promise.reject(new TypeError('fetch failed')),
      );
      const source = createRefreshingTokenSource({
        id: 'iam:test',
        kind: 'iam',
        fetchToken: h.fetchToken,
        refresh: { now: h.now, retries: 3, backoffMs: 1 },
        isRetryable: (e) => e instanceof TypeError || isRetryableTokenError(e),
      });
      expect((await source.getToken()).token).toBe('t-1');
      expect(h.contexts.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    });

    it('gives up after `retries` and throws the last error', async () => {
      const h = harness();
      for (let i = 0; i < 5; i++) h.plan.push(() => Promise.reject(failure(500)));
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, retries: 2, backoffMs: 1 } });
      await expect(source.getToken()).rejects.toSatisfy(isTokenExchangeError);
      expect(h.fetchToken).toHaveBeenCalledTimes(3);
    });

    it('does not retry 4xx', async () => {
      const h = harness();
      h.plan.push(() => Promise.reject(failure(401)));
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, backoffMs: 1 } });
      await expect(source.getToken()).rejects.toMatchObject({ status: 401 });
      expect(h.fetchToken).toHaveBeenCalledTimes(1);
    });

    it('honours Retry-After on 429, and stops when it asks for longer than maxBackoffMs', async () => {
      const h = harness();
      const delays: number[] = [];
      let last = 0;
      const stamp = () => {
        const t = performance.now();
        if (last) delays.push(t - last);
        last = t;
      };
      h.plan.push(
        () => (stamp(), Promise.reject(failure(429, { retryAfterMs: 60 }))),
        () => (stamp(), Promise.reject(failure(429, { retryAfterMs: 10_000 }))),
      );
      const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, backoffMs: 1, maxBackoffMs: 1000 } });
      await expect(source.getToken()).rejects.toMatchObject({ status: 429 });
      expect(h.fetchToken).toHaveBeenCalledTimes(2);
      // The second attempt came no sooner than the 60 ms the server asked for (not the 1 ms backoff).
      expect(delays[0]).toBeGreaterThanOrEqual(55);
    });
  });

  it('aborting one caller rejects only that caller; the shared refresh completes for the others', async () => {
    const h = harness();
    let release!: () => void;
    h.plan.push(({ now }) => new Promise((resolve) => (release = () => resolve({ token: 'slow', kind: 'iam', issuedAt: now(), expiresAt: now() + HOUR * 12 }))));
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now } });
    const controller = new AbortController();
    const aborted = source.getToken({ signal: controller.signal });
    const other = source.getToken();
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    release();
    expect((await other).token).toBe('slow');
    await expect(source.getToken({ signal: AbortSignal.abort() })).rejects.toSatisfy(isAbortedError);
  });

  it('times out an attempt that never answers, aborting its signal', async () => {
    const h = harness();
    let seen: AbortSignal | undefined;
    h.plan.push(({ signal }) => ((seen = signal), new Promise<never>(() => undefined)));
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, refresh: { now: h.now, timeoutMs: 20, retries: 0 } });
    const error = await source.getToken().catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
  });

  it('starts from `initial`, calls onRefresh with each new token, and fills issuedAt', async () => {
    const h = harness();
    const refreshed: StoredToken[] = [];
    h.plan.push(() => ({ token: 'no-dates', kind: 'iam' }));
    const source = createRefreshingTokenSource({
      id: 'iam:test',
      kind: 'iam',
      fetchToken: h.fetchToken,
      initial: { token: 'seed', kind: 'iam', issuedAt: h.now(), expiresAt: h.now() + HOUR },
      onRefresh: (t) => void refreshed.push(t),
      refresh: { now: h.now },
    });
    expect((await source.getToken()).token).toBe('seed');
    expect(h.fetchToken).not.toHaveBeenCalled();
    h.clock.t += HOUR;
    expect((await source.getToken()).token).toBe('no-dates');
    expect(refreshed).toEqual([{ token: 'no-dates', kind: 'iam', issuedAt: h.now() }]);
  });

  it('instances sharing a store share the token: the second one makes no upstream call', async () => {
    const h = harness();
    const store = createMemoryTokenStore();
    const a = createRefreshingTokenSource({ id: 'iam:shared', kind: 'iam', fetchToken: h.fetchToken, store, refresh: { now: h.now } });
    const b = createRefreshingTokenSource({ id: 'iam:shared', kind: 'iam', fetchToken: h.fetchToken, store, refresh: { now: h.now } });
    expect((await a.getToken()).token).toBe('t-1');
    expect((await b.getToken()).token).toBe('t-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(1);
  });

  it('never prints the token', async () => {
    const h = harness();
    const store = createMemoryTokenStore();
    const source = createRefreshingTokenSource({ id: 'iam:test', kind: 'iam', fetchToken: h.fetchToken, store, refresh: { now: h.now } });
    const token = await source.getToken();
    for (const value of [source, token, store]) {
      expect(JSON.stringify(value)).not.toContain('t-1');
      expect(inspect(value, { depth: 5 })).not.toContain('t-1');
    }
    expect(JSON.parse(JSON.stringify(source))).toEqual({ id: 'iam:test', kind: 'iam' });
    expect(token.token).toBe('t-1');
  });

  it('validates its options at construction', () => {
    const fetchToken = async () => ({ token: 'x', kind: 'iam' as const });
    const attempt = (o: object) => () => createRefreshingTokenSource({ id: 'iam:x', kind: 'iam', fetchToken, ...o } as never);
    expect(attempt({ id: '' })).toThrow(ConfigurationError);
    expect(attempt({ kind: 'bearer' })).toThrow(/kind/);
    expect(attempt({ fetchToken: 'nope' })).toThrow(/fetchToken/);
    expect(attempt({ refresh: { maxAgeMs: -1 } })).toThrow(expect.objectContaining({ field: 'refresh.maxAgeMs' }));
    expect(attempt({ refresh: { timeoutMs: 0 } })).toThrow(expect.objectContaining({ field: 'refresh.timeoutMs' }));
    expect(attempt({ refresh: { retries: 1.5 } })).toThrow(expect.objectContaining({ field: 'refresh.retries' }));
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '30000']) {
      expect(attempt({ refresh: { forcedRefreshCooldownMs: bad } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', field: 'refresh.forcedRefreshCooldownMs' }));
    }
    expect(attempt({ refresh: { forcedRefreshCooldownMs: 0 } })).not.toThrow();
    expect(attempt({ store: {} })).toThrow(expect.objectContaining({ field: 'store' }));
    expect(attempt({ initial: { token: '' } })).toThrow(expect.objectContaining({ code: 'INVALID_TOKEN' }));
  });
});
