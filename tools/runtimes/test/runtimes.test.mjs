// The runtime matrix: core's built default entry, bundled per runtime, runs one scenario against
// the fake Yandex (started here, on 127.0.0.1) inside each runtime; this file asserts what the
// scenario reported and what the fake saw. A runtime whose npm package cannot install on this
// platform is skipped with the reason printed; any other failure fails.
import { createServer } from 'node:http';
import { startFakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeBundles, runners, runWorkerdGlobalScope } from '../lib/runners.mjs';

const APP = 'http://app.test';
const SESSION_SECRET = 'a-runtime-matrix-session-secret-of-32-bytes!';

/**
 * The control server the scenario calls to arm one Tracker 401 at the fake (faults are set in
 * this process, where the fake lives). POST /inject-401 → 204.
 * @param {import('@tracker-auth/testing').FakeYandex} fake
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function startControl(fake) {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/inject-401') {
      fake.faults.inject('tracker', { status: 401 });
      res.writeHead(204).end();
    } else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined)).closeAllConnections()),
  };
}

afterAll(removeBundles);

/** What each runtime calls itself (navigator.userAgent, or the EdgeRuntime global). */
const selfNames = { 'edge-runtime': /^edge-runtime \(edge-runtime\)$/, workerd: /^Cloudflare-Workers$/, deno: /^Deno\/2\./, bun: /^Bun\/1\./ };

/** The scenario input for `fake` (and its control server). @param {import('@tracker-auth/testing').FakeYandex} fake @param {string} controlUrl */
function scenarioInput(fake, controlUrl) {
  const registered = fake.oauth.registerApp({ redirectUris: [`${APP}/auth/callback`] });
  return {
    fakeUrl: fake.url,
    controlUrl,
    orgId: fake.demo.orgId,
    cloudOrgId: fake.demo.cloudOrgId,
    serviceAccountKey: fake.demo.serviceAccount.keyWithNotice,
    app: { clientId: registered.clientId, clientSecret: registered.clientSecret ?? '', redirectUri: `${APP}/auth/callback` },
    appUrl: APP,
    sessionSecret: SESSION_SECRET,
  };
}

