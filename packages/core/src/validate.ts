/**
 * Boundary validators shared by every factory of core (docs/architecture.md principle 4: validate at
 * construction). Each throws a {@link ConfigurationError} whose message names the field and
 * the fix and never repeats the offending value: the value may be a secret (a token pasted
 * into the wrong option), and even an org id or URL is not worth the risk of echoing.
 */
import { ConfigurationError, type ConfigurationErrorCode } from './errors.js';
import type { TrackerOrg } from './types.js';

/** Longest token accepted; real OAuth/IAM tokens are well under 1 KiB. */
const MAX_TOKEN_LENGTH = 8192;

/** Any C0 control character, DEL or C1 control character (CR/LF header injection and friends). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Any whitespace, including Unicode spaces and line/paragraph separators. */
const WHITESPACE = /\s/;
/** Printable ASCII without space: what a bearer-ish token may consist of. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
/** A token pasted together with its scheme word (`OAuth y0_…`, `Bearer t1.…`). */
const SCHEME_PREFIX = /^\s*(oauth|bearer)(\s|:|$)/i;

/** Yandex 360 organization ids are numbers (docs/yandex-api.md 1.3, e.g. `1234567`). */
export const ORG_ID = /^\d{1,20}$/;
/**
 * Yandex Cloud organization ids are 20 lower-case alphanumerics starting with a letter
 * (`bpf…`, docs/yandex-api.md 1.3). Accepted here a little more widely (any case, `-`/`_`,
 * up to 64 chars) so a future id shape is not refused by a client-side guess; what is
 * refused is what can never be an id: empty, whitespace, control or other punctuation.
 */
export const CLOUD_ORG_ID = /^[A-Za-z][A-Za-z0-9_-]{2,63}$/;

/** Describe the type of a wrong value without showing the value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws a {@link ConfigurationError} for option `field` of `fn`: see {@link optionFailer}. */
export type OptionFail = (field: string, problem: string, code?: ConfigurationErrorCode) => never;

/**
 * The one message shape of option errors, `` fn: `field` problem. `` (code `INVALID_OPTION`
 * unless given): every factory builds its `fail` from this, so messages read alike and the
 * wording is written once. `problem` says what is wrong and how to fix it, never the value.
 *
 * @example
 * const fail = optionFailer('createTrackerClient');
 * if (typeof retries !== 'number') fail('retries', 'must be a number');
 */
export function optionFailer(fn: string): OptionFail {
  return (field, problem, code = 'INVALID_OPTION') => {
    throw new ConfigurationError(code, field, `${fn}: \`${field}\` ${problem}.`);
  };
}

/** A non-null, non-array object (an options bag). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Throws `<field> <problem>; <fix>.`: every message names the field and the fix, never the value.
 * `cause`, when given, must hold no secret either.
 */
export type Fail = (problem: string, fix: string, cause?: unknown) => never;

/**
 * The message shape of value errors, `` field problem; fix. ``, with `code`: the token, org, URL
 * and key checks all throw through this.
 *
 * @internal
 */
export function failer(code: 'INVALID_TOKEN' | 'INVALID_ORG' | 'INVALID_URL' | 'INVALID_KEY', field: string): Fail {
  return (problem, fix, cause) => {
    throw new ConfigurationError(code, field, `${field} ${problem}; ${fix}.`, { cause });
  };
}

/**
 * The checks every text option shares, in this order: a string, not empty, no control
 * character (a CR/LF would inject a header or a log line), no whitespace (a header would split
 * on it, the URL parser silently drops it). `expected` says what the value should be.
 */
function assertText(value: unknown, fail: Fail, expected: string): string {
  if (typeof value !== 'string') return fail(`must be a string, got ${kindOf(value)}`, `pass ${expected}`);
  if (value === '') return fail('is empty', `set it to ${expected}`);
  if (CONTROL.test(value)) return fail('contains a control character (CR, LF…)', 'remove it');
  if (WHITESPACE.test(value)) return fail('contains whitespace', 'remove the spaces');
  return value;
}

