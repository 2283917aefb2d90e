/**
 * Several app instances (real Node processes) behind one real Redis, IAM against the fake:
 * one IAM exchange per refresh across all of them, a killed lock holder taken over, Redis
 * outages served from memory, and nothing readable left in Redis.
 */
import { startProcess, type StartedProcess } from '@tracker-auth-tools/test-harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createRedisTokenStore, type RedisTokenStore } from '@tracker-auth/redis';
import { bundleFixture } from './bundle.js';
import { startRedis, type TestRedis } from './redis-server.js';

const SECRET = 'multi-process-test-secret-32-bytes!!';
const INSTANCES = 4;
const CALLERS = 250;
/** refresh.timeoutMs of the children: their lock lives 2 × this. */
const TIMEOUT_MS = 2000;
const LOCK_TTL_MS = 2 * TIMEOUT_MS;
/** The documented longest wait: lock expiry + the 1 s wait margin, then one attempt (timeout + grace). */
const WAIT_BOUND_MS = LOCK_TTL_MS + 1000 + TIMEOUT_MS + Math.min(1000, TIMEOUT_MS);

interface Burst {
  tokens: string[];
  failed: number;
  errors: string[];
  maxMs: number;
  events: string[];
}

let fake: FakeYandex;
let redis: TestRedis;
let parentStore: RedisTokenStore;
let children: { process: StartedProcess; url: string }[] = [];

async function startChild(script: string) {
  const child = startProcess(process.execPath, [script], {
    name: 'instance',
    env: { ...process.env, REDIS_URL: redis.url, SECRET, FAKE_URL: fake.url, OAUTH_TOKEN: fake.demo.oauthToken, TIMEOUT_MS: String(TIMEOUT_MS) },
  });
  const [, port] = await child.waitForOutput(/READY (\d+)/);
  return { process: child, url: `http://127.0.0.1:${port}` };
}

const burst = async (url: string, id: string): Promise<Burst> => (await fetch(`${url}/burst?id=${encodeURIComponent(id)}&n=${CALLERS}`)).json() as Promise<Burst>;
/** The credential's token in Redis is expired (as if issued 12 h ago): every instance must refresh. */
const seedExpired = (id: string) => parentStore.set(id, { token: `expired-${id}`, kind: 'iam', issuedAt: Date.now() - 12 * 3_600_000, expiresAt: Date.now() - 1000 });
const iamCalls = () => fake.calls.count('iam.tokens');

beforeAll(async () => {
  [fake, redis] = await Promise.all([startFakeYandex(), startRedis()]);
  parentStore = createRedisTokenStore({ redis: redis.url, secrets: SECRET, localCacheMs: 0 });
  const script = await bundleFixture('instance');
  children = await Promise.all(Array.from({ length: INSTANCES }, () => startChild(script)));
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.process.stop()));
  await parentStore?.close();
  await Promise.all([fake?.close(), redis?.close()]);
});

describe(`${INSTANCES} processes × ${CALLERS} callers, one Redis`, () => {
  it('an expired IAM token: exactly one IAM exchange in total, every caller gets the same token', async () => {
    await seedExpired('iam:phase1');
    const before = iamCalls();
    const results = await Promise.all(children.map((c) => burst(c.url, 'iam:phase1')));
    expect(iamCalls() - before).toBe(1);
    expect(results.map((r) => r.failed)).toEqual([0, 0, 0, 0]);
    expect(new Set(results.flatMap((r) => r.tokens)).size).toBe(1);
  });

  it('the lock holder is SIGKILLed mid-refresh: another instance takes over within the lock expiry, no caller waits past the bound', async () => {
    await seedExpired('iam:phase2');
    const before = iamCalls();
    // The first IAM answer takes longer than the holder will live.
    fake.faults.inject('iam.tokens', { delayMs: 30_000, times: 1 });
    const holder = children[0]!;
    void burst(holder.url, 'iam:phase2').catch(() => undefined);
    await vi.waitFor(() => expect(iamCalls()).toBe(before + 1), { timeout: 10_000, interval: 20 });
    holder.process.child.kill('SIGKILL');
    await holder.process.exited;
    const started = Date.now();
    const results = await Promise.all(children.slice(1).map((c) => burst(c.url, 'iam:phase2')));
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.failed)).toEqual([0, 0, 0]);
    expect(new Set(results.flatMap((r) => r.tokens)).size).toBe(1);
    // The killed holder's exchange plus exactly one takeover.
    expect(iamCalls() - before).toBe(2);
    // The takeover waited for the dead holder's lock to expire, not for longer than the bound.
    expect(elapsed).toBeGreaterThanOrEqual(LOCK_TTL_MS / 2);
    expect(Math.max(...results.map((r) => r.maxMs))).toBeLessThan(WAIT_BOUND_MS);
    children[0] = await startChild(await bundleFixture('instance'));
  });

  it('Redis stopped with valid cached tokens: 0 failed requests; restarted: a new refresh is again single across processes', async () => {
    await seedExpired('iam:phase3');
    const warm = await Promise.all(children.map((c) => burst(c.url, 'iam:phase3')));
    expect(new Set(warm.flatMap((r) => r.tokens)).size).toBe(1);
    await redis.stop();
    // Bursts until every instance has met the outage (its local copy aged out, Redis did not answer).
    const during: Burst[] = [];
    await vi.waitFor(async () => {
      const round = await Promise.all(children.map((c) => burst(c.url, 'iam:phase3')));
      during.push(...round);
      expect(round.every((r) => r.events.includes('unavailable'))).toBe(true);
    }, { timeout: 15_000, interval: 50 });
    expect(during.reduce((sum, r) => sum + r.failed, 0)).toBe(0);
    expect(new Set(during.flatMap((r) => r.tokens))).toEqual(new Set(warm.flatMap((r) => r.tokens)));
    await redis.start();
    await vi.waitFor(async () => {
      const pings = await Promise.all(children.map(async (c) => ((await (await fetch(`${c.url}/ping`)).json()) as { ok: boolean }).ok));
      expect(pings).toEqual([true, true, true, true]);
      expect(await parentStore.client.ping()).toBe('PONG');
    }, { timeout: 15_000, interval: 200 });
    await seedExpired('iam:phase4');
    const before = iamCalls();
    const after = await Promise.all(children.map((c) => burst(c.url, 'iam:phase4')));
    expect(after.map((r) => r.failed)).toEqual([0, 0, 0, 0]);
    expect(iamCalls() - before).toBe(1);
    expect(new Set(after.flatMap((r) => r.tokens)).size).toBe(1);
  });

  it('redis-cli --scan and GET of every key: no token, refresh token or client secret in plaintext', async () => {
    await seedExpired('iam:phase5');
    await Promise.all(children.map((c) => burst(c.url, 'iam:phase5')));
    const secrets = [fake.demo.oauthToken, SECRET];
    for (const id of ['iam:phase4', 'iam:phase5']) secrets.push((await parentStore.get(id))!.token);
    const keys = redis.cli('--scan').trim().split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = redis.cli('GET', key);
      for (const secret of secrets) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
        expect(value).not.toContain(Buffer.from(secret).toString('base64'));
      }
      expect(key).not.toMatch(/phase|iam:/);
    }
  });
});
