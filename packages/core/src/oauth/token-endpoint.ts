/**
 * Talking to Yandex OAuth's form endpoints (`/token`, `/device/code`, `/revoke_token`):
 * client authentication, the request itself, and turning answers into token sets or typed
 * errors (docs/yandex-api.md 2.3–2.5). The grants (`exchangeCode`, `refreshOAuthToken`, the
 * device flow, `revokeToken`) are thin callers of {@link postOAuthForm}.
 */
import { ConfigurationError, OAuthResponseError, TokenExchangeError, isInvalidResponseError } from '../errors.js';
import { base64Encode } from '../encoding.js';
import { describeRequest, fetchWithDeadline, isRetryableStatus, readJson } from '../http/upstream.js';
import { scrubSecrets } from '../redact.js';
import { DEFAULT_OAUTH_URL, type FetchLike, type OAuthTokenSet } from '../types.js';
import { assertUrl, endpointUrl } from '../validate.js';

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
  /** Human label for messages, e.g. `Yandex OAuth code exchange`. */
  what: string;
  /** Whether to send client credentials at all (`/device/code` takes only `client_id`). */
  authenticate?: boolean;
  /** Values that must never be echoed back in an error message. */
  secrets?: Array<string | undefined>;
  /** Treat a 2xx answer that carries a string `error` as a refusal (`/revoke_token` may answer so). */
  errorIn2xxIsRefusal?: boolean;
}

/** Throw a {@link ConfigurationError} unless `value` is a non-empty string. */
export function requireString(value: unknown, field: string, fn: string, hint: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError('INVALID_OPTION', field, `${fn}: \`${field}\` must be a non-empty string (${hint}).`);
  }
}

/** Validate the shared options of an OAuth call before anything is sent. */
export function checkOAuthOptions(fn: string, options: OAuthRequestOptions & Partial<OAuthClientCredentials>): void {
  requireString(options.clientId, 'clientId', fn, 'the ClientID of your app at oauth.yandex.ru');
  if (options.clientSecret !== undefined) {
    requireString(options.clientSecret, 'clientSecret', fn, 'the Client secret of your app, or omit it for a public PKCE client');
  }
  if (options.clientAuth !== undefined && options.clientAuth !== 'basic' && options.clientAuth !== 'body') {
    throw new ConfigurationError('INVALID_OPTION', 'clientAuth', `${fn}: \`clientAuth\` must be 'basic' or 'body'.`);
  }
  if (options.oauthUrl !== undefined) oauthEndpoint(options.oauthUrl, '/token');
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new ConfigurationError('INVALID_OPTION', 'timeoutMs', `${fn}: \`timeoutMs\` must be a positive number of milliseconds.`);
  }
}

/**
 * `oauthUrl` + path, keeping any path prefix of `oauthUrl` (useful behind a proxy). The URL is
 * checked by the shared `assertUrl` (`INVALID_URL`, field `oauthUrl`).
 */
export function oauthEndpoint(oauthUrl: string | undefined, path: string): string {
  const base = oauthUrl === undefined ? DEFAULT_OAUTH_URL : assertUrl(oauthUrl, 'oauthUrl');
  return endpointUrl(base, path).href;
}