describe.each(runners)('$name', (runner) => {
  /** @type {import('@tracker-auth/testing').FakeYandex} */
  let fake;
  /** @type {Awaited<ReturnType<typeof startControl>>} */
  let control;
  /** @type {import('../lib/runners.mjs').RunOutcome} */
  let outcome;

  beforeAll(async () => {
    fake = await startFakeYandex();
    control = await startControl(fake);
    const started = Date.now();
    outcome = await runner.run(scenarioInput(fake, control.url));
    if (outcome.skipped) console.warn(`[runtimes] ${runner.name}: SKIPPED: ${outcome.reason}`);
    else console.log(`[runtimes] ${runner.name}: ${outcome.version}, scenario bundle ${(outcome.bundleBytes / 1024).toFixed(1)} KiB, ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await control?.close();
    await fake?.close();
  });

  /**
   * The value a scenario step produced; skips when the runtime is not installed, fails with the
   * runtime's own error when the step threw there.
   * @param {{ skip: (note?: string) => never }} ctx @param {string} name
   * @returns {any}
   */
  function valueOf(ctx, name) {
    if (outcome.skipped) return ctx.skip(outcome.reason);
    const step = outcome.result.steps[name];
    if (!step) throw new Error(`the scenario reported no step ${name}`);
    if (!step.ok) {
      const e = step.error ?? { name: '?', message: '?' };
      throw new Error(`${name} failed in ${runner.name}: ${e.name}${e.code ? ` (${e.code})` : ''}: ${e.message}\n${e.stack ?? ''}`);
    }
    return step.value;
  }

  it('is the runtime it claims to be', (ctx) => {
    if (outcome.skipped) return ctx.skip(outcome.reason);
    expect(outcome.result.runtime).toMatch(selfNames[/** @type {keyof typeof selfNames} */ (runner.name)]);
    console.log(`[runtimes] ${runner.name} Node globals: ${JSON.stringify(outcome.result.nodeGlobals)}`);
    // The edge sandboxes offer none of Node's globals, so every step below ran without them.
    if (runner.name === 'edge-runtime' || runner.name === 'workerd') {
      expect(outcome.result.nodeGlobals).toEqual({ process: 'undefined', Buffer: 'undefined', require: 'undefined', setImmediate: 'undefined' });
    }
  });

  it('buildTrackerHeaders: builds, validates and redacts when printed', (ctx) => {
    expect(valueOf(ctx, 'headers')).toEqual({
      oauth: { authorization: 'OAuth y0_AgAAAAExampleToken', org: fake.demo.orgId, viaHeaders: fake.demo.orgId },
      iam: { authorization: 'Bearer t1.ExampleIamToken', org: fake.demo.cloudOrgId },
      printed: `{"authorization":"OAuth [REDACTED]","x-org-id":"${fake.demo.orgId}"}`,
      badOrg: 'INVALID_ORG',
    });
  });

  it('createTrackerAuth + iamFromServiceAccountKey: a WebCrypto PS256 JWT the fake IAM accepts', (ctx) => {
    expect(valueOf(ctx, 'serviceAccount')).toEqual({
      scheme: 'Bearer',
      iamShaped: true,
      orgHeader: fake.demo.cloudOrgId,
      status: 200,
      login: fake.demo.serviceAccount.name,
    });
    const jwtExchanges = fake.requests.filter((r) => r.endpoint === 'iam.tokens');
    expect(jwtExchanges[0]?.status).toBe(200);
  });

  it('createTrackerClient (ky): a Tracker 401 → one refresh and one replay of the POST, body included', (ctx) => {
    const value = valueOf(ctx, 'client401Replay');
    expect(value.login).toBe(fake.demo.serviceAccount.name);
    expect(value.keys).toEqual(['TEST-1', 'TEST-2', 'TEST-3', 'TEST-4', 'TEST-5']);
    expect(value.events).toContain('request.unauthorized-replay');
    const searches = fake.requests.filter((r) => r.endpoint === 'tracker' && r.method === 'POST' && r.path.endsWith('/issues/_search'));
    expect(searches.map((r) => r.status)).toEqual([401, 200]);
    // One IAM token for the first call, one forced by the 401: never more.
    expect(fake.requests.filter((r) => r.endpoint === 'iam.tokens').map((r) => r.status)).toEqual([200, 200]);
  });

  it('sealSession / unsealSession / createSessionSealer: AES-GCM round trip, rotation, tamper and expiry', (ctx) => {
    expect(valueOf(ctx, 'sealedSessions')).toEqual({
      cookieSafe: true,
      roundTrip: { user: 'demo.user', n: 1 },
      rotated: { user: 'old' },
      tampered: 'SESSION_INVALID',
      otherPurpose: 'SESSION_INVALID',
      expired: 'SESSION_EXPIRED',
    });
  });

  it('createOAuthFlow: login → the fake /authorize → callback → userAuth → Tracker → refresh → logout', (ctx) => {
    expect(valueOf(ctx, 'oauthFlow')).toEqual({
      login: { status: 302, authorizeOrigin: fake.url, pkce: 'S256' },
      yandex: { status: 302, toCallback: true },
      callback: { status: 302, location: '/issues' },
      user: { login: fake.demo.user.login, refreshable: true, setCookie: false },
      refreshed: { login: fake.demo.user.login, setCookie: true },
      logout: { status: 303, clears: true },
    });
    const grants = fake.requests.filter((r) => r.endpoint === 'oauth.token').map((r) => [r.params?.grant_type, r.status]);
    expect(grants).toEqual([['authorization_code', 200], ['refresh_token', 200]]);
    expect(fake.calls.count('oauth.revoke')).toBe(1);
  });
});

describe('workerd: everything built at global scope, one token cache shared by concurrent requests', () => {
  it('constructs without I/O or randomness at global scope, and 5 concurrent requests share one IAM exchange', async (ctx) => {
    const fake = await startFakeYandex();
    try {
      const outcome = await runWorkerdGlobalScope(scenarioInput(fake, 'http://127.0.0.1:9'), 5);
      if (outcome.skipped) return ctx.skip(outcome.reason);
      expect(outcome.answers).toEqual(Array.from({ length: 5 }, () => ({ status: 200, body: JSON.stringify({ login: fake.demo.serviceAccount.name }) })));
      expect(fake.calls.count('iam.tokens')).toBe(1);
      expect(outcome.loginPage.status).toBe(302);
      expect(new URL(outcome.loginPage.location ?? '').origin).toBe(fake.url);
    } finally {
      await fake.close();
    }
  });
});
