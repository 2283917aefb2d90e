/**
 * The Yandex OAuth authorize URL (docs/yandex-api.md 2.1): a pure builder that validates every
 * parameter first and emits them in the documented form.
 */
import { assertUrl, optionFailer } from '../validate.js';
import { assertPkceValue } from './pkce.js';
import { oauthEndpoint } from './token-endpoint.js';

export interface AuthorizeUrlOptions {
  /** The app's ClientID from https://oauth.yandex.ru. Required. */
  clientId: string;
  /** `code` (confirmation code, default) or `token` (implicit flow: the token comes back in the `#fragment`). */
  responseType?: 'code' | 'token' | undefined;
  /** One of the redirect URIs registered for the app. Query allowed, fragment not. */
  redirectUri?: string | URL | undefined;
  /** A unique id of the user's device: 6–50 printable ASCII characters. */
  deviceId?: string | undefined;
  /** A human name of the device, up to 100 characters; needs `deviceId` (Yandex ignores it otherwise). */
  deviceName?: string | undefined;
  /** The user's login or email, to preselect the account. */
  loginHint?: string | undefined;
  /** Rights required; e.g. `[TRACKER_READ, TRACKER_WRITE]`. Space-separated in the URL. */
  scope?: string | readonly string[] | undefined;
  /** Rights the user may decline. */
  optionalScope?: string | readonly string[] | undefined;
  /** Ask for consent again even if the user already allowed the app (`force_confirm=yes`). */
  forceConfirm?: boolean | undefined;
  /** Opaque value echoed back to the redirect; use {@link createState}. */
  state?: string | undefined;
  /** PKCE challenge (RFC 7636), or pass `pkce` instead. */
  codeChallenge?: string | undefined;
  /** `S256` (default when a challenge is given) or `plain`. */
  codeChallengeMethod?: 'S256' | 'plain' | undefined;
  /** The result of `createPkce()`; sets `codeChallenge` and `codeChallengeMethod`. */
  pkce?: { codeChallenge: string; codeChallengeMethod: 'S256' | 'plain' } | undefined;
  /** OAuth server base URL. Default `https://oauth.yandex.ru` (`.com` works too; a fake in tests). */
  oauthUrl?: string | URL | undefined;
}

/* eslint-disable no-control-regex -- refusing control characters (CR/LF injection) is the point */
/** A ClientID: non-empty, no whitespace or control character. */
const CLIENT_ID = /^[^\s\0-\x1f\x7f-\x9f]+$/;
/** Free text (login hint): non-empty, no control character. */
const TEXT = /^[^\0-\x1f\x7f-\x9f]+$/;
/** A device name: 1 to 100 characters (code points, hence `u`), no control character. */
const DEVICE_NAME = /^[^\0-\x1f\x7f-\x9f]{1,100}$/u;
/** A state: 1 to 1024 UTF-16 units, no control character (data belongs server-side). */
const STATE = /^[^\0-\x1f\x7f-\x9f]{1,1024}$/;
/* eslint-enable no-control-regex */
/** A device id: 6 to 50 printable ASCII characters (docs/yandex-api.md 2.1). */
const DEVICE_ID = /^[\x20-\x7e]{6,50}$/;
/** A scope token: no spaces (the list separator), no quotes/backslashes (RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const fail = optionFailer('buildAuthorizeUrl');

/** `value` unless it is given and not a string matching `pattern`. */
function check(value: unknown, field: string, pattern: RegExp, problem: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !pattern.test(value))) fail(field, problem);
  return value as string | undefined;
}

/** A right list: a space-separated string or an array; duplicates dropped, order kept. */
function scopeList(value: unknown, field: string): string[] {
  const items: unknown = typeof value === 'string' ? value.split(' ').filter(Boolean) : value === undefined ? [] : value;
  if (!Array.isArray(items)) return fail(field, 'must be a string or an array of strings');
  items.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || !SCOPE_TOKEN.test(item)) {
      fail(typeof value === 'string' ? field : `${field}[${index}]`, "must be a right such as 'tracker:read' (no spaces or quotes)");
    }
  });
  return [...new Set(items as string[])];
}

