/**
 * The stored login is refreshed when used, and every rotation is written back. The fake issues
 * device-flow tokens for a year; a login holding a 2-minute token (issued by the fake for the
 * demo app and a device, the way the device flow would) makes the refresh window reachable
 * without a clock hook in the CLI: the CLI's own clock sees the token due, the fake's clock is
 * moved to decide whether Yandex hands back the same access token or a new one.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionSealer, type SessionSealer } from '@tracker-auth/core';
import { writeLogin, type StoredLogin } from '../src/login-file.js';
import { bundleCli, createWorld, modeOf, myself, readLoginFile, runCli, type CliWorld } from './harness.js';

const LIFETIME_S = 120;
const SEAL_KEY = 'cli-test-seal-key-0123456789abcdefghijklmnop';

let script: string;
let fake: FakeYandex;
let world: CliWorld;

beforeAll(async () => {
  script = await bundleCli();
});

beforeEach(async () => {
  fake = await startFakeYandex();
  world = createWorld(fake, { TRACKER_ORG_ID: fake.demo.orgId });
});

afterEach(async () => {
  await fake.close();
});

/** A stored login as `tracker-auth login` writes it, holding a short-lived device token. */
async function seedLogin(sealer?: SessionSealer, expiresAt?: number): Promise<StoredLogin> {
  const deviceId = 'tracker-auth-cli-refresh-test';
  const issued = fake.oauth.issueToken({ expiresIn: LIFETIME_S, clientId: fake.demo.app.clientId, deviceId });
  const login: StoredLogin = {
    tokens: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenType: 'bearer', expiresAt: expiresAt ?? Date.now() + issued.expiresIn * 1000 },
    clientId: fake.demo.app.clientId,
    clientSecret: fake.demo.app.clientSecret,
    deviceId,
    deviceName: 'refresh test',
    org: { orgId: fake.demo.orgId },
    oauthUrl: fake.urls.oauth,
    trackerUrl: fake.urls.tracker,
    savedAt: Date.now(),
  };
  await writeLogin(world.loginFile, login, sealer);
  return login;
}

const refreshCalls = () => fake.requests.filter((r) => r.endpoint === 'oauth.token' && r.params?.grant_type === 'refresh_token');

