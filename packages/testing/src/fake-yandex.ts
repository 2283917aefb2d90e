import { createClock, toNanoRfc3339 } from './clock.js';
import { FaultRegistry } from './faults.js';
import { IamApi } from './iam-api.js';
import { IdGenerator } from './ids.js';
import { demoKeyPair } from './keys.js';
import { MetadataApi } from './metadata-api.js';
import { OAuthAuthorizeApi } from './oauth-authorize.js';
import { OAuthStore, type AuthorizeHook, type PendingConsent } from './oauth-store.js';
import { OAuthTokenApi } from './oauth-token.js';
import { CallLog } from './request-log.js';
import { FakeServer, endpointForPath, type Handler } from './server.js';
import { FakeState, TRACKER_SCOPES } from './state.js';
import { TrackerApi } from './tracker-api.js';
import { TrackerData, type FakeIssue, type FakeQueue, type NewIssue } from './tracker-data.js';
import { sendJson } from './http-util.js';
import type {
  FakeClock,
  FakeEndpoint,
  FakeOAuthApp,
  FakeServiceAccount,
  FakeUser,
  FakeYandexOptions,
  FaultHandle,
  FaultSpec,
  IssuedOAuthToken,
  LoggedRequest,
  PemKeyPair,
} from './types.js';

/** The seeded, ready-to-use identities of a fresh fake. */
export interface FakeDemo {
  /** Yandex 360 organization id (`X-Org-ID`). */
  orgId: string;
  /** Yandex Cloud organization id, 20 chars (`X-Cloud-Org-ID`). */
  cloudOrgId: string;
  user: { uid: number; login: string };
  /** `tracker:read tracker:write`, valid for a year, works with both org kinds. */
  oauthToken: string;
  /** The refresh token paired with `oauthToken`. */
  oauthRefreshToken: string;
  /** `tracker:read` only: writes get 403. */
  readOnlyOAuthToken: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  serviceAccount: FakeServiceAccount;
}

/** Base URLs per upstream (all the same origin today; real paths are served as-is). */
export interface FakeUrls {
  tracker: string;
  oauth: string;
  iam: string;
  metadata: string;
}

/** A running fake Yandex. */
export interface FakeYandex {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly urls: FakeUrls;
  readonly demo: FakeDemo;
  readonly clock: FakeClock;
  readonly calls: { count(endpoint?: FakeEndpoint): number; reset(): void };
  /** The request log (secrets redacted), oldest first. Cleared by `calls.reset()`. */
  readonly requests: readonly LoggedRequest[];
  readonly faults: { inject(endpoint: FakeEndpoint, fault: FaultSpec): FaultHandle; clear(endpoint?: FakeEndpoint): void };
  readonly oauth: {
    /**
     * Registers (or replaces) an app; omit `clientSecret` for a public client. Redirect URIs
     * match exactly, as at Yandex; `anyLoopbackPort: true` (opt-in, kinder) lets a loopback
     * URI registered without a port match any port.
     */
    registerApp(app: { clientId?: string; clientSecret?: string | null; redirectUris: string[]; scopes?: string[]; name?: string; anyLoopbackPort?: boolean }): FakeOAuthApp;
    issueToken(opts?: { uid?: number; login?: string; scopes?: string[]; expiresIn?: number; clientId?: string; deviceId?: string }): IssuedOAuthToken;
    /** Approve a device flow `user_code`, or a pending consent id; for a consent, returns the redirect URL. */
    approve(codeOrConsentId: string, user?: { uid?: number; login?: string }): string | undefined;
    deny(codeOrConsentId: string): string | undefined;
    setAutoApprove(on: boolean): void;
    /** Decide /authorize requests in code: return 'allow', 'deny' or undefined (default path). */
    setAuthorizeHook(hook: AuthorizeHook | undefined): void;
    /** Consents waiting for Allow/Deny (autoApprove off). */
    pendingConsents(): PendingConsent[];
    /** Device-flow `interval`, seconds (default 5); polls closer together get `slow_down`. */
    setDeviceInterval(seconds: number): void;
    /** The user /authorize acts as when no `login_hint` matches (default: the demo user). */
    setSignedInUser(user: { uid?: number; login?: string } | undefined): void;
    /**
     * Opt-in (default false): every refresh grant returns a new access token. By default, as
     * Yandex documents, an access token with more than 10 % of its lifetime left comes back
     * unchanged with a new refresh token (the old refresh token dies either way).
     */
    setRefreshAlwaysNewAccessToken(on: boolean): void;
    /**
     * Opt-in (default false): `/revoke_token` also revokes tokens issued without a
     * `device_id`. By default, as at Yandex, those get `unsupported_token_type`.
     */
    setRevokeAnyToken(on: boolean): void;
  };
  readonly iam: {
    createServiceAccount(opts?: { name?: string; keyPair?: PemKeyPair; serviceAccountId?: string }): FakeServiceAccount;
    addKey(serviceAccountId: string, keyPair?: PemKeyPair): Pick<FakeServiceAccount, 'key' | 'keyWithNotice'>;
    /** Lifetime of new IAM tokens, seconds (default and maximum 12 h). */
    setTokenLifetime(seconds: number): void;
    /** Hand back a still-young token for the same subject instead of a new one (default false). */
    setReuseTokens(on: boolean): void;
    /** Mint an IAM token without HTTP, for a user or service account. */
    issueToken(subject: { serviceAccountId?: string; uid?: number; login?: string }): { iamToken: string; expiresAt: string };
  };
  readonly metadata: {
    setServiceAccount(serviceAccountId: string | undefined): void;
    /** Requests per second before 429; undefined = unlimited (default). */
    setRateLimit(rps: number | undefined): void;
  };
  readonly tracker: {
    addOrg(org: { orgId: string } | { cloudOrgId: string }): void;
    removeOrg(id: string): void;
    addUser(user: Partial<FakeUser> & { login: string }): FakeUser;
    addQueue(queue: { key: string; name?: string; description?: string }): FakeQueue;
    addIssue(issue: NewIssue): FakeIssue;
    readonly issues: FakeIssue[];
    readonly queues: FakeQueue[];
    readonly users: FakeUser[];
    /** Issue-search scrolls still held: neither past their TTL nor released (`system/search/scroll/_clear`); one read to the end is held until its TTL lapses. */
    readonly openScrolls: number;
  };
  /** Revoke any token the fake issued; revoked tokens get 401 from Tracker. */
  revoke(token: string): boolean;
  close(): Promise<void>;
}