/**
 * Check that `value` is a raw access token (OAuth or IAM) fit for an `Authorization` header
 * and return it unchanged.
 *
 * Rejects non-strings, empty values, a scheme word already in front (`OAuth …`, `Bearer …`), any
 * whitespace or control character (a CR/LF would let a token inject headers), and anything
 * outside printable ASCII. The message names `field` and never contains the value.
 *
 * @throws {ConfigurationError} code `INVALID_TOKEN`
 * @example
 * const token = assertToken(process.env.TRACKER_TOKEN, 'TRACKER_TOKEN');
 */
export function assertToken(value: unknown, field: string): string {
  const fail = failer('INVALID_TOKEN', field);
  // Before the whitespace check, which `OAuth y0_…` would fail with a less useful message.
  if (typeof value === 'string' && SCHEME_PREFIX.test(value)) {
    return fail('starts with OAuth/Bearer', 'pass the token alone');
  }
  const token = assertText(value, fail, 'an OAuth token (y0_…) or an IAM token (t1.…)');
  if (!TOKEN_CHARS.test(token)) return fail('is not printable ASCII', 'copy the token again');
  if (token.length > MAX_TOKEN_LENGTH) return fail(`is longer than ${MAX_TOKEN_LENGTH} characters`, 'pass the token itself');
  return token;
}

/** How to pass an organization: the fix of a missing or malformed `org`. */
const ORG_FIX = 'pass { orgId } (Yandex 360) or { cloudOrgId } (Yandex Cloud)';

/** Per organization kind: the id pattern, the product name, the shape of its ids, the other kind. */
const ORG_KINDS = {
  orgId: [ORG_ID, 'Yandex 360', 'digits only (e.g. 1234567)', 'cloudOrgId'],
  cloudOrgId: [CLOUD_ORG_ID, 'Yandex Cloud', 'like bpf… (20 letters and digits)', 'orgId'],
} as const;

/**
 * Check a Tracker organization (`{ orgId }` for Yandex 360, or `{ cloudOrgId }` for Yandex
 * Cloud: exactly one) and return a fresh, normalized copy holding only that one key.
 *
 * `undefined` and `null` count as absent, so `{ orgId: env.ORG_ID, cloudOrgId: env.CLOUD_ORG_ID }`
 * works when exactly one variable is set. A numeric `orgId` is accepted and turned into a string.
 *
 * @throws {ConfigurationError} code `INVALID_ORG`
 * @example
 * normalizeOrg({ orgId: '1234567' }); // { orgId: '1234567' }
 * normalizeOrg({ cloudOrgId: 'bpf3crucp1v2zjbqn4kk' }); // { cloudOrgId: 'bpf3crucp1v2zjbqn4kk' }
 */
export function normalizeOrg(org: unknown, field = 'org'): TrackerOrg {
  const fail = failer('INVALID_ORG', field);
  if (!isObject(org)) {
    return fail(`must be an object, got ${kindOf(org)}`, ORG_FIX);
  }
  const given = (['orgId', 'cloudOrgId'] as const).filter((key) => (org as Record<string, unknown>)[key] != null);
  if (given.length !== 1) {
    return given.length > 1
      ? fail('has both orgId and cloudOrgId', 'keep one (orgId if Tracker is linked to both)')
      : fail('has neither orgId nor cloudOrgId', ORG_FIX);
  }
  const key = given[0]!;
  const path = `${field}.${key}`;
  const [pattern, product, shape, other] = ORG_KINDS[key];
  let id = (org as Record<string, unknown>)[key];
  // Tolerated: a numeric Yandex 360 id read from JSON config.
  if (key === 'orgId' && Number.isSafeInteger(id) && (id as number) >= 0) id = String(id);
  const failId = failer('INVALID_ORG', path);
  const text = assertText(id, failId, 'your organization id (see https://tracker.yandex.ru/admin/orgs)');
  if (!pattern.test(text)) {
    const [otherPattern, otherProduct] = ORG_KINDS[other];
    failId(
      `is not a ${product} organization id`,
      otherPattern.test(text) ? `it looks like a ${otherProduct} one: pass it as ${other} instead` : `a ${product} id is ${shape}`,
    );
  }
  return { [key]: text } as unknown as TrackerOrg;
}

