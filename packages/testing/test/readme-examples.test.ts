// The README's API snippets, run as written (with values filled in), so the docs cannot drift.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(() => fake.close());

test('quick start', async () => {
  const res = await fetch(`${fake.url}/v3/myself`, {
    headers: { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': fake.demo.orgId },
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { login: string }).login).toBe(fake.demo.user.login);
});

test('clock', async () => {
  const t = fake.oauth.issueToken({ expiresIn: 60 });
  fake.clock.advance(61_000);
  const res = await fetch(`${fake.url}/v3/myself`, { headers: { Authorization: `OAuth ${t.accessToken}`, 'X-Org-ID': fake.demo.orgId } });
  expect(res.status).toBe(401);
  fake.clock.set(Date.UTC(2030, 0, 1));
  expect(fake.clock.now()).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1));
});

test('faults', () => {
  fake.faults.inject('iam.tokens', { status: 503 });
  fake.faults.inject('tracker', { status: 429, retryAfter: 2, times: 3 });
  fake.faults.inject('tracker', { retryAfter: 1 });
  fake.faults.inject('oauth.token', { drop: true });
  fake.faults.inject('metadata.token', { malformed: true });
  fake.faults.inject('tracker', { delayMs: 500 });
  fake.faults.inject('tracker', { status: 502, body: '<html>…</html>', headers: { 'content-type': 'text/html' } });
  const h = fake.faults.inject('tracker', { status: 500, rate: 0.2 });
  expect(h.remaining).toBe(Infinity);
  h.remove();
  fake.faults.clear();
  const always401 = fake.faults.inject('tracker', { status: 401, rate: 1 });
  expect(always401.remaining).toBe(Infinity);
  always401.remove();
});

test('oauth, iam, metadata, tracker', () => {
  const app = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1:3000/cb'] });
  const pub = fake.oauth.registerApp({ clientSecret: null, redirectUris: ['myapp://cb'] });
  expect(pub.clientSecret).toBeUndefined();
  const t = fake.oauth.issueToken({ login: 'demo.user', scopes: ['tracker:read'], expiresIn: 3600, clientId: app.clientId });
  expect(t.expiresIn).toBe(3600);
  fake.oauth.setAuthorizeHook((req) => (req.scopes.includes('tracker:write') ? 'deny' : 'allow'));
  fake.oauth.setAuthorizeHook(undefined);
  fake.oauth.setDeviceInterval(1);
  fake.oauth.setSignedInUser({ login: 'demo.user' });
  fake.oauth.setSignedInUser(undefined);
  fake.oauth.setRefreshAlwaysNewAccessToken(true);
  fake.oauth.setRefreshAlwaysNewAccessToken(false);
  fake.oauth.setRevokeAnyToken(true);
  fake.oauth.setRevokeAnyToken(false);
  expect(fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/cb'], anyLoopbackPort: true }).anyLoopbackPort).toBe(true);

  const sa = fake.iam.createServiceAccount({ name: 'ci' });
  fake.iam.addKey(sa.serviceAccountId);
  fake.iam.setTokenLifetime(60);
  expect(fake.iam.issueToken({ serviceAccountId: sa.serviceAccountId }).iamToken).toMatch(/^t1\./);
  fake.metadata.setServiceAccount(sa.serviceAccountId);
  fake.metadata.setRateLimit(60);

  fake.tracker.addOrg({ orgId: '42' });
  fake.tracker.addOrg({ cloudOrgId: 'bpf00000000000000001' });
  fake.tracker.removeOrg('42');
  fake.tracker.addUser({ login: 'alice', orgs: ['1234567'] });
  fake.tracker.addQueue({ key: 'OPS', name: 'Operations' });
  expect(fake.tracker.addIssue({ queue: 'OPS', summary: 'Page me' }).key).toBe('OPS-1');
  expect(fake.tracker.users.map((u) => u.login)).toContain('alice');
  expect(fake.revoke(t.accessToken)).toBe(true);
});

test('bad inputs to the seeding API throw clear errors', () => {
  expect(() => fake.oauth.registerApp({ redirectUris: [] })).toThrow(/redirectUris/);
  expect(() => fake.oauth.registerApp({ redirectUris: ['not a url'] })).toThrow(/absolute URL/);
  expect(() => fake.oauth.issueToken({ login: 'nobody' })).toThrow(/no user/);
  expect(() => fake.oauth.issueToken({ clientId: 'nope' })).toThrow(/clientId/);
  expect(() => fake.tracker.addQueue({ key: 'bad key' })).toThrow(/key/);
  expect(() => fake.tracker.addIssue({ queue: 'NOPE', summary: 'x' })).toThrow(/no queue/);
  expect(() => fake.tracker.addOrg({} as never)).toThrow(/orgId/);
  expect(() => fake.metadata.setRateLimit(0)).toThrow(/rps/);
  expect(() => fake.oauth.setDeviceInterval(-1)).toThrow(/seconds/);
});
