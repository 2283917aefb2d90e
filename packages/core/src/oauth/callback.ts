/**
 * Reading the redirect back from Yandex OAuth (docs/yandex-api.md 2.1, 2.2): the code flow puts
 * `code` and `state` in the query; the implicit flow puts `access_token`, `token_type`,
 * `expires_in` and `state` in the `#fragment`; a refusal carries `error` and
 * `error_description` in the same place. The state check comes first, like oauth4webapi.
 */
import { timingSafeEqual } from '../encoding.js';
import { OAuthCallbackError, OAuthResponseError, type OAuthCallbackErrorCode } from '../errors.js';
import { hideSecrets, INSPECT_CUSTOM, REDACTED } from '../redact.js';
import type { OAuthTokenSet } from '../types.js';
import { isObject } from '../validate.js';

export interface ParseCallbackOptions {
  /**
   * The `state` sent in the authorize URL (read back from the login cookie), or `false` when
   * none was sent. `undefined` (e.g. the login cookie expired) is refused with `STATE_MISSING`,
   * never treated as "no state expected": that would let a forged callback through.
   */
  expectedState: string | false | undefined;
  /** Where to read the answer: `code` → query, `token` → fragment. Default: detected. */
  responseType?: 'code' | 'token' | undefined;
  /** Clock for `expiresAt` of implicit-flow tokens, epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** A code-flow callback: exchange `code` (with the PKCE verifier) at the token endpoint. */
export interface CodeCallback {
  type: 'code';
  /** The confirmation code. A secret: single use, never log it. */
  code: string;
  /** The echoed state, when one was expected. */
  state: string | undefined;
}

/** An implicit-flow callback: the token is already here. */
export interface TokenCallback {
  type: 'token';
  tokens: OAuthTokenSet;
  /** `expires_in` as received, seconds. */
  expiresIn: number | undefined;
  state: string | undefined;
}

export type CallbackResult = CodeCallback | TokenCallback;

const MAX_DESCRIPTION = 300;

/** Throws `` callback `problem`; `fix`. `` with `code`. */
function reject(code: OAuthCallbackErrorCode, problem: string, fix = 'start sign-in again'): never {
  throw new OAuthCallbackError(code, `callback ${problem}; ${fix}.`);
}

function invalid(problem: string, fix?: string): never {
  return reject('CALLBACK_INVALID', problem, fix);
}

function toUrl(input: unknown): URL {
  const text = input instanceof URL ? input.href : input;
  try {
    // A path with a query (what Express's req.originalUrl gives) is read against a dummy origin.
    if (typeof text === 'string' && text) return new URL(text, /^[/?#]/.test(text) ? 'http://callback.invalid' : undefined);
  } catch {
    // An unparseable string: reported below like any other non-URL.
  }
  return invalid('URL is not a URL', 'pass the URL the browser was redirected to');
}

/** One value per parameter: a repeated `state` or `code` is parameter pollution, not a callback. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) invalid(`repeats the parameter "${name}"`);
  return values[0];
}

/** Upstream text is attacker-reachable: printable, bounded, but not secret, so kept for the message. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const printable = value.replace(/[\0-\x1f\x7f-\x9f]/g, ' ');
  return printable.length > MAX_DESCRIPTION ? `${printable.slice(0, MAX_DESCRIPTION)}…` : printable;
}

/** A code or token goes into a header or form later: no space or control character, bounded. */
const MALFORMED = /[\0-\x20\x7f-\x9f]/;

const ERROR_MEANINGS: Record<string, string> = {
  access_denied: 'the user refused access',
  unauthorized_client: 'the app is blocked or in moderation',
};

/** Refused, never read as "no state expected": that would let a forged callback through. */
function noExpectedState(): never {
  return reject('STATE_MISSING', 'state cannot be checked: no expectedState (an expired login cookie?)', 'start sign-in again, or pass expectedState: false when none was sent');
}

function checkState(received: string | undefined, expected: string | false | undefined, hasError: boolean): void {
  if (expected === false) {
    if (received !== undefined) reject('STATE_UNEXPECTED', 'carries a state although none was sent', 'pass the state you sent as expectedState');
  } else if (!expected) {
    noExpectedState();
  } else if (!received) {
    // A refusal without state is still reported as the refusal: it grants nothing.
    if (!hasError) reject('STATE_MISSING', 'has no state although one was sent');
  } else if (!timingSafeEqual(received, expected)) {
    // A forged or stale redirect, or a second sign-in in another tab.
    reject('STATE_MISMATCH', 'state does not match the one sent');
  }
}

/**
 * Read and check the OAuth redirect: state first (missing / mismatched / unexpected), then an
 * upstream `error` (thrown as {@link OAuthResponseError} with `error` and `errorDescription`),
 * then the `code` (code flow) or the token (implicit flow).
 *
 * @throws {OAuthCallbackError} `STATE_MISSING`, `STATE_MISMATCH`, `STATE_UNEXPECTED`, `CALLBACK_INVALID`
 * @throws {OAuthResponseError} `OAUTH_ERROR` when Yandex reports `error` (e.g. `access_denied`)
 * @example
 * const { code } = parseCallback(req.url, { expectedState: login.state, responseType: 'code' }) as CodeCallback;
 */
export function parseCallback(url: string | URL, options: ParseCallbackOptions): CallbackResult {
  // Without this, a forgotten option would silently mean "accept any state".
  if (!isObject(options) || !('expectedState' in options)) noExpectedState();
  const parsed = toUrl(url);
  const query = parsed.searchParams;
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  let responseType = options.responseType;
  if (responseType === undefined) {
    responseType = fragment.has('access_token') || (fragment.has('error') && !query.has('error')) ? 'token' : 'code';
  } else if (responseType !== 'code' && responseType !== 'token') {
    invalid("responseType must be 'code' or 'token'", 'or leave it out');
  }
  const params = responseType === 'token' ? fragment : query;

  const error = single(params, 'error');
  const state = single(params, 'state');
  checkState(state, options.expectedState, error !== undefined);

  if (error !== undefined) {
    const code = clean(error) || 'unknown_error';
    const rawDescription = single(params, 'error_description');
    const description = rawDescription && clean(rawDescription);
    const meaning = ERROR_MEANINGS[code];
    throw new OAuthResponseError(
      `Yandex OAuth sign-in failed: ${code}${meaning ? ` (${meaning})` : ''}${description ? `: ${description}` : ''}`,
      { error: code, errorDescription: description },
    );
  }

  if (responseType === 'code') {
    const code = single(params, 'code');
    if (!code) invalid('has neither code nor error', 'check that redirectUri points here and responseType is code');
    if (MALFORMED.test(code) || code.length > 512) invalid('code is malformed');
    const result: CodeCallback = { type: 'code', code, state };
    return hideSecrets(result, () => ({ ...result, code: REDACTED }), 'CallbackResult');
  }

  const accessToken = single(params, 'access_token');
  if (!accessToken) invalid('fragment has neither access_token nor error', 'check that responseType is token');
  if (MALFORMED.test(accessToken) || accessToken.length > 8192) invalid('access_token is malformed');
  const rawExpiresIn = single(params, 'expires_in');
  let expiresIn: number | undefined;
  if (rawExpiresIn !== undefined) {
    if (!/^\d{1,12}$/.test(rawExpiresIn)) invalid('expires_in is not a whole number of seconds');
    expiresIn = Number(rawExpiresIn);
  }
  const now = (options.now ?? Date.now)();
  const scope = single(params, 'scope');
  const tokens: OAuthTokenSet = {
    accessToken,
    tokenType: single(params, 'token_type') || 'bearer',
    expiresAt: expiresIn === undefined ? undefined : now + expiresIn * 1000,
    ...(scope ? { scope } : {}),
  };
  const redacted = () => ({ ...tokens, accessToken: REDACTED });
  Object.defineProperty(tokens, INSPECT_CUSTOM, { value: () => `OAuthTokenSet ${JSON.stringify(redacted())}`, enumerable: false });
  const result: TokenCallback = { type: 'token', tokens, expiresIn, state };
  return hideSecrets(result, () => ({ ...result, tokens: redacted() }), 'CallbackResult');
}