/**
 * RFC 6749 §2.3.1: client id and secret are form-encoded before base64. Yandex ids and
 * secrets are hex, so this is the plain `id:secret` in practice.
 */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${base64Encode(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

/**
 * POST a form to Yandex OAuth and return the parsed JSON of a 2xx answer. Error answers
 * become {@link OAuthResponseError} (a 4xx with `{error, error_description}`) or
 * {@link TokenExchangeError} (5xx, 429, or a body that is not the expected JSON).
 */
export async function postOAuthForm(call: OAuthFormCall): Promise<Record<string, unknown>> {
  const url = oauthEndpoint(call.oauthUrl, call.path);
  const form = new URLSearchParams();
  const headers: Record<string, string> = {};
  const authenticate = call.authenticate ?? true;
  if (authenticate && call.clientSecret !== undefined && (call.clientAuth ?? 'basic') === 'basic') {
    headers.Authorization = basicAuthorization(call.clientId, call.clientSecret);
  } else {
    form.set('client_id', call.clientId);
    if (authenticate && call.clientSecret !== undefined) form.set('client_secret', call.clientSecret);
  }
  for (const [key, value] of Object.entries(call.form)) {
    if (value !== undefined) form.set(key, value);
  }
  const where = describeRequest('POST', url);
  let status = 0;
  let body: unknown;
  let ok = false;
  try {
    // One deadline over the answer's headers and body: a stalled body ends in TimeoutError.
    const response = await fetchWithDeadline({ method: 'POST', url, headers, form, fetch: call.fetch, signal: call.signal, timeoutMs: call.timeoutMs, what: call.what });
    status = response.status;
    ok = response.ok;
    body = await readJson(response);
  } catch (error) {
    if (!isInvalidResponseError(error)) throw error;
    throw new TokenExchangeError(`${call.what} failed: HTTP ${error.status} with an answer larger than the limit: ${where}`, {
      source: 'oauth',
      status: error.status,
      retryable: false,
      cause: error,
    });
  }
  const secrets = [call.clientSecret, ...(call.secrets ?? [])];
  if (call.clientSecret !== undefined) secrets.push(`${call.clientId}:${call.clientSecret}`, basicAuthorization(call.clientId, call.clientSecret).slice('Basic '.length));
  const json = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;

  if (ok && !(call.errorIn2xxIsRefusal && typeof json?.error === 'string')) {
    if (json) return json;
    throw new TokenExchangeError(`${call.what} failed: HTTP ${status} with a body that is not a JSON object: ${where}`, {
      source: 'oauth',
      status,
      retryable: false,
    });
  }
  const error = typeof json?.error === 'string' ? json.error : undefined;
  const description = typeof json?.error_description === 'string' ? scrubSecrets(json.error_description, secrets) : undefined;
  if (error !== undefined && !isRetryableStatus(status)) {
    const detail = description ? `${error} (${description})` : error;
    throw new OAuthResponseError(`${call.what} refused: ${detail}: ${where}`, {
      error,
      errorDescription: description,
      status,
    });
  }
  const detail = error ? ` (${error})` : '';
  throw new TokenExchangeError(`${call.what} failed: HTTP ${status}${detail}: ${where}`, {
    source: 'oauth',
    status,
    upstreamCode: error,
    retryable: isRetryableStatus(status),
  });
}

/**
 * Normalize a successful token answer (docs/yandex-api.md 2.3): `access_token`, `refresh_token`,
 * `token_type`, `expires_in` (seconds), `scope`. `expiresAt` is computed at receipt.
 */
export function toTokenSet(json: Record<string, unknown>, what: string, url: string, now: number = Date.now()): OAuthTokenSet {
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenExchangeError(`${what} failed: the answer has no access_token: ${describeRequest('POST', url)}`, {
      source: 'oauth',
      status: 200,
      retryable: false,
    });
  }
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in);
  const tokens: OAuthTokenSet = {
    accessToken,
    tokenType: typeof json.token_type === 'string' ? json.token_type : 'bearer',
  };
  if (typeof json.refresh_token === 'string' && json.refresh_token !== '') tokens.refreshToken = json.refresh_token;
  if (Number.isFinite(expiresIn) && expiresIn > 0) tokens.expiresAt = now + expiresIn * 1000;
  if (typeof json.scope === 'string' && json.scope !== '') tokens.scope = json.scope;
  return tokens;
}

/** POST a grant to `/token` and normalize the answer with {@link toTokenSet} (`now` dates `expiresAt`). */
export async function postTokenGrant(
  options: OAuthRequestOptions & OAuthClientCredentials,
  what: string,
  form: Record<string, string | undefined>,
  secrets: Array<string | undefined>,
  now: () => number = Date.now,
): Promise<OAuthTokenSet> {
  const json = await postOAuthForm({ ...options, path: '/token', what, form, secrets });
  return toTokenSet(json, what, oauthEndpoint(options.oauthUrl, '/token'), now());
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
  requireString(options.code, 'code', fn, 'the `code` query parameter of the OAuth callback');
  if (options.codeVerifier !== undefined) requireString(options.codeVerifier, 'codeVerifier', fn, 'the PKCE verifier you created with the authorize URL');
  return postTokenGrant(
    options,
    'Yandex OAuth code exchange',
    {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      code_verifier: options.codeVerifier,
      device_id: options.deviceId,
      device_name: options.deviceName,
    },
    [options.code, options.codeVerifier],
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
  checkOAuthOptions(fn, options);
  requireString(options.refreshToken, 'refreshToken', fn, 'the refresh_token of an earlier token answer');
  return postTokenGrant(options, 'Yandex OAuth token refresh', { grant_type: 'refresh_token', refresh_token: options.refreshToken }, [options.refreshToken], now);
}
