/**
 * Every check of `createOAuthFlow`'s options, in one place, before the flow exists: a bad option
 * fails when the app starts (ConfigurationError naming the field), and the flow itself only reads
 * the resolved values. Adapters take the flow's options as they are and never re-check them.
 */
import { ConfigurationError } from '../errors.js';
import { assertEventHandler } from '../events.js';
import { buildAuthorizeUrl } from '../oauth/authorize-url.js';
import { TRACKER_SCOPES } from '../oauth/scopes.js';
import { checkOAuthOptions } from '../oauth/token-endpoint.js';
import { resolveRefreshOptions } from '../refresh/refresh-policy.js';
import { assertAppPath, assertUrl, normalizeOrg } from '../validate.js';
import { assertCookieAttributes, isValidCookieName } from './cookies.js';
import type { OAuthFlowOptions } from './oauth-flow-types.js';
import { safeReturnTo } from './return-to.js';
import { createSessionCodec } from './session-codec.js';

/** How long a sign-in may take, from the redirect to Yandex to the callback: the sign-in cookie's life. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;
const DEFAULT_SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const MAX_SESSION_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

function invalid(field: string, message: string, code: ConfigurationError['code'] = 'INVALID_OPTION'): never {
  throw new ConfigurationError(code, field, `createOAuthFlow: ${message}`);
}

function requireText(value: unknown, field: string, hint: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(field, `${field} must be a non-empty string (${hint}).`);
  return value;
}

function localPath(value: string | undefined, field: string): string {
  if (value === undefined) return '/';
  const safe = safeReturnTo(value);
  if (safe === undefined) invalid(field, `${field} must be a same-origin path such as "/" or "/issues".`);
  return safe;
}

/** The flow's options, checked and with their defaults applied. */
export type ResolvedOAuthFlowOptions = ReturnType<typeof resolveOAuthFlowOptions>;

/**
 * Check `createOAuthFlow` options and apply their defaults (ConfigurationError naming the field).
 * Builds one authorize URL and the session codec on the way, so every option Yandex or the
 * cookies would refuse later fails here.
 *
 * @example
 * resolveOAuthFlowOptions({ clientId: '', clientSecret: 's', redirectUri: 'https://app.example.com/cb', org: { orgId: '1' }, sessionSecret })
 * // throws ConfigurationError INVALID_OPTION (field 'clientId')
 */
export function resolveOAuthFlowOptions(options: OAuthFlowOptions) {
  if (!options || typeof options !== 'object') invalid('options', 'pass an options object.');
  const clientId = requireText(options.clientId, 'clientId', 'the ClientID of your app at oauth.yandex.ru');
  const clientSecret = requireText(options.clientSecret, 'clientSecret', 'the Client secret of your app at oauth.yandex.ru');
  const redirectUrl = assertUrl(options.redirectUri, 'redirectUri', { allowQuery: true });
  // Sent exactly as given: Yandex compares it with the registered Redirect URI as a string.
  const redirectUri = options.redirectUri;
  const org = normalizeOrg(options.org, 'org');
  const scope = options.scope ?? TRACKER_SCOPES;
  const cookieOptions = options.cookies ?? {};
  if (typeof cookieOptions !== 'object') invalid('cookies', 'cookies must be an object.');
  const sessionName = cookieOptions.session ?? 'tracker_session';
  const loginName = cookieOptions.signIn ?? 'tracker_login';
  if (!isValidCookieName(sessionName)) invalid('cookies.session', 'cookies.session must be a valid cookie name.');
  if (!isValidCookieName(loginName)) invalid('cookies.signIn', 'cookies.signIn must be a valid cookie name.');
  if (sessionName === loginName) invalid('cookies.signIn', 'cookies.signIn and cookies.session must differ.');
  assertCookieAttributes('cookies', cookieOptions);
  const secureOption = cookieOptions.secure ?? 'auto';
  if (secureOption !== 'auto' && typeof secureOption !== 'boolean') invalid('cookies.secure', "cookies.secure must be true, false or 'auto'.");
  const sessionMaxAgeSeconds = options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(sessionMaxAgeSeconds) || sessionMaxAgeSeconds <= 0 || sessionMaxAgeSeconds > MAX_SESSION_MAX_AGE_SECONDS) {
    invalid('sessionMaxAgeSeconds', 'sessionMaxAgeSeconds must be a whole number of seconds from 1 to 34560000 (400 days, the longest a browser keeps a cookie).');
  }
  const afterSignInPath = localPath(options.afterSignInPath, 'afterSignInPath');
  const afterSignOutPath = localPath(options.afterSignOutPath, 'afterSignOutPath');
  const returnToParam = options.returnToParam ?? 'returnTo';
  if (returnToParam !== false && (typeof returnToParam !== 'string' || returnToParam === '')) {
    invalid('returnToParam', 'returnToParam must be a query parameter name or false.');
  }
  if (options.device !== undefined && (typeof options.device !== 'object' || options.device === null)) {
    invalid('device', 'device must be { deviceId, deviceName? }.');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') invalid('onError', 'onError must be a function.');
  const onEvent = assertEventHandler(options.onEvent, 'onEvent', 'createOAuthFlow');
  const canonicalHost = options.canonicalHost ?? true;
  if (typeof canonicalHost !== 'boolean') invalid('canonicalHost', 'canonicalHost must be true or false.');
  const errorPath = options.errorPath === undefined ? undefined : assertAppPath(options.errorPath, 'errorPath');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') invalid('fetch', 'fetch must be a function.');
  const store = options.store;
  if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function')) {
    invalid('store', 'store must be a TokenStore: an object with get(key), set(key, value) and delete(key), e.g. over Redis.');
  }
  // Refresh tuning and OAuth call options are used per request: check them now.
  const now = resolveRefreshOptions(options.refresh, 'refresh').now;
  const oauthCall = { clientId, clientSecret, oauthUrl: options.oauthUrl, fetch: options.fetch, timeoutMs: options.timeoutMs };
  checkOAuthOptions('createOAuthFlow', oauthCall);
  const device = options.device === undefined ? {} : { deviceId: options.device.deviceId, deviceName: options.device.deviceName };

  // Build one authorize URL now: every authorize option (scope, device, oauthUrl, …) fails at
  // construction rather than at the first sign-in.
  buildAuthorizeUrl({
    clientId,
    redirectUri,
    scope,
    forceConfirm: options.forceConfirm,
    ...device,
    state: 'x',
    oauthUrl: options.oauthUrl,
  });

  const codec = createSessionCodec(options.sessionSecret, 'sessionSecret', now);
  return { clientId, clientSecret, redirectUri, redirectUrl, org, scope, sessionName, loginName, cookieOptions, secureOption, sessionMaxAgeSeconds, afterSignInPath, afterSignOutPath, returnToParam, onEvent, canonicalHost, errorPath, store, now, oauthCall, device, codec };
}
