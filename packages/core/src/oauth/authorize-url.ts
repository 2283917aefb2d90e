/**
 * The Yandex OAuth authorize URL (docs/yandex-api.md 2.1): a pure builder that validates every
 * parameter first and emits them in the documented form.
 */
import { ConfigurationError } from '../errors.js';
import { DEFAULT_OAUTH_URL } from '../types.js';
import { assertUrl, endpointUrl } from '../validate.js';

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

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/** RFC 7636 §4.2: a challenge is 43–128 unreserved characters. */
const CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
/** A scope token: no spaces (the list separator), no quotes/backslashes (RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function fail(field: string, message: string): never {
  throw new ConfigurationError('INVALID_OPTION', field, `${field} ${message}.`);
}

function text(value: unknown, field: string, rule: string): string {
  if (typeof value !== 'string') fail(field, `must be a string; ${rule}`);
  if (value.length === 0) fail(field, `is empty; ${rule}`);
  if (CONTROL.test(value)) fail(field, `contains a control character (for example CR or LF); ${rule}`);
  return value;
}

function scopeList(value: string | readonly string[], field: string): string[] {
  const items = typeof value === 'string' ? value.split(' ').filter(Boolean) : value;
  if (!Array.isArray(items)) fail(field, 'must be a string or an array of strings, e.g. [TRACKER_READ, TRACKER_WRITE]');
  const out: string[] = [];
  items.forEach((item: unknown, index) => {
    const at = typeof value === 'string' ? field : `${field}[${index}]`;
    if (typeof item !== 'string' || !SCOPE_TOKEN.test(item)) {
      fail(at, "must be a right name without spaces or quotes, e.g. 'tracker:read'");
    }
    if (!out.includes(item)) out.push(item);
  });
  return out;
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
  if (typeof options !== 'object' || options === null) {
    fail('options', 'must be an object with at least clientId');
  }
  const responseType = options.responseType ?? 'code';
  if (responseType !== 'code' && responseType !== 'token') fail('responseType', "must be 'code' or 'token'");
  const params: [string, string][] = [
    ['response_type', responseType],
    ['client_id', text(options.clientId, 'clientId', 'pass the ClientID of your app from https://oauth.yandex.ru')],
  ];
  if (/\s/.test(options.clientId)) fail('clientId', 'contains whitespace; copy the ClientID again');

  if (options.redirectUri !== undefined) {
    const redirect = assertUrl(options.redirectUri, 'redirectUri', { allowQuery: true, anyScheme: true });
    // Sent exactly as given: Yandex compares it with the registered URI, and URL.href would
    // normalize it (adding a trailing slash, lower-casing the host).
    params.push(['redirect_uri', typeof options.redirectUri === 'string' ? options.redirectUri : redirect.href]);
  }
  if (options.deviceId !== undefined) {
    const deviceId = text(options.deviceId, 'deviceId', 'use 6 to 50 printable ASCII characters');
    if (deviceId.length < 6 || deviceId.length > 50 || !PRINTABLE_ASCII.test(deviceId)) {
      fail('deviceId', 'must be 6 to 50 printable ASCII characters (docs/yandex-api.md 2.1)');
    }
    params.push(['device_id', deviceId]);
  }
  if (options.deviceName !== undefined) {
    if (options.deviceId === undefined) {
      fail('deviceName', 'is ignored by Yandex without deviceId; set deviceId too, or drop deviceName');
    }
    const deviceName = text(options.deviceName, 'deviceName', 'use up to 100 characters');
    if ([...deviceName].length > 100) fail('deviceName', 'is longer than 100 characters; shorten it');
    params.push(['device_name', deviceName]);
  }
  if (options.loginHint !== undefined) {
    params.push(['login_hint', text(options.loginHint, 'loginHint', "pass the user's Yandex login or email, or leave it out")]);
  }
  const scope = options.scope === undefined ? [] : scopeList(options.scope, 'scope');
  const optionalScope = options.optionalScope === undefined ? [] : scopeList(options.optionalScope, 'optionalScope');
  const both = optionalScope.find((item) => scope.includes(item));
  if (both !== undefined) fail('optionalScope', 'repeats a right that scope already requires; list each right once');
  if (scope.length > 0) params.push(['scope', scope.join(' ')]);
  if (optionalScope.length > 0) params.push(['optional_scope', optionalScope.join(' ')]);
  if (options.forceConfirm !== undefined && typeof options.forceConfirm !== 'boolean') {
    fail('forceConfirm', 'must be true or false');
  }
  if (options.forceConfirm) params.push(['force_confirm', 'yes']);
  if (options.state !== undefined) {
    params.push(['state', text(options.state, 'state', 'use createState() for an unguessable value')]);
    if (options.state.length > 1024) fail('state', 'is longer than 1024 characters; keep data server-side and send a random key (createState())');
  }

  if (options.pkce !== undefined && (options.codeChallenge !== undefined || options.codeChallengeMethod !== undefined)) {
    fail('pkce', 'and codeChallenge/codeChallengeMethod were both given; pass one of them');
  }
  const challenge = options.pkce?.codeChallenge ?? options.codeChallenge;
  const method = options.pkce?.codeChallengeMethod ?? options.codeChallengeMethod;
  if (challenge === undefined && method !== undefined) fail('codeChallengeMethod', 'needs codeChallenge; pass pkce from createPkce()');
  if (challenge !== undefined) {
    if (responseType === 'token') {
      fail('codeChallenge', "only applies to responseType 'code' (PKCE protects the code exchange); remove it or use the code flow");
    }
    if (typeof challenge !== 'string' || !CHALLENGE.test(challenge)) {
      fail('codeChallenge', 'must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.2); use createPkce()');
    }
    const m = method ?? 'S256';
    if (m !== 'S256' && m !== 'plain') fail('codeChallengeMethod', "must be 'S256' or 'plain'");
    params.push(['code_challenge', challenge], ['code_challenge_method', m]);
  }

  const base = options.oauthUrl === undefined ? new URL(DEFAULT_OAUTH_URL) : assertUrl(options.oauthUrl, 'oauthUrl');
  const url = endpointUrl(base, 'authorize');
  url.search = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return url;
}