/**
 * Build the URL to send the user to for Yandex sign-in (docs/yandex-api.md 2.1). Every option is
 * validated first ({@link ConfigurationError}); lists are space-separated; parameters are
 * emitted in the documented order, percent-encoded (spaces as `%20`).
 *
 * @example
 * const state = createState();
 * const pkce = await createPkce();
 * const url = buildAuthorizeUrl({
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   redirectUri: 'https://app.example.com/auth/callback',
 *   scope: [TRACKER_READ, TRACKER_WRITE],
 *   state,
 *   pkce,
 * });
 * // redirect the browser to url.href; keep state and pkce.codeVerifier in a sealed cookie
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): URL {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object with clientId');
  const { clientId, redirectUri, deviceName, forceConfirm, pkce, codeChallenge, codeChallengeMethod } = options;
  const responseType = options.responseType ?? 'code';
  if (responseType !== 'code' && responseType !== 'token') fail('responseType', "must be 'code' or 'token'");
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) fail('clientId', 'must be the ClientID of your app, without spaces');
  // Sent exactly as given: Yandex compares it with the registered URI, and URL.href would
  // normalize it (adding a trailing slash, lower-casing the host).
  if (redirectUri !== undefined) assertUrl(redirectUri, 'redirectUri', { allowQuery: true, anyScheme: true });
  const deviceId = check(options.deviceId, 'deviceId', DEVICE_ID, 'must be 6 to 50 printable ASCII characters');
  if (deviceName !== undefined && deviceId === undefined) fail('deviceName', 'is ignored by Yandex without deviceId');
  check(deviceName, 'deviceName', DEVICE_NAME, 'must be 1 to 100 characters without line breaks');
  const loginHint = check(options.loginHint, 'loginHint', TEXT, "must be the user's Yandex login or email");
  const scope = scopeList(options.scope, 'scope');
  const optionalScope = scopeList(options.optionalScope, 'optionalScope');
  if (optionalScope.some((item) => scope.includes(item))) fail('optionalScope', 'repeats a right of scope; list each right once');
  if (forceConfirm !== undefined && typeof forceConfirm !== 'boolean') fail('forceConfirm', 'must be true or false');
  const state = check(options.state, 'state', STATE, 'must be 1 to 1024 characters without line breaks (createState())');

  if (pkce !== undefined && (codeChallenge !== undefined || codeChallengeMethod !== undefined)) {
    fail('pkce', 'cannot be combined with codeChallenge or codeChallengeMethod');
  }
  const challenge = pkce?.codeChallenge ?? codeChallenge;
  let method = pkce?.codeChallengeMethod ?? codeChallengeMethod;
  if (challenge === undefined) {
    if (method !== undefined) fail('codeChallengeMethod', 'needs codeChallenge; pass pkce from createPkce()');
  } else {
    if (responseType === 'token') fail('codeChallenge', "needs responseType 'code'");
    assertPkceValue(challenge, 'codeChallenge', 'buildAuthorizeUrl');
    method ??= 'S256';
    if (method !== 'S256' && method !== 'plain') fail('codeChallengeMethod', "must be 'S256' or 'plain'");
  }

  const url = new URL(oauthEndpoint(options.oauthUrl, 'authorize'));
  const params = {
    response_type: responseType,
    client_id: clientId,
    redirect_uri: redirectUri && String(redirectUri),
    device_id: deviceId,
    device_name: deviceName,
    login_hint: loginHint,
    scope: scope.join(' '),
    optional_scope: optionalScope.join(' '),
    force_confirm: forceConfirm && 'yes',
    state,
    code_challenge: challenge,
    code_challenge_method: challenge && method,
  };
  // Built by hand, not with URLSearchParams: spaces must be `%20`, not `+`.
  url.search = Object.entries(params)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${encodeURIComponent(value!)}`)
    .join('&');
  return url;
}
