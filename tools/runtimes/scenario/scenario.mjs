// The one scenario every runtime runs: core's default entry (bundled from packages/core/dist)
// against the fake Yandex, which runs in the Node test process on 127.0.0.1. Runtime-agnostic
// ESM: only fetch, Request/Response, WebCrypto and the core API, so the same file proves the
// same thing in edge-runtime, workerd, Deno and Bun. Each step catches its own failure and
// reports it, so one broken area does not hide the others; the Node test asserts the values.
import {
  buildTrackerHeaders,
  createOAuthFlow,
  createSessionSealer,
  createTrackerAuth,
  createTrackerClient,
  iamFromServiceAccountKey,
  sealSession,
  unsealSession,
  verifyAccess,
} from '@tracker-auth/core';

/**
 * @typedef {object} ScenarioInput
 * @property {string} fakeUrl base URL of the fake Yandex (Tracker, OAuth and IAM on one port)
 * @property {string} controlUrl the test's control server (POST /inject-401 arms one Tracker 401)
 * @property {string} orgId Yandex 360 organization of the fake
 * @property {string} cloudOrgId Yandex Cloud organization of the fake
 * @property {import('@tracker-auth/core').ServiceAccountKeyInput} serviceAccountKey an authorized key JSON (with the "PLEASE DO NOT REMOVE" line)
 * @property {{ clientId: string, clientSecret: string, redirectUri: string }} app an OAuth app registered at the fake
 * @property {string} appUrl origin of the app the OAuth flow serves (the redirect URI's origin)
 * @property {string} sessionSecret ≥ 32 bytes
 */

/**
 * @typedef {{ ok: true, value: unknown } | { ok: false, error: { name: string, code?: string, message: string, stack?: string } }} StepResult
 */

/**
 * What an error looks like on the way back to the test (no secrets: the library's messages carry
 * none, and nothing else is copied).
 * @param {unknown} error
 */
function describeError(error) {
  const e = /** @type {{ name?: string, code?: string, message?: string, stack?: string }} */ (error ?? {});
  return {
    name: String(e.name ?? typeof error),
    ...(e.code === undefined ? {} : { code: String(e.code) }),
    message: String(e.message ?? error),
    ...(e.stack === undefined ? {} : { stack: String(e.stack).split('\n').slice(0, 6).join('\n') }),
  };
}

/**
 * @param {() => Promise<unknown>} run
 * @returns {Promise<StepResult>}
 */