describe('refresh of the stored login', () => {
  it('same access token with a new refresh token is kept; near expiry a new access token; both written back 0600', async () => {
    const seeded = await seedLogin();
    // Due by the CLI's clock (2 minutes left < 5-minute window); long to live by Yandex's: same access token back.
    const first = await runCli(script, world, ['token']);
    expect(first).toMatchObject({ code: 0, stdout: `${seeded.tokens.accessToken}\n` });
    expect(refreshCalls().map((r) => r.status)).toEqual([200]);
    const afterFirst = readLoginFile(world).login!;
    expect(afterFirst.tokens.accessToken).toBe(seeded.tokens.accessToken);
    expect(afterFirst.tokens.refreshToken).not.toBe(seeded.tokens.refreshToken);
    expect(modeOf(world.loginFile)).toBe(0o600);

    // The old refresh token is dead: this refresh works only because the new one was saved.
    const second = await runCli(script, world, ['token']);
    expect(second.code).toBe(0);
    expect(refreshCalls().map((r) => r.status)).toEqual([200, 200]);
    const afterSecond = readLoginFile(world).login!;
    expect(afterSecond.tokens.refreshToken).not.toBe(afterFirst.tokens.refreshToken);

    // Near its end at Yandex (< 10 % left), the refresh issues a new access token.
    fake.clock.advance((LIFETIME_S - 10) * 1000);
    const who = await runCli(script, world, ['whoami', '--json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ login: 'demo.user' });
    const rotated = readLoginFile(world).login!;
    expect(rotated.tokens.accessToken).not.toBe(seeded.tokens.accessToken);
    expect(modeOf(world.loginFile)).toBe(0o600);

    // Past the first token's expiry: it is dead at Tracker, the stored login still works.
    fake.clock.advance(20_000);
    expect((await myself(fake, { Authorization: `OAuth ${seeded.tokens.accessToken}`, 'X-Org-ID': fake.demo.orgId })).status).toBe(401);
    const headers = await runCli(script, world, ['headers', '--format', 'json']);
    expect(headers.code).toBe(0);
    expect(await myself(fake, JSON.parse(headers.stdout))).toMatchObject({ status: 200, body: { login: 'demo.user' } });
    expect(JSON.parse(headers.stdout).Authorization).toBe(`OAuth ${readLoginFile(world).login!.tokens.accessToken}`);
  });

  it('a year-long token stored more than 90 days ago is refreshed, not left to die at its expiry', async () => {
    const deviceId = 'tracker-auth-cli-age-test';
    const issued = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, deviceId });
    const login: StoredLogin = {
      tokens: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenType: 'bearer', expiresAt: Date.now() + issued.expiresIn * 1000 },
      clientId: fake.demo.app.clientId,
      clientSecret: fake.demo.app.clientSecret,
      deviceId,
      deviceName: 'age test',
      savedAt: Date.now() - 91 * 24 * 60 * 60 * 1000,
    };
    await writeLogin(world.loginFile, login, undefined);
    expect((await runCli(script, world, ['token'])).code).toBe(0);
    expect(refreshCalls().map((r) => r.status)).toEqual([200]);
    const saved = readLoginFile(world).login!;
    expect(saved.tokens.refreshToken).not.toBe(issued.refreshToken);
    expect(saved.savedAt).toBeGreaterThan(Date.now() - 60_000);
    // Saved just now: the next run has nothing to refresh.
    expect((await runCli(script, world, ['token'])).code).toBe(0);
    expect(refreshCalls()).toHaveLength(1);
  });

  it('an expired token whose refresh token no longer works: exit 3, sign in again', async () => {
    // Expired by the CLI's clock: nothing left to serve while the refresh fails.
    const seeded = await seedLogin(undefined, Date.now() - 1000);
    // Spend the stored refresh token behind the CLI's back.
    const res = await fetch(`${fake.urls.oauth}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: seeded.tokens.refreshToken!, client_id: seeded.clientId, client_secret: seeded.clientSecret }),
    });
    expect(res.status).toBe(200);
    const result = await runCli(script, world, ['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('can no longer be refreshed (invalid_grant): sign in again.');
    expect(result.stderr).toContain('hint: run `tracker-auth login` to sign in.');
    expect(result.output).not.toContain(seeded.tokens.refreshToken);
  });

  it('a sealed login: opened only with its key, and still sealed after the refresh', async () => {
    const sealer = createSessionSealer({ secrets: [SEAL_KEY], purpose: 'tracker-auth-cli-login', ttlSeconds: 3600 });
    const seeded = await seedLogin(sealer);
    const text = () => JSON.stringify(readLoginFile(world));
    expect(text()).not.toContain(seeded.tokens.accessToken);

    const withoutKey = await runCli(script, world, ['token']);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain('is sealed');
    expect(withoutKey.stderr).toContain('TRACKER_AUTH_SEAL_KEY');
    const wrongKey = await runCli(script, world, ['token'], { env: { TRACKER_AUTH_SEAL_KEY: 'x'.repeat(40) } });
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain('cannot be opened with this seal key');

    const ok = await runCli(script, world, ['token'], { env: { TRACKER_AUTH_SEAL_KEY: SEAL_KEY } });
    expect(ok).toMatchObject({ code: 0, stdout: `${seeded.tokens.accessToken}\n` });
    expect(refreshCalls()).toHaveLength(1);
    const file = readLoginFile(world);
    expect(file.login).toBeUndefined();
    expect(file.sealed).toMatch(/^v1\./);
    expect(text()).not.toContain(seeded.tokens.refreshToken);
    const reopened = await sealer.unseal<StoredLogin>(file.sealed!);
    expect(reopened.tokens.refreshToken).not.toBe(seeded.tokens.refreshToken);
    expect(modeOf(world.loginFile)).toBe(0o600);
  });
});