export interface AssertUrlOptions {
  /**
   * Allow a query string (e.g. an OAuth `redirect_uri`). Default `false`: base URLs of
   * upstreams carry no query, since endpoint paths are appended to them.
   */
  allowQuery?: boolean;
  /** Allow schemes other than http/https (e.g. a native app's redirect URI). Default `false`. */
  anyScheme?: boolean;
}

/**
 * Check an absolute URL option (a base URL such as `oauthUrl`, or a redirect URI) and return
 * it parsed. Only `http:`/`https:` (unless `anyScheme`), no `user:password@`, never a
 * `#fragment`, and no `?query` unless `allowQuery`.
 *
 * @throws {ConfigurationError} code `INVALID_URL`
 * @example
 * const base = assertUrl(options.oauthUrl ?? 'https://oauth.yandex.ru', 'oauthUrl');
 */
export function assertUrl(value: unknown, field: string, options: AssertUrlOptions = {}): URL {
  const fail = failer('INVALID_URL', field);
  // The URL parser silently strips tabs/newlines and surrounding spaces: refuse them instead.
  const text = assertText(value instanceof URL ? value.href : value, fail, 'an absolute https:// URL');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not an absolute URL', 'include the scheme and host');
  }
  if (!options.anyScheme && url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('must use http: or https:', 'use https://');
  }
  if (url.username || url.password) return fail('must not contain user:password@', 'remove it');
  if (text.includes('#')) return fail('must not contain a #fragment', 'remove it');
  // Endpoint paths are appended to base URLs: a query there would end up in the middle.
  if (!options.allowQuery && text.includes('?')) return fail('must not contain a ?query', 'pass the base URL only');
  return url;
}

/** Options of {@link assertAppPath}. */
export interface AssertAppPathOptions {
  /** Returned when the value is `undefined` (the option's default). Without it, `undefined` is refused. */
  fallback?: string | undefined;
  /** Allow `%XX` escapes. Default `true`; `false` where the path becomes a router pattern. */
  percentEncoded?: boolean | undefined;
  /** The whole error message, for callers that keep their own wording (it must not echo the value). */
  message?: string | undefined;
}

/** RFC 3986 `pchar` and `/`, with `%` (checked as `%XX` separately). */
const APP_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const PCT_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * Check a path option of the app's own routes (a sign-in route, a callback path) and return
 * it unchanged: one leading `/` (so never `//host`, which browsers treat as another origin),
 * no `//` anywhere, no `.`/`..` segments, no backslash, no query or fragment, only RFC 3986
 * path characters (`%XX` escapes unless `percentEncoded: false`).
 *
 * @throws {ConfigurationError} code `INVALID_OPTION`, with `field`
 * @example
 * const signInPath = assertAppPath(options.signInPath, 'signInPath', { fallback: '/api/auth/sign-in' });
 */
export function assertAppPath(value: unknown, field: string, options: AssertAppPathOptions = {}): string {
  if (value === undefined && options.fallback !== undefined) return options.fallback;
  const ok =
    typeof value === 'string' &&
    APP_PATH.test(value) &&
    !value.includes('//') &&
    !DOT_SEGMENT.test(value) &&
    (options.percentEncoded === false ? !value.includes('%') : !PCT_ESCAPE.test(value));
  if (!ok) {
    const example = options.fallback ?? '/auth/login';
    throw new ConfigurationError(
      'INVALID_OPTION',
      field,
      options.message ??
        `${field} must be an app path such as "${example}" (no "//", "." or ".." segments, backslash, query or fragment).`,
    );
  }
  return value;
}

/**
 * Resolve an endpoint path against a base URL, keeping any path prefix of the base
 * (`http://127.0.0.1:3000/oauth` + `authorize` → `http://127.0.0.1:3000/oauth/authorize`).
 */
export function endpointUrl(base: URL | string, path: string): URL {
  const url = new URL(String(base));
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(path.replace(/^\/+/, ''), url);
}
