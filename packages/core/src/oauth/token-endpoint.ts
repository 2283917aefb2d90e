/**
 * Talking to Yandex OAuth's form endpoints (`/token`, `/device/code`, `/revoke_token`):
 * client authentication, the request itself, and turning answers into token sets or typed
 * errors (docs/yandex-api.md 2.3–2.5). The grants (`exchangeCode`, `refreshOAuthToken`, the
 * device flow, `revokeToken`) are thin callers of {@link postOAuthForm}.
 */
import { OAuthResponseError, TokenExchangeError, isInvalidResponseError, type TokenExchangeErrorInit } from '../errors.js';
import { base64Encode } from '../encoding.js';
import { describeRequest, fetchWithDeadline, isRetryableStatus, readJson } from '../http/upstream.js';
import { scrubSecrets } from '../redact.js';
import { DEFAULT_OAUTH_URL, type FetchLike, type OAuthTokenSet } from '../types.js';
import { assertUrl, endpointUrl, isObject, optionFailer, type OptionFail } from '../validate.js';

/**
 * How the app proves its identity to the token endpoint: `basic` sends
 * `Authorization: Basic base64(client_id:client_secret)`, `body` sends `client_id` and
 * `client_secret` as form fields. Yandex accepts both; the header wins when both are sent.
 */
export type ClientAuthMethod = 'basic' | 'body';

/** Options every call to Yandex OAuth takes. */
export interface OAuthRequestOptions {
  /** Base URL of Yandex OAuth. Default `https://oauth.yandex.ru` (point it at the fake in tests). */
  oauthUrl?: string | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: FetchLike | undefined;
  /** Aborts the call ({@link AbortedError}). */
  signal?: AbortSignal | undefined;
  /** Deadline of one HTTP call, headers and body, ms. Default 10 000. */
  timeoutMs?: number | undefined;
}

/** The app's credentials at the OAuth server. */
export interface OAuthClientCredentials {
  /** The app's ClientID from oauth.yandex.ru. */
  clientId: string;
  /** The app's Client secret; omit only for a public client using PKCE. */
  clientSecret?: string | undefined;
  /** Where the credentials go; default `basic`. */
  clientAuth?: ClientAuthMethod | undefined;
}

/** Internal: one form POST to a Yandex OAuth endpoint. */
export interface OAuthFormCall extends OAuthRequestOptions, OAuthClientCredentials {
  /** Path under `oauthUrl`, e.g. `/token`. */
  path: string;
  form: Record<string, string | undefined>;
  /** What the call does, for messages: `code exchange` reads `Yandex OAuth code exchange failed: …`. */
  what: string;
  /** Values that must never be echoed back in an error message. */
  secrets?: Array<string | undefined>;
  /** Treat a 2xx answer that carries a string `error` as a refusal (`/revoke_token` may answer so). */
  errorIn2xxIsRefusal?: boolean;
}

/**
 * Throw a {@link ConfigurationError} (`INVALID_OPTION`, `` fn: `field` must be a non-empty
 * string (hint). ``) unless `value` is a non-empty string; `hint` says what belongs there.
 */
export function requireString(value: unknown, field: string, fn: string, hint: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') optionFailer(fn)(field, `must be a non-empty string (${hint})`);
}

/**
 * Validate the shared options of an OAuth call before anything is sent, and return the
 * `fail` of `fn` for the caller's own checks.
 */
export function checkOAuthOptions(fn: string, options: OAuthRequestOptions & Partial<OAuthClientCredentials>): OptionFail {
  const fail = optionFailer(fn);
  const { clientSecret, clientAuth, oauthUrl, timeoutMs } = options;
  requireString(options.clientId, 'clientId', fn, 'the ClientID of your app');
  if (clientSecret !== undefined) requireString(clientSecret, 'clientSecret', fn, 'or omit it for a PKCE client');
  if (clientAuth !== undefined && clientAuth !== 'basic' && clientAuth !== 'body') fail('clientAuth', "must be 'basic' or 'body'");
  if (oauthUrl !== undefined) assertUrl(oauthUrl, 'oauthUrl');
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) fail('timeoutMs', 'must be a positive number of milliseconds');
  return fail;
}

