/**
 * Public types of the fake Yandex. Kept in one place so users of `@tracker-auth/testing`
 * can import them without pulling in the server.
 */

/**
 * One upstream endpoint of the fake, used by call counters, the request log and faults.
 * `oauth.pages` covers the human-facing pages (`/device`, `/verification_code`); `other`
 * covers anything unrouted (404s, the index page).
 */
export type FakeEndpoint =
  | 'tracker'
  | 'oauth.authorize'
  | 'oauth.token'
  | 'oauth.device'
  | 'oauth.revoke'
  | 'iam.tokens'
  | 'metadata.token'
  | 'oauth.pages'
  | 'other';

/** All endpoints that faults and counters accept, in routing order. */
export const FAKE_ENDPOINTS: readonly FakeEndpoint[] = [
  'tracker',
  'oauth.authorize',
  'oauth.token',
  'oauth.device',
  'oauth.revoke',
  'iam.tokens',
  'metadata.token',
  'oauth.pages',
  'other',
];

/**
 * A scripted failure for one endpoint. Without `times` or `rate` it hits the next call only.
 *
 * @example
 * // the next two IAM calls answer 429 with Retry-After: 1
 * fake.faults.inject('iam.tokens', { status: 429, retryAfter: 1, times: 2 });
 */
export interface FaultSpec {
  /** HTTP status to answer with instead of the real handler (default 500 when `body` is set). */
  status?: number;
  /** Response body; objects are sent as JSON. Default: the endpoint's own error shape. */
  body?: string | object;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Adds `Retry-After: <seconds>`. */
  retryAfter?: number;
  /** Wait this long (real time) before answering; alone it only delays the real answer. */
  delayMs?: number;
  /** Destroy the socket without answering (the client sees a network error). */
  drop?: boolean;
  /** Answer 200 with a body that is not valid JSON. */
  malformed?: boolean;
  /** Apply to the next N calls (default 1). Ignored when `rate` is set. */
  times?: number;
  /** Apply to this fraction (0..1) of calls until cleared; `1` = every call (e.g. "Tracker always answers 401"). */
  rate?: number;
}

/** A registered fault; `remove()` withdraws it early. */
export interface FaultHandle {
  readonly endpoint: FakeEndpoint;
  /** Calls this fault still applies to (Infinity for `rate` faults). */
  readonly remaining: number;
  remove(): void;
}

/**
 * A service-account authorized key in the format of `yc iam key create -o key.json`
 * (docs/yandex-api.md 3.4).
 */
export interface AuthorizedKey {
  id: string;
  service_account_id: string;
  created_at: string;
  key_algorithm: 'RSA_2048' | 'RSA_4096';
  public_key: string;
  private_key: string;
}

/** A PEM key pair (SPKI public, PKCS#8 private), e.g. to skip slow RSA generation. */
export interface PemKeyPair {
  publicKey: string;
  privateKey: string;
}

/** A service account and its first key. */
export interface FakeServiceAccount {
  serviceAccountId: string;
  name: string;
  /** Authorized key JSON, plain PEM private key. */
  key: AuthorizedKey;
  /** The same key whose `private_key` starts with the `PLEASE DO NOT REMOVE THIS LINE!` line. */
  keyWithNotice: AuthorizedKey;
}

/** A registered OAuth application. */
export interface FakeOAuthApp {
  clientId: string;
  /** Undefined for a public client (no secret required at /token). */
  clientSecret: string | undefined;
  redirectUris: string[];
  /** Rights the app may request; default `tracker:read tracker:write`. */
  scopes: string[];
  name: string;
  /**
   * Opt-in, kinder than Yandex: a registered loopback URI without a port
   * (`http://127.0.0.1/callback`) matches any port (RFC 8252 7.3). Yandex matches the
   * registered redirect URI exactly (docs/yandex-api.md 2.1). On for the demo app only.
   */
  anyLoopbackPort: boolean;
}

/** A Tracker user (a Yandex account or a service account). */
export interface FakeUser {
  uid: number;
  login: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Set for service accounts and cloud users. */
  cloudUid?: string;
  /** Org ids (either kind) the user belongs to; undefined = every org. */
  orgs?: string[];
  /** Set when the user is a service account. */
  serviceAccountId?: string;
}

/** What `fake.oauth.issueToken()` returns. */
export interface IssuedOAuthToken {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** One entry of the request log; secrets are already redacted. */
export interface LoggedRequest {
  endpoint: FakeEndpoint;
  method: string;
  /** Path and query; secret query parameters redacted. */
  path: string;
  /** HTTP status sent, or 0 when the connection was dropped. */
  status: number;
  /** Request headers, lower-cased; Authorization/Cookie values redacted. */
  headers: Record<string, string>;
  /** Parsed form/JSON body fields, secret values redacted; undefined when there was no body. */
  params?: Record<string, unknown>;
  /** Fake-clock time of arrival, epoch ms. */
  at: number;
}

/** The fake's clock: every lifetime (tokens, codes, metadata `expires_in`) reads it. */
export interface FakeClock {
  /** Current fake time, epoch ms. */
  now(): number;
  /** Move the clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Jump to an absolute time, epoch ms. */
  set(epochMs: number): void;
}

/** Options of {@link startFakeYandex}. */
export interface FakeYandexOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** /authorize and device flows approve on their own (default true). */
  autoApprove?: boolean;
  /** Initial fake time, epoch ms (default: the real time). */
  startTime?: number;
  /**
   * `system` (default): the clock follows real time, shifted by `advance`/`set`.
   * `manual`: the clock only moves through `advance`/`set` (fully deterministic tests).
   */
  clockMode?: 'system' | 'manual';
  /** Derive demo tokens and ids from this string so they stay the same across restarts. */
  seed?: string;
  /** Redirect URIs of the demo app (default `['http://127.0.0.1/callback']`). */
  demoRedirectUris?: string[];
  /** Use this key pair for the demo service account instead of generating one. */
  demoKeyPair?: PemKeyPair;
  /** Random source for `rate` faults (default Math.random). */
  random?: () => number;
}
