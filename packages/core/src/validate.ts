/**
 * Boundary validators shared by every factory of core (docs/architecture.md principle 4: validate at
 * construction). Each throws a {@link ConfigurationError} whose message names the field and
 * the fix and never repeats the offending value: the value may be a secret (a token pasted
 * into the wrong option), and even an org id or URL is not worth the risk of echoing.
 */
import { ConfigurationError } from './errors.js';
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

/**
 * Check that `value` is a raw access token (OAuth or IAM) fit for an `Authorization` header
 * and return it unchanged.
 *
 * Rejects non-strings, empty values, any whitespace or control character (a CR/LF would let
 * a token inject headers), a scheme word already in front (`OAuth …`, `Bearer …`), and
 * anything outside printable ASCII. The message names `field` and never contains the value.
 *
 * @throws {ConfigurationError} code `INVALID_TOKEN`
 * @example
 * const token = assertToken(process.env.TRACKER_TOKEN, 'TRACKER_TOKEN');
 */
export function assertToken(value: unknown, field: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new ConfigurationError('INVALID_TOKEN', field, `${field} ${problem}; ${fix}.`);
  };
  if (typeof value !== 'string') {
    return fail(`must be a string, got ${kindOf(value)}`, 'pass the raw OAuth or IAM token as a string');
  }
  if (value.length === 0) return fail('is empty', 'set it to an OAuth token (y0_…) or an IAM token (t1.…)');
  if (value.trim().length === 0) {
    return fail('contains only whitespace', 'set it to an OAuth token (y0_…) or an IAM token (t1.…)');
  }
  if (SCHEME_PREFIX.test(value)) {
    return fail(
      'starts with an auth scheme word (OAuth/Bearer)',
      'pass the token alone; the scheme is added from the token kind (oauth → OAuth, iam → Bearer)',
    );
  }
  if (CONTROL.test(value)) {
    return fail(
      'contains a control character (for example CR or LF)',
      'remove line breaks and control characters; check how the token is read from the environment or a file',
    );
  }
  if (WHITESPACE.test(value)) {
    return fail('contains whitespace', 'trim the value; a token is a single word without spaces or line breaks');
  }
  if (!TOKEN_CHARS.test(value)) {
    return fail('contains characters outside printable ASCII', 'copy the token again; tokens are plain ASCII');
  }
  if (value.length > MAX_TOKEN_LENGTH) {
    return fail(`is longer than ${MAX_TOKEN_LENGTH} characters`, 'pass the token itself, not a file or a JSON document');
  }
  return value;
}

function checkIdString(value: unknown, field: string, what: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new ConfigurationError('INVALID_ORG', field, `${field} ${problem}; ${fix}.`);
  };
  if (typeof value === 'number' && what === 'orgId' && Number.isSafeInteger(value) && value >= 0) {
    // Tolerated: a numeric Yandex 360 id read from JSON config.
    return String(value);
  }
  if (typeof value !== 'string') return fail(`must be a string, got ${kindOf(value)}`, `set ${what} to the organization id as a string`);
  if (value.length === 0) return fail('is empty', `set ${what} to your organization id (see https://tracker.yandex.ru/admin/orgs)`);
  if (CONTROL.test(value)) return fail('contains a control character (for example CR or LF)', 'remove line breaks and control characters');
  if (WHITESPACE.test(value)) return fail('contains whitespace', 'trim the value');
  return value;
}

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
  if (typeof org !== 'object' || org === null || Array.isArray(org)) {
    throw new ConfigurationError(
      'INVALID_ORG',
      field,
      `${field} must be an object, got ${kindOf(org)}; pass { orgId } for a Yandex 360 organization or { cloudOrgId } for a Yandex Cloud organization.`,
    );
  }
  const { orgId, cloudOrgId } = org as { orgId?: unknown; cloudOrgId?: unknown };
  const hasOrgId = orgId !== undefined && orgId !== null;
  const hasCloudOrgId = cloudOrgId !== undefined && cloudOrgId !== null;
  if (hasOrgId && hasCloudOrgId) {
    throw new ConfigurationError(
      'INVALID_ORG',
      field,
      `${field} has both orgId and cloudOrgId (an empty string counts as set); set exactly one, leaving the other undefined (when Tracker is linked to both kinds, use orgId, the Yandex 360 id).`,
    );
  }
  if (!hasOrgId && !hasCloudOrgId) {
    throw new ConfigurationError(
      'INVALID_ORG',
      field,
      `${field} has neither orgId nor cloudOrgId; set orgId (Yandex 360, X-Org-ID) or cloudOrgId (Yandex Cloud, X-Cloud-Org-ID).`,
    );
  }
  if (hasOrgId) {
    const path = `${field}.orgId`;
    const id = checkIdString(orgId, path, 'orgId');
    if (!ORG_ID.test(id)) {
      const hint = CLOUD_ORG_ID.test(id)
        ? 'it looks like a Yandex Cloud organization id: pass it as cloudOrgId instead'
        : 'a Yandex 360 organization id is digits only (e.g. 1234567)';
      throw new ConfigurationError('INVALID_ORG', path, `${path} is not a Yandex 360 organization id; ${hint}.`);
    }
    return { orgId: id };
  }
  const path = `${field}.cloudOrgId`;
  const id = checkIdString(cloudOrgId, path, 'cloudOrgId');
  if (!CLOUD_ORG_ID.test(id)) {
    const hint = ORG_ID.test(id)
      ? 'it looks like a Yandex 360 organization id (digits): pass it as orgId instead'
      : 'a Yandex Cloud organization id looks like bpf… (20 lower-case letters and digits)';
    throw new ConfigurationError('INVALID_ORG', path, `${path} is not a Yandex Cloud organization id; ${hint}.`);
  }
  return { cloudOrgId: id };
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
  const fail = (problem: string, fix: string): never => {
    throw new ConfigurationError('INVALID_URL', field, `${field} ${problem}; ${fix}.`);
  };
  let text: string;
  if (value instanceof URL) text = value.href;
  else if (typeof value === 'string') text = value;
  else return fail(`must be a URL string or URL object, got ${kindOf(value)}`, 'pass an absolute URL such as https://oauth.yandex.ru');
  if (text.length === 0) return fail('is empty', 'pass an absolute URL such as https://oauth.yandex.ru');
  // The URL parser silently strips tabs/newlines and surrounding spaces: refuse them instead.
  if (CONTROL.test(text)) return fail('contains a control character (for example CR or LF)', 'remove line breaks and control characters');
  if (WHITESPACE.test(text)) return fail('contains whitespace', 'trim the value and percent-encode spaces');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not an absolute URL', 'include the scheme and host, e.g. https://oauth.yandex.ru');
  }
  if (!options.anyScheme && url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('must use http: or https:', 'use an https:// URL (http:// only for local test servers)');
  }
  if (url.username || url.password) {
    return fail('must not contain a user name or password', 'remove the user:password@ part and pass credentials through their own options');
  }
  if (text.includes('#')) return fail('must not contain a #fragment', 'remove the part after #');
  if (!options.allowQuery && text.includes('?')) {
    return fail('must not contain a ?query', 'pass the base URL only; endpoint paths and parameters are added by the library');
  }
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
        `${field} must be a path of this app such as "${example}": one leading "/", no "//", "." or ".." segments, backslash, query or fragment.`,
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