/**
 * `oauthUrl` + path, keeping any path prefix of `oauthUrl` (useful behind a proxy). The URL is
 * checked by the shared `assertUrl` (`INVALID_URL`, field `oauthUrl`).
 */
export function oauthEndpoint(oauthUrl: string | URL | undefined, path: string): string {
  return endpointUrl(oauthUrl === undefined ? DEFAULT_OAUTH_URL : assertUrl(oauthUrl, 'oauthUrl'), path).href;
}

/** A {@link TokenExchangeError} of a call, worded `` Yandex OAuth `what` failed: `detail`: POST url ``. */
export function exchangeFailed(
  call: Pick<OAuthFormCall, 'what' | 'oauthUrl' | 'path'>,
  detail: string,
  init: Omit<TokenExchangeErrorInit, 'source'>,
): TokenExchangeError {
  return new TokenExchangeError(`Yandex OAuth ${call.what} failed: ${detail}: ${describeRequest('POST', oauthEndpoint(call.oauthUrl, call.path))}`, {
    source: 'oauth',
    ...init,
  });
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before base64 (Yandex's are hex anyway). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/** Whether `value` is a non-empty string (fields of a token answer). */
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * POST a form to Yandex OAuth and return the parsed JSON of a 2xx answer. Error answers
 * become {@link OAuthResponseError} (a 4xx with `{error, error_description}`) or
 * {@link TokenExchangeError} (5xx, 429, or a body that is not the expected JSON).
 */
export async function postOAuthForm(call: OAuthFormCall): Promise<Record<string, unknown>> {
  const { clientId, clientSecret } = call;
  const what = `Yandex OAuth ${call.what}`;
  const url = oauthEndpoint(call.oauthUrl, call.path);
  const pair = clientSecret === undefined ? undefined : `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  const basic = pair !== undefined && call.clientAuth !== 'body';
  const form = new URLSearchParams();
  // Without the Basic header, the client goes in the form (a public client: its id alone).
  const fields = { ...(basic ? {} : { client_id: clientId, client_secret: clientSecret }), ...call.form };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) form.set(key, value);
  }
  const headers: Record<string, string> = basic ? { Authorization: `Basic ${base64Encode(pair)}` } : {};
  let status: number;
  let ok: boolean;
  let body: unknown;
  try {
    // One deadline over the answer's headers and body: a stalled body ends in TimeoutError.
    const response = await fetchWithDeadline({ method: 'POST', url, headers, form, fetch: call.fetch, signal: call.signal, timeoutMs: call.timeoutMs, what });
    ({ status, ok } = response);
    body = await readJson(response);
  } catch (error) {
    if (!isInvalidResponseError(error)) throw error;
    throw exchangeFailed(call, `HTTP ${error.status} with an answer larger than the limit`, { status: error.status, cause: error });
  }
  const json = isObject(body) ? body : {};
  const error = typeof json.error === 'string' ? json.error : undefined;

  if (ok && !(call.errorIn2xxIsRefusal && error !== undefined)) {
    if (isObject(body)) return body;
    throw exchangeFailed(call, `HTTP ${status}, the body is not a JSON object`, { status });
  }
  const retryable = isRetryableStatus(status);
  if (error !== undefined && !retryable) {
    // Every form the secrets were sent in (pair: as encoded for the Basic header) is scrubbed from the echo.
    const secrets = [clientSecret, pair, clientSecret && `${clientId}:${clientSecret}`, ...(call.secrets ?? [])];
    const description = typeof json.error_description === 'string' ? scrubSecrets(json.error_description, secrets) : undefined;
    throw new OAuthResponseError(`${what} refused: ${description ? `${error} (${description})` : error}: ${describeRequest('POST', url)}`, {
      error,
      errorDescription: description,
      status,
    });
  }
  throw exchangeFailed(call, `HTTP ${status}${error ? ` (${error})` : ''}`, { status, upstreamCode: error, retryable });
}

/**
 * POST a grant to `/token` and normalize the answer (docs/yandex-api.md 2.3): `access_token`,
 * `refresh_token`, `token_type`, `expires_in` (seconds), `scope`. `expiresAt` is computed at
 * receipt with `now`.
 */
export async function postTokenGrant(
  options: OAuthRequestOptions & OAuthClientCredentials,
  what: string,
  form: Record<string, string | undefined>,
  secrets: Array<string | undefined>,
  now: () => number = Date.now,
): Promise<OAuthTokenSet> {
  const call = { ...options, path: '/token', what, form, secrets };
  const json = await postOAuthForm(call);
  const { access_token: accessToken, refresh_token: refreshToken, token_type: tokenType, scope } = json;
  if (!isText(accessToken)) throw exchangeFailed(call, 'the answer has no access_token', { status: 200 });
  const expiresIn = Number(json.expires_in);
  const tokens: OAuthTokenSet = { accessToken, tokenType: typeof tokenType === 'string' ? tokenType : 'bearer' };
  if (isText(refreshToken)) tokens.refreshToken = refreshToken;
  if (Number.isFinite(expiresIn) && expiresIn > 0) tokens.expiresAt = now() + expiresIn * 1000;
  if (isText(scope)) tokens.scope = scope;
  return tokens;
}

/** Options of {@link exchangeCode}. */
export interface ExchangeCodeOptions extends OAuthRequestOptions, OAuthClientCredentials {
  /** The confirmation code from the callback (`?code=…`) or typed in by the user. */
  code: string;
  /** The `redirect_uri` used in the authorize URL, when one was sent. */
  redirectUri?: string | undefined;
  /** The PKCE verifier whose challenge went into the authorize URL. */
  codeVerifier?: string | undefined;
  /** Bind the token to a device (6–50 printable ASCII characters). */
  deviceId?: string | undefined;
  /** A name for that device, shown to the user in their Yandex ID. */
  deviceName?: string | undefined;
}

/**
 * Exchange a confirmation code for tokens (`grant_type=authorization_code`).
 *
 * @throws {OAuthResponseError} Yandex refused (`invalid_grant`, `bad_verification_code`, `invalid_client`, …).
 * @throws {TokenExchangeError} Yandex failed (5xx, 429, malformed answer).
 * @throws {TimeoutError | NetworkError | AbortedError}
 * @example
 * const tokens = await exchangeCode({
 *   code: callback.code,
 *   codeVerifier: pkce.verifier,
 *   clientId: process.env.YANDEX_CLIENT_ID!,
 *   clientSecret: process.env.YANDEX_CLIENT_SECRET!,
 * });
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<OAuthTokenSet> {
  const fn = 'exchangeCode';
  checkOAuthOptions(fn, options);
  const { code, codeVerifier } = options;
  requireString(code, 'code', fn, 'from the callback');
  if (codeVerifier !== undefined) requireString(codeVerifier, 'codeVerifier', fn, 'from createPkce()');
  return postTokenGrant(
    options,
    'code exchange',
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      code_verifier: codeVerifier,
      device_id: options.deviceId,
      device_name: options.deviceName,
    },
    [code, codeVerifier],
  );
}

/** Options of {@link refreshOAuthToken}. */
export interface RefreshOAuthTokenOptions extends OAuthRequestOptions, OAuthClientCredentials {
  /** The refresh token from an earlier token answer. */
  refreshToken: string;
}

/**
 * Get a fresh token set with a refresh token (`grant_type=refresh_token`). Yandex answers with
 * a new refresh token (keep it: the old one may stop working) and may return the same access
 * token when it still has long to live (docs/yandex-api.md 2.3).
 *
 * @throws {OAuthResponseError} `invalid_grant` when the refresh token is expired or revoked.
 * @example
 * const next = await refreshOAuthToken({ refreshToken: saved.refreshToken!, clientId, clientSecret });
 */
export function refreshOAuthToken(options: RefreshOAuthTokenOptions): Promise<OAuthTokenSet> {
  return refreshOAuthTokenAt(options, Date.now);
}

/** {@link refreshOAuthToken} with the clock that computes `expiresAt` (the refresh engine's). */
export async function refreshOAuthTokenAt(options: RefreshOAuthTokenOptions, now: () => number): Promise<OAuthTokenSet> {
  const fn = 'refreshOAuthToken';
  const { refreshToken } = options;
  checkOAuthOptions(fn, options);
  requireString(refreshToken, 'refreshToken', fn, 'from a token answer');
  return postTokenGrant(options, 'token refresh', { grant_type: 'refresh_token', refresh_token: refreshToken }, [refreshToken], now);
}
