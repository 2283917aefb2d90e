/**
 * `createTrackerAuth()`: a token source plus an organization → Tracker auth headers on demand,
 * for any HTTP client. The hot path (cached token) is a store lookup and a cache hit on the
 * built header object; nothing is re-validated per request.
 */
import { assertEventHandler, type TrackerAuthEventHandler } from './events.js';
import { assertOrgFitsTokenKind, buildTrackerHeaders } from './headers.js';
import { hideSecrets } from './redact.js';
import type { GetTokenOptions, RefreshOptions, TokenSource, TokenStore, TrackerAuth, TrackerHeaders, TrackerOrg } from './types.js';
import { isObject, normalizeOrg, optionFailer } from './validate.js';

export interface CreateTrackerAuthOptions {
  /** Where tokens come from: `oauthToken()`, `iamFromServiceAccountKey()`, `credentialsFromEnv().credentials`, … */
  credentials: TokenSource;
  /** `{ orgId }` (Yandex 360) or `{ cloudOrgId }` (Yandex Cloud), exactly one. */
  org: TrackerOrg;
  /**
   * Token store for the credentials (e.g. shared over Redis), handed to the source's
   * `withDefaults()` (a source's own store wins); static tokens need none.
   */
  store?: TokenStore | undefined;
  /** Refresh tuning, handed to the source's `withDefaults()`: merged under its own `refresh` options (the source's win). */
  refresh?: RefreshOptions | undefined;
  /**
   * Observer of what the library does (see `TrackerAuthEvent`): the credential's refreshes
   * (`refresh.start` / `end` / `failure` / `retry` / `cooldown`, for sources made by this
   * library that were not given their own `onEvent`), and, for clients built on this auth
   * without their own `onEvent`, retries, 429 waits and 401 replays. No event holds a secret;
   * what the handler throws is swallowed.
   */
  onEvent?: TrackerAuthEventHandler | undefined;
}

const fail = /* @__PURE__ */ optionFailer('createTrackerAuth');

/** The scheme word of an `Authorization` value, then the token. */
const AUTHORIZATION = /^\s*(?:OAuth|Bearer)\s+(\S+)\s*$/i;

/**
 * Create Tracker auth for one credential and organization. Options are validated now: a bad
 * org, a token source of the wrong shape, or an IAM credential with a Yandex 360 `orgId`
 * (IAM tokens work only with Yandex Cloud organizations) throw {@link ConfigurationError}.
 *
 * `headers()` resolves to `{ Authorization, X-Org-ID | X-Cloud-Org-ID }`; printing the auth
 * object or the headers never shows the token. After Tracker answers 401, pass the rejected
 * `Authorization` value to `invalidate()` and call `headers()` again (one refresh for any
 * number of concurrent 401s); when `invalidate()` resolves `false` the credential was just
 * refreshed (forced-refresh cooldown) and `headers()` would return the same one: do not retry.
 *
 * @example
 * const auth = createTrackerAuth({ credentials: oauthToken(process.env.TRACKER_OAUTH_TOKEN!), org: { orgId: '1234567' } });
 * const res = await fetch('https://api.tracker.yandex.net/v3/myself', { headers: await auth.headers() });
 */
export function createTrackerAuth(options: CreateTrackerAuthOptions): TrackerAuth {
  if (!isObject(options)) fail('options', 'must be an options object');
  const org = normalizeOrg(options.org, 'org');
  let credentials = assertTokenSource(options.credentials);
  const onEvent = assertEventHandler(options.onEvent, 'onEvent', 'createTrackerAuth');
  const { store, refresh } = options;
  if (store !== undefined || refresh !== undefined || onEvent !== undefined) {
    // The one place app-wide settings reach the source: its own withDefaults() (own values win).
    if (typeof credentials.withDefaults === 'function') {
      credentials = assertTokenSource(credentials.withDefaults({ store, refresh, onEvent }));
    } else if (store !== undefined || refresh !== undefined) {
      // A source without withDefaults() cannot take these settings; say so instead of ignoring them.
      fail(store !== undefined ? 'store' : 'refresh', 'needs a source with withDefaults(); pass it to the source instead');
    }
  }
  assertOrgFitsTokenKind(credentials.kind, org, 'org');

  // One built header object per token value: the hot path is a comparison, not a rebuild.
  let cachedToken: string | undefined;
  let cachedHeaders: TrackerHeaders | undefined;

  const auth: TrackerAuth = {
    org,
    credentials,
    // Clients built on this auth report their retries and replays to the same handler.
    onEvent,
    async headers(getOptions?: GetTokenOptions): Promise<TrackerHeaders> {
      const access = await credentials.getToken(getOptions);
      if (access.token === cachedToken && cachedHeaders) return cachedHeaders;
      const built = Object.freeze(buildTrackerHeaders(access, org));
      cachedToken = access.token;
      cachedHeaders = built;
      return built;
    },
    async invalidate(authorization?: string): Promise<boolean | void> {
      if (authorization === undefined) return credentials.invalidate?.();
      const match = typeof authorization === 'string' ? AUTHORIZATION.exec(authorization) : null;
      // A value we cannot parse was not produced by headers(): nothing of ours to invalidate.
      if (match) return credentials.invalidate?.(match[1]);
    },
  };
  return hideSecrets(auth, () => ({ org, credentials: { id: credentials.id, kind: credentials.kind } }), 'TrackerAuth');
}

function assertTokenSource(value: unknown): TokenSource {
  const source = value as Partial<TokenSource> | null | undefined;
  // One message for every wrong value: it names the wrappers a bare token string needs.
  if (!isObject(source) || typeof source.getToken !== 'function' || (source.kind !== 'oauth' && source.kind !== 'iam') || typeof source.id !== 'string') {
    fail('credentials', 'must be a token source, e.g. oauthToken(token)');
  }
  return source as TokenSource;
}