const DEMO_ORG_ID = '1234567';
const DEMO_CLOUD_ORG_ID = 'bpf3crucp1v2mm2uxwzz';

function checkOptions(o: FakeYandexOptions): void {
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    throw new TypeError('startFakeYandex: port must be an integer 0..65535 (0 picks a free port)');
  }
  if (o.startTime !== undefined && !Number.isFinite(o.startTime)) throw new TypeError('startFakeYandex: startTime must be epoch milliseconds');
  if (o.clockMode !== undefined && o.clockMode !== 'system' && o.clockMode !== 'manual') {
    throw new TypeError("startFakeYandex: clockMode must be 'system' or 'manual'");
  }
}

/**
 * Starts a fake Yandex (Tracker, OAuth, IAM, metadata) on 127.0.0.1, seeded with demo
 * organizations, a user, an OAuth app, tokens and a service account.
 *
 * @example
 * const fake = await startFakeYandex();
 * const res = await fetch(`${fake.url}/v3/myself`, {
 *   headers: { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': fake.demo.orgId },
 * });
 * await fake.close();
 */
export async function startFakeYandex(options: FakeYandexOptions = {}): Promise<FakeYandex> {
  checkOptions(options);
  const clock = createClock(options.clockMode ?? 'system', options.startTime);
  const state = new FakeState(clock, new IdGenerator(options.seed));
  const data = new TrackerData(clock);
  const store = new OAuthStore(state, options.autoApprove ?? true);
  const faults = new FaultRegistry(options.random);
  const log = new CallLog();

  // Seed identities before listening; the URL-dependent parts come after.
  state.orgs.add(DEMO_ORG_ID);
  state.cloudOrgs.add(DEMO_CLOUD_ORG_ID);
  const demoUser = state.addUser({ login: 'demo.user', firstName: 'Demo', lastName: 'User', email: 'demo.user@example.com', uid: 1_130_000_012_345_678 });
  const defaultUser = () => state.users.get(demoUser.uid) ?? demoUser;
  const tracker = new TrackerApi(state, data);
  const tokenApi = new OAuthTokenApi(state, store, defaultUser);
  const authorizeApi = new OAuthAuthorizeApi(state, store, defaultUser);
  const iam = new IamApi(state);
  const metadata = new MetadataApi(state);

  const routes: Record<FakeEndpoint, Handler> = {
    tracker: (ctx) => tracker.handle(ctx, ctx.url.pathname.replace(/^\/v[23]/, '')),
    'oauth.authorize': (ctx) => (ctx.url.pathname === '/authorize/consent' ? authorizeApi.consent(ctx) : authorizeApi.authorize(ctx)),
    'oauth.token': (ctx) => tokenApi.token(ctx),
    'oauth.device': (ctx) => tokenApi.deviceCode(ctx),
    'oauth.revoke': (ctx) => tokenApi.revoke(ctx),
    'iam.tokens': (ctx) => iam.tokens(ctx),
    'metadata.token': (ctx) => metadata.handle(ctx),
    'oauth.pages': (ctx) => (ctx.url.pathname === '/device' ? authorizeApi.device(ctx) : authorizeApi.verificationCode(ctx)),
    other: (ctx) =>
      ctx.url.pathname === '/' && ctx.method === 'GET'
        ? sendJson(ctx.res, 200, { name: 'fake Yandex (@tracker-auth/testing)', urls: { tracker: state.url, oauth: state.url, iam: state.url, metadata: state.url } })
        : sendJson(ctx.res, 404, { error: 'not_found', error_description: `no fake endpoint at ${ctx.method} ${ctx.url.pathname}` }),
  };
  const server = new FakeServer((p) => {
    const endpoint = endpointForPath(p);
    return { endpoint, handler: routes[endpoint] };
  }, faults, log, clock);
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  state.url = url;

  const app = store.registerApp({
    clientId: state.ids.hex32(),
    clientSecret: state.ids.hex32(),
    redirectUris: [...(options.demoRedirectUris ?? ['http://127.0.0.1/callback']), `${url}/verification_code`],
    name: 'Demo app',
    // Sample apps on random ports share the demo app's portless loopback URI (opt-in, kinder).
    anyLoopbackPort: true,
  });
  const oauthTok = state.issueOAuth({ uid: demoUser.uid, scopes: TRACKER_SCOPES, clientId: app.clientId });
  const readOnly = state.issueOAuth({ uid: demoUser.uid, scopes: ['tracker:read'], clientId: app.clientId });
  const sa = iam.createServiceAccount({ name: 'demo-sa', keyPair: options.demoKeyPair ?? demoKeyPair() });
  metadata.serviceAccountId = sa.serviceAccountId;
  data.addQueue({ key: 'TEST', name: 'Test queue', description: 'Seeded by the fake', leadUid: demoUser.uid });
  for (const summary of ['Set up the integration', 'Rotate the service-account key', 'Check the OAuth consent screen', 'Refresh tokens before expiry', 'Write the release notes']) {
    data.addIssue({ queue: 'TEST', summary, description: `${summary}.`, createdByUid: demoUser.uid });
  }

  const demo: FakeDemo = {
    orgId: DEMO_ORG_ID,
    cloudOrgId: DEMO_CLOUD_ORG_ID,
    user: { uid: demoUser.uid, login: demoUser.login },
    oauthToken: oauthTok.token,
    oauthRefreshToken: oauthTok.refreshToken ?? '',
    readOnlyOAuthToken: readOnly.token,
    app: { clientId: app.clientId, clientSecret: app.clientSecret ?? '', redirectUri: app.redirectUris[0] ?? '' },
    serviceAccount: sa,
  };

  const decide = (id: string, decision: 'allow' | 'deny', who?: { uid?: number; login?: string }): string | undefined => {
    const consent = store.consents.get(id);
    if (consent) {
      store.consents.delete(id);
      const uid = who ? state.resolveUser(who, defaultUser()).uid : consent.uid;
      return store.completeAuthorize(consent, uid, decision);
    }
    const device = store.deviceByUserCode(id);
    if (!device || device.status !== 'pending') throw new Error(`fake Yandex: no pending device code or consent "${id}"`);
    device.status = decision === 'allow' ? 'approved' : 'denied';
    device.uid = state.resolveUser(who ?? {}, store.userFor(undefined, defaultUser())).uid;
    return undefined;
  };

  return {
    url,
    urls: { tracker: url, oauth: url, iam: url, metadata: url },
    demo,
    clock,
    calls: { count: (e) => log.count(e), reset: () => log.reset() },
    get requests() {
      return log.entries;
    },
    faults: { inject: (e, f) => faults.inject(e, f), clear: (e) => faults.clear(e) },
    oauth: {
      registerApp: (a) => store.registerApp(a),
      issueToken(opts = {}) {
        const user = state.resolveUser(opts, defaultUser());
        if (opts.clientId !== undefined && !state.apps.has(opts.clientId)) throw new TypeError(`oauth.issueToken: unknown clientId ${opts.clientId}`);
        if (opts.expiresIn !== undefined && !(opts.expiresIn > 0)) throw new TypeError('oauth.issueToken: expiresIn must be > 0 seconds');
        const rec = state.issueOAuth({
          uid: user.uid,
          scopes: opts.scopes ?? TRACKER_SCOPES,
          ...(opts.expiresIn !== undefined ? { expiresInS: opts.expiresIn } : {}),
          ...(opts.clientId !== undefined ? { clientId: opts.clientId } : {}),
          ...(opts.deviceId !== undefined ? { deviceId: opts.deviceId } : {}),
        });
        return { accessToken: rec.token, refreshToken: rec.refreshToken ?? '', expiresIn: state.secondsLeft(rec.expiresAt) };
      },
      approve: (id, who) => decide(id, 'allow', who),
      deny: (id) => decide(id, 'deny'),
      setAutoApprove: (on) => void (store.autoApprove = on),
      setAuthorizeHook: (hook) => void (store.hook = hook),
      pendingConsents: () => [...store.consents.values()],
      setDeviceInterval(seconds) {
        if (!Number.isInteger(seconds) || seconds < 0) throw new TypeError('oauth.setDeviceInterval: seconds must be an integer ≥ 0');
        store.deviceIntervalS = seconds;
      },
      setSignedInUser: (who) => void (store.signedInUid = who ? state.resolveUser(who, defaultUser()).uid : undefined),
      setRefreshAlwaysNewAccessToken: (on) => void (store.refreshAlwaysNewAccessToken = on === true),
      setRevokeAnyToken: (on) => void (store.revokeAnyToken = on === true),
    },
    iam: {
      createServiceAccount: (o) => iam.createServiceAccount(o),
      addKey: (id, pair) => iam.addKey(id, pair),
      setTokenLifetime(seconds) {
        if (!(seconds > 0) || seconds > 12 * 3600) throw new TypeError('iam.setTokenLifetime: seconds must be in (0, 43200]');
        state.iamLifetimeS = seconds;
      },
      setReuseTokens: (on) => void (state.iamReuse = on),
      issueToken(subject) {
        let uid: number;
        let saId: string | undefined;
        if (subject.serviceAccountId !== undefined) {
          const rec = state.serviceAccounts.get(subject.serviceAccountId);
          if (!rec) throw new TypeError(`iam.issueToken: no service account ${subject.serviceAccountId}`);
          uid = rec.uid;
          saId = rec.id;
        } else uid = state.resolveUser(subject, defaultUser()).uid;
        const rec = state.issueIam(uid, saId);
        return { iamToken: rec.token, expiresAt: toNanoRfc3339(rec.expiresAt) };
      },
    },
    metadata: {
      setServiceAccount(id) {
        if (id !== undefined && !state.serviceAccounts.has(id)) throw new TypeError(`metadata.setServiceAccount: no service account ${id}`);
        metadata.serviceAccountId = id;
        metadata.resetCache();
      },
      setRateLimit(rps) {
        if (rps !== undefined && (!Number.isInteger(rps) || rps < 1)) throw new TypeError('metadata.setRateLimit: rps must be a positive integer or undefined');
        metadata.rateLimit = rps;
      },
    },
    tracker: {
      addOrg(org) {
        if ('orgId' in org && org.orgId) state.orgs.add(org.orgId);
        else if ('cloudOrgId' in org && org.cloudOrgId) state.cloudOrgs.add(org.cloudOrgId);
        else throw new TypeError('tracker.addOrg: pass { orgId } or { cloudOrgId }');
      },
      removeOrg(id) {
        state.orgs.delete(id);
        state.cloudOrgs.delete(id);
      },
      addUser: (u) => state.addUser(u),
      addQueue: (q) => data.addQueue({ ...q, leadUid: demoUser.uid }),
      addIssue: (i) => data.addIssue({ ...i, createdByUid: i.createdByUid ?? demoUser.uid }),
      get issues() {
        return data.sortedIssues();
      },
      get queues() {
        return [...data.queues.values()];
      },
      get users() {
        return [...state.users.values()];
      },
      get openScrolls() {
        return tracker.openScrolls;
      },
    },
    revoke: (t) => state.revoke(t),
    close: () => server.close(),
  };
}
