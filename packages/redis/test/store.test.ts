import { Redis } from 'ioredis';
import { vi } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@tracker-auth/core';
import { createRefreshingTokenSource } from '@tracker-auth/core/adapter';
import { createRedisTokenStore, type RedisTokenStoreEvent } from '@tracker-auth/redis';
import { startRedis, type TestRedis } from './redis-server.js';

const SECRET = 'a-test-secret-that-is-long-enough-32b!';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

const hour = 3_600_000;
const token = (t: string, extra: Partial<{ expiresAt: number; refreshToken: string }> = {}) => ({ token: t, kind: 'iam' as const, issuedAt: Date.now(), expiresAt: Date.now() + hour, ...extra });

describe('createRedisTokenStore', () => {
  it('round-trips a token between two stores (two instances) and deletes it for both', async () => {
    const a = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0 });
    const b = createRedisTokenStore({ redis: redis.url, secrets: [SECRET], localCacheMs: 0 });
    await a.set('iam:sa:one', token('t1.secret-value', { refreshToken: 'r1.secret' }));
    expect(await b.get('iam:sa:one')).toMatchObject({ token: 't1.secret-value', kind: 'iam', refreshToken: 'r1.secret' });
    await b.delete('iam:sa:one');
    expect(await a.get('iam:sa:one')).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps nothing readable in Redis: hashed keys under the prefix, sealed values, TTL from the expiry', async () => {
    const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET, prefix: 'app1:' });
    await store.set('iam:sa:visible-id', token('plain-iam-token-123', { expiresAt: Date.now() + 10 * 60_000 }));
    const keys = redis.cli('--scan', '--pattern', 'app1:*').trim().split('\n');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^app1:\{[A-Za-z0-9_-]{43}\}:t$/);
    expect(keys[0]).not.toContain('visible-id');
    const raw = redis.cli('GET', keys[0]!);
    expect(raw).not.toContain('plain-iam-token-123');
    expect(raw).toMatch(/^\d+:v1\./);
    const ttl = Number(redis.cli('PTTL', keys[0]!));
    // Ten minutes to expiry plus a one-minute grace.
    expect(ttl).toBeGreaterThan(10 * 60_000);
    expect(ttl).toBeLessThanOrEqual(11 * 60_000);
    await store.close();
  });

  it('opens values sealed with an older secret (rotation) and ignores values it cannot open', async () => {
    const older = 'the-older-secret-also-32-bytes-long!!';
    const events: RedisTokenStoreEvent[] = [];
    const before = createRedisTokenStore({ redis: redis.url, secrets: older });
    await before.set('rotation', token('rotated-token'));
    const after = createRedisTokenStore({ redis: redis.url, secrets: [SECRET, older] });
    expect((await after.get('rotation'))?.token).toBe('rotated-token');
    const stranger = createRedisTokenStore({ redis: redis.url, secrets: 'a-completely-different-secret-32bytes', onEvent: (e) => events.push(e) });
    expect(await stranger.get('rotation')).toBeUndefined();
    expect(events).toEqual([{ type: 'unreadable' }]);
    await Promise.all([before.close(), after.close(), stranger.close()]);
  });

  it('serves a valid token from process memory: no Redis command per read', async () => {
    const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 60_000 });
    await store.set('hot', token('hot-token'));
    const info = () => Number(/total_commands_processed:(\d+)/.exec(redis.cli('INFO', 'stats'))![1]);
    const before = info();
    for (let i = 0; i < 1000; i++) expect(store.get('hot')).toMatchObject({ token: 'hot-token' });
    // Only the INFO command itself was processed in between.
    expect(info() - before).toBe(1);
    await store.close();
  });

  it('never serves an expired token from process memory: it asks Redis', async () => {
    const a = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 60_000 });
    const b = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 60_000 });
    await a.set('exp', token('old', { expiresAt: Date.now() - 1 }));
    expect(await a.get('exp')).toMatchObject({ token: 'old' });
    await b.set('exp', token('new'));
    expect(await a.get('exp')).toMatchObject({ token: 'new' });
    await Promise.all([a.close(), b.close()]);
  });

  it('lock: one holder at a time, released only by its owner, free again after its expiry; fences increase', async () => {
    const a = createRedisTokenStore({ redis: redis.url, secrets: SECRET });
    const b = createRedisTokenStore({ redis: redis.url, secrets: SECRET });
    const first = await a.lock('locked', { ttlMs: 300 });
    expect(first?.fence).toBeGreaterThan(0);
    expect(await b.lock('locked', { ttlMs: 300 })).toBeUndefined();
    await vi.waitFor(async () => expect(await b.lock('locked', { ttlMs: 5000 })).toBeDefined(), { timeout: 3000, interval: 50 });
    // The first holder's lock expired; its release must not free the second holder's lock.
    await first!.release();
    expect(await a.lock('locked', { ttlMs: 5000 })).toBeUndefined();
    expect(JSON.stringify(first)).not.toMatch(/owner|[0-9a-f]{8}-[0-9a-f]{4}/);
    await Promise.all([a.close(), b.close()]);
  });

  it('fencing: a holder whose lock expired cannot overwrite the token the next holder stored', async () => {
    const a = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0 });
    const b = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0 });
    const stale = (await a.lock('fenced', { ttlMs: 100 }))!;
    let fresh: Awaited<ReturnType<typeof b.lock>>;
    await vi.waitFor(async () => {
      fresh = await b.lock('fenced', { ttlMs: 5000 });
      expect(fresh).toBeDefined();
    }, { timeout: 3000, interval: 20 });
    expect(fresh!.fence).toBeGreaterThan(stale.fence);
    expect(await fresh!.set(token('newer'))).toBe(true);
    expect(await stale.set(token('stale'))).toBe(false);
    expect((await a.get('fenced'))?.token).toBe('newer');
    // A plain set (no lock) carries the current fence, so stale holders cannot undo it either.
    await b.set('fenced', token('plain'));
    expect(await stale.set(token('stale-again'))).toBe(false);
    expect((await a.get('fenced'))?.token).toBe('plain');
    await fresh!.release();
    await Promise.all([a.close(), b.close()]);
  });

  it('works on a client you pass (the way Cluster and Sentinel clients are used) and leaves it open', async () => {
    const client = new Redis(redis.url);
    const store = createRedisTokenStore({ redis: client, secrets: SECRET });
    await store.set('own-client', token('t'));
    expect(await store.get('own-client')).toMatchObject({ token: 't' });
    await store.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('rejects bad options at construction, and prints no token', async () => {
    expect(() => createRedisTokenStore({ redis: redis.url, secrets: 'short' })).toThrow(ConfigurationError);
    expect(() => createRedisTokenStore({ redis: 'http://localhost', secrets: SECRET })).toThrow(/redis:\/\//);
    expect(() => createRedisTokenStore({ redis: redis.url, secrets: SECRET, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => createRedisTokenStore({ redis: redis.url, secrets: SECRET, prefix: 'a b' })).toThrow(/prefix/);
    const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET });
    await store.set('printed', token('never-print-me'));
    expect(JSON.stringify(store)).not.toContain('never-print-me');
    expect(JSON.stringify(store)).not.toContain(SECRET);
    await store.close();
  });

  it('serves the engine from process memory while Redis is down, then shares again', async () => {
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0, commandTimeoutMs: 200, retryAfterFailureMs: 100, onEvent: (e) => events.push(e) });
    let calls = 0;
    const source = createRefreshingTokenSource({
      id: 'iam:degraded',
      kind: 'iam',
      store,
      fetchToken: async ({ now }) => ({ token: `minted-${++calls}`, kind: 'iam', issuedAt: now(), expiresAt: now() + hour }),
    });
    expect((await source.getToken()).token).toBe('minted-1');
    await redis.stop();
    try {
      for (let i = 0; i < 20; i++) expect((await source.getToken()).token).toBe('minted-1');
      expect(events.some((e) => e.type === 'unavailable')).toBe(true);
      // A refresh while Redis is down happens locally.
      expect(await source.invalidate('minted-1')).toBe(true);
      expect((await source.getToken()).token).toBe('minted-2');
    } finally {
      await redis.start();
    }
    await vi.waitFor(async () => {
      await store.set('probe', token('p'));
      expect(events.at(-1)?.type).toBe('recovered');
    }, { timeout: 10_000, interval: 200 });
    expect(JSON.stringify(events)).not.toMatch(/minted|secret/);
    await store.close();
  });
});

describe('reads of an aged local copy', () => {
  it('concurrent reads share one Redis GET', async () => {
    const store = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0 });
    await store.set('shared-read', token('t'));
    const info = () => Number(/total_commands_processed:(\d+)/.exec(redis.cli('INFO', 'stats'))![1]);
    const before = info();
    const values = await Promise.all(Array.from({ length: 100 }, () => store.get('shared-read')));
    expect(values.every((v) => v?.token === 't')).toBe(true);
    // One GET, plus the INFO command itself.
    expect(info() - before).toBe(2);
    await store.close();
  });
});
