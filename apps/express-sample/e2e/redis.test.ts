/**
 * The sample with `REDIS_URL`: two instances behind one real Redis (a `redis-server` of its own,
 * ephemeral port, temp dir) share a signed-in user's tokens; a bad `REDIS_URL` stops the start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type StartedProcess } from '@tracker-auth-tools/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, freePort, freePorts, runSampleExpectingExit, startFake, startSample, type FakeHandle, type SampleHandle } from './harness.js';

let fake: FakeHandle;
let redis: StartedProcess;
let redisPort: number;
let redisDir: string;
let a: SampleHandle;
let b: SampleHandle;
let env: (port: number) => Record<string, string>;

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error("redis-server not found: this test starts a real Redis. Install Debian's package: apt-get install -y redis-server");
  }
  redisPort = await freePort();
  redisDir = mkdtempSync(join(tmpdir(), 'express-sample-redis-'));
  redis = startProcess('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'no'], { name: 'redis-server' });
  await redis.waitForOutput(/Ready to accept connections/);
  const [portA, portB] = await freePorts(2);
  fake = await startFake([`http://127.0.0.1:${portA}/auth/callback`]);
  env = (port) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    FAKE_YANDEX_URL: fake.url,
    YANDEX_CLIENT_ID: fake.demo.app.clientId,
    YANDEX_CLIENT_SECRET: fake.demo.app.clientSecret ?? '',
    TRACKER_ORG_ID: fake.demo.orgId,
    // Instances behind one load balancer share the session secret (and the redirect URI).
    SESSION_SECRET: 'express-sample-redis-test-secret-32-bytes!',
    REDIRECT_URI: `http://127.0.0.1:${portA}/auth/callback`,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  });
  [a, b] = await Promise.all([startSample(env(portA)), startSample(env(portB))]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.stop();
  await redis?.stop();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
});

const page = (sample: SampleHandle, cookie: string) => fetch(sample.url, { headers: { cookie } });
const sessionCookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))?.split(';')[0];

describe('express-sample with REDIS_URL', () => {
  it('signed in at one instance, a rotation at the other reaches the browser; tokens are in Redis, sealed', async () => {
    const browser = new Browser();
    const { response } = await browser.follow(`${a.url}/auth/sign-in`);
    expect(response.status).toBe(200);
    let cookie = browser.setCookies.filter((c) => c.startsWith('tracker_session=')).at(-1)!.split(';')[0]!;

    // Tracker refuses the token once at B: one refresh, the new cookie comes back from B.
    await fake.reset();
    await fake.inject('tracker', { status: 401, times: 1 });
    const atB = await page(b, cookie);
    expect(atB.status).toBe(200);
    expect(await atB.text()).toContain(fake.demo.user.login);
    expect(await fake.count('oauth.token')).toBe(1);
    cookie = sessionCookieOf(atB) ?? cookie;

    // A serves the rotated session without another refresh.
    const atA = await page(a, cookie);
    expect(atA.status).toBe(200);
    expect(await atA.text()).toContain(fake.demo.user.login);
    expect(await fake.count('oauth.token')).toBe(1);

    const keys = spawnSync('redis-cli', ['-p', String(redisPort), '--scan'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(keys.filter((key) => key.endsWith(':t')).length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = spawnSync('redis-cli', ['-p', String(redisPort), 'GET', key], { encoding: 'utf8' }).stdout;
      // Token values are `<fence>:<sealed>`; the lock and fence keys hold an owner id and a number.
      if (key.endsWith(':t')) expect(value).toMatch(/^\d+:v1\./);
      else expect(value).toMatch(/^[\d\n]+$|^[0-9a-f-]{36}\n$/);
      expect(value).not.toContain(fake.demo.app.clientSecret ?? 'never');
    }
  });

  it('a REDIS_URL that is not a redis:// URL stops the start, naming the variable', async () => {
    const { code, output } = await runSampleExpectingExit({ ...env(await freePort()), REDIS_URL: 'http://127.0.0.1:6379' });
    expect(code).toBe(1);
    expect(output).toContain('REDIS_URL must be a redis:// or rediss:// URL');
  });
});