async function step(run) {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** The code of the error `run` rejects with, or 'none'. @param {() => Promise<unknown>} run */
async function errorCode(run) {
  try {
    await run();
    return 'none';
  } catch (error) {
    return /** @type {{ code?: string }} */ (error).code ?? String(error);
  }
}

/** `name=value` of the Set-Cookie line named `name`. @param {Response} response @param {string} name */
function cookiePair(response, name) {
  const line = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no Set-Cookie ${name} (status ${response.status})`);
  return line.split(';')[0] ?? '';
}

/** Which runtime this is, as it names itself. */
function runtimeName() {
  const g = /** @type {{ EdgeRuntime?: unknown, navigator?: { userAgent?: string } }} */ (/** @type {unknown} */ (globalThis));
  if (typeof g.EdgeRuntime === 'string') return `edge-runtime (${g.EdgeRuntime})`;
  return g.navigator?.userAgent ?? 'unknown';
}

/**
 * Run every step against the fake and report what each one produced.
 * @param {ScenarioInput} input
 */
export async function runScenario(input) {
  const { fakeUrl, controlUrl, orgId, cloudOrgId } = input;
  /** @type {Record<string, StepResult>} */
  const steps = {};

  // Pure and synchronous: the header builder, its validation, and its redaction when printed.
  steps.headers = await step(async () => {
    const oauth = buildTrackerHeaders({ token: 'y0_AgAAAAExampleToken', kind: 'oauth' }, { orgId });
    const iam = buildTrackerHeaders({ token: 't1.ExampleIamToken', kind: 'iam' }, { cloudOrgId });
    return {
      oauth: { authorization: oauth.Authorization, org: oauth['X-Org-ID'], viaHeaders: new Headers(/** @type {Record<string, string>} */ (oauth)).get('x-org-id') },
      iam: { authorization: iam.Authorization, org: iam['X-Cloud-Org-ID'] },
      printed: JSON.stringify(oauth),
      badOrg: await errorCode(async () => buildTrackerHeaders({ token: 'y0_AgAAAAExampleToken', kind: 'oauth' }, /** @type {never} */ ({}))),
    };
  });

  // Service account: a PS256 JWT signed with WebCrypto, exchanged at the fake IAM.
  /** @type {string[]} */
  const events = [];
  const auth = createTrackerAuth({
    credentials: iamFromServiceAccountKey({ key: input.serviceAccountKey, iamUrl: fakeUrl }),
    org: { cloudOrgId },
    onEvent: (event) => events.push(event.type),
  });
  steps.serviceAccount = await step(async () => {
    const headers = await auth.headers();
    const authorization = headers.Authorization ?? '';
    const res = await fetch(`${fakeUrl}/v3/myself`, { headers: /** @type {Record<string, string>} */ (headers) });
    const me = /** @type {{ login?: string }} */ (await res.json());
    return {
      scheme: authorization.split(' ')[0],
      iamShaped: /^Bearer t1\.[A-Za-z0-9_-]+/.test(authorization),
      orgHeader: headers['X-Cloud-Org-ID'],
      status: res.status,
      login: me.login,
    };
  });

  // The ky client: one Tracker 401 (armed through the control server) → one refresh and one
  // replay of the POST, body included.
  steps.client401Replay = await step(async () => {
    const tracker = createTrackerClient(auth, { trackerUrl: fakeUrl });
    const me = await verifyAccess(tracker);
    const armed = await fetch(`${controlUrl}/inject-401`, { method: 'POST' });
    if (armed.status !== 204) throw new Error(`control server answered ${armed.status}`);
    const issues = /** @type {{ key: string }[]} */ (await tracker.post('issues/_search', { json: { filter: { queue: 'TEST' } } }).json());
    return { login: me.login, keys: issues.map((issue) => issue.key).sort(), events: [...events] };
  });

  // Sealed sessions: AES-256-GCM under HKDF-derived keys.
  steps.sealedSessions = await step(async () => {
    const [secret, oldSecret] = [input.sessionSecret, `${input.sessionSecret}-previous`];
    const sealer = createSessionSealer({ secrets: [secret], ttlSeconds: 60 });
    const sealed = await sealer.seal({ user: 'demo.user', n: 1 }, { purpose: 'runtime-check' });
    const byOldSecret = await sealSession({ user: 'old' }, { secrets: [oldSecret], ttlSeconds: 60 });
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    return {
      cookieSafe: /^[A-Za-z0-9._~-]+$/.test(sealed),
      roundTrip: await sealer.unseal(sealed, { purpose: 'runtime-check' }),
      rotated: await unsealSession(byOldSecret, { secrets: [secret, oldSecret] }),
      tampered: await errorCode(() => sealer.unseal(tampered, { purpose: 'runtime-check' })),
      otherPurpose: await errorCode(() => sealer.unseal(sealed, { purpose: 'login' })),
      expired: await errorCode(() => unsealSession(byOldSecret, { secrets: [oldSecret], now: () => Date.now() + 61_000 })),
    };
  });

  // The OAuth flow's Request → Response handlers: sign-in → the fake's /authorize (auto-approve)
  // → callback → userAuth → Tracker as the user → a refresh near expiry → sign-out.
  steps.oauthFlow = await step(async () => {
    const { appUrl, app } = input;
    /** @type {import('@tracker-auth/core').OAuthFlowOptions} */
    const options = { ...app, org: { orgId }, sessionSecret: input.sessionSecret, oauthUrl: fakeUrl, sessionMaxAgeSeconds: 400 * 24 * 60 * 60 };
    const flow = createOAuthFlow(options);
    const login = await flow.signIn(new Request(`${appUrl}/auth/sign-in?returnTo=/issues`));
    const authorize = new URL(login.headers.get('location') ?? '');
    const yandex = await fetch(authorize, { redirect: 'manual' });
    const callbackUrl = yandex.headers.get('location') ?? '';
    const callback = await flow.callback(new Request(callbackUrl, { headers: { cookie: cookiePair(login, 'tracker_login') } }));
    const session = cookiePair(callback, 'tracker_session');
    const request = new Request(`${appUrl}/api/me`, { headers: { cookie: session } });
    const user = await flow.userAuth(request);
    const me = await verifyAccess(createTrackerClient(user.auth, { trackerUrl: fakeUrl }));
    const info = await flow.getSession(request);
    // A minute before the access token expires (a year on), it is due: userAuth refreshes it with
    // the refresh token (Yandex rotates that one) and hands back the re-sealed cookie.
    const expiresAt = info?.accessTokenExpiresAt ?? Date.now();
    const later = createOAuthFlow({ ...options, refresh: { now: () => expiresAt - 60_000 } });
    const laterUser = await later.userAuth(request);
    const meLater = await verifyAccess(createTrackerClient(laterUser.auth, { trackerUrl: fakeUrl }));
    const logout = await flow.signOut(new Request(`${appUrl}/auth/sign-out`, { method: 'POST', headers: { cookie: session, origin: appUrl } }));
    return {
      login: { status: login.status, authorizeOrigin: authorize.origin, pkce: authorize.searchParams.get('code_challenge_method') },
      yandex: { status: yandex.status, toCallback: callbackUrl.startsWith(app.redirectUri) },
      callback: { status: callback.status, location: callback.headers.get('location') },
      user: { login: me.login, refreshable: info?.refreshable, setCookie: user.cookies.length > 0 },
      refreshed: { login: meLater.login, setCookie: laterUser.cookies.some((c) => c.name === 'tracker_session' && c.value !== '') },
      logout: { status: logout.status, clears: logout.headers.getSetCookie().some((c) => c.startsWith('tracker_session=;')) },
    };
  });

  // Which Node-isms the runtime offers: where it offers none (edge-runtime, workerd without
  // nodejs_compat), the steps above passing proves core needs none.
  const g = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (globalThis));
  const nodeGlobals = Object.fromEntries(['process', 'Buffer', 'require', 'setImmediate'].map((name) => [name, typeof g[name]]));
  return { runtime: runtimeName(), nodeGlobals, steps };
}
