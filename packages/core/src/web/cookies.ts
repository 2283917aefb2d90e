/**
 * Cookie parsing and serialization (RFC 6265) for core's web handlers. Every Set-Cookie the
 * sign-in flow needs is produced here, so adapters only copy headers.
 */
import { hideSecrets, REDACTED } from '../redact.js';
import { optionFailer, type OptionFail } from '../validate.js';

/** Attributes of a Set-Cookie header. */
export interface CookieOptions {
  /** Seconds until the cookie expires; `0` deletes it. Omit for a browser-session cookie. */
  maxAge?: number | undefined;
  /** Default `/`. */
  path?: string | undefined;
  domain?: string | undefined;
  /** Default true: not readable from page scripts. */
  httpOnly?: boolean | undefined;
  /** Only sent over https. */
  secure?: boolean | undefined;
  /** Default `Lax`. */
  sameSite?: 'Lax' | 'Strict' | 'None' | undefined;
}

/**
 * A cookie to set, structured: what `serializeCookie` turns into a `Set-Cookie` value, and what
 * frameworks with a cookie API of their own (Next.js `cookies().set(name, value, options)`)
 * take as it is.
 */
export interface SessionCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

/**
 * A {@link SessionCookie} that prints without its value (`JSON.stringify`, `util.inspect`): the
 * sign-in flow's values are sealed tokens, as good as the tokens inside them. Reading
 * `cookie.value` is unchanged.
 */
export function sessionCookie(name: string, value: string, options: CookieOptions): SessionCookie {
  const cookie: SessionCookie = { name, value, options };
  return hideSecrets(cookie, () => ({ name, value: value === '' ? '' : REDACTED, options }), 'SessionCookie');
}

/** The `Set-Cookie` header value of a {@link SessionCookie}. */
export const setCookieValue = (cookie: SessionCookie): string => serializeCookie(cookie.name, cookie.value, cookie.options);

/**
 * The `Cookie` request header a browser sends after storing `cookies`: each named cookie replaced
 * by its new value, or dropped when deleted; other cookies stay as they were, in order.
 * `''` when no cookie is left.
 */
export function cookieHeaderAfter(cookieHeader: string | null, cookies: readonly SessionCookie[]): string {
  let pairs = (cookieHeader ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean);
  for (const cookie of cookies) {
    pairs = pairs.filter((pair) => pair.split('=', 1)[0]!.trim() !== cookie.name);
    // `Max-Age` 0 (or less) deletes the cookie.
    const deleted = (cookie.options.maxAge ?? 1) <= 0;
    if (!deleted) pairs.push(`${cookie.name}=${cookie.value}`);
  }
  return pairs.join('; ');
}

const answerCookies = new WeakMap<Response, readonly SessionCookie[]>();

/**
 * A response with `cookies` as its `Set-Cookie` headers, remembered structured so that
 * {@link cookiesOf} can hand them to a framework's cookie API without parsing headers back.
 */
export function withCookies(response: Response, cookies: readonly SessionCookie[]): Response {
  for (const cookie of cookies) response.headers.append('set-cookie', setCookieValue(cookie));
  answerCookies.set(response, cookies);
  return response;
}

/**
 * The cookies an answer of core's sign-in flow (`signIn`, `callback`, `signOut`) sets,
 * structured; empty for any other response. For server code that cannot return the `Response`
 * itself (Next.js server actions write cookies through `cookies()`).
 */
export function cookiesOf(response: Response): readonly SessionCookie[] {
  return answerCookies.get(response) ?? [];
}

/** RFC 9110 `token`: a cookie name (RFC 6265), and an HTTP field name (the proxy's header lists). */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 `cookie-octet`s (no quotes, comma, semicolon, backslash, space or controls). */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** A path attribute value: printable, no `;`. */
const COOKIE_PATH = /^\/[\x20-\x3A\x3C-\x7E]*$/;
const COOKIE_DOMAIN = /^\.?[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)*$/i;

/** What each checked field of the flow's `cookies` option must match, and what to pass instead. */
const NAME_OPTION = [HTTP_TOKEN, 'must be a valid cookie name'] as const;
const COOKIE_OPTIONS = {
  session: NAME_OPTION,
  signIn: NAME_OPTION,
  path: [COOKIE_PATH, 'must be a path starting with "/" (no ";")'],
  domain: [COOKIE_DOMAIN, 'must be a host name such as "example.com"'],
} as const;

/**
 * Check cookie names and attributes at construction: each given field must be a string that
 * fits its header, else `fail` names `cookies.<field>` (never the value).
 */
export function assertCookieOptions(values: Partial<Record<keyof typeof COOKIE_OPTIONS, unknown>>, fail: OptionFail): void {
  for (const [field, [pattern, problem]] of Object.entries(COOKIE_OPTIONS)) {
    const value = values[field as keyof typeof COOKIE_OPTIONS];
    if (value !== undefined && !(typeof value === 'string' && pattern.test(value))) fail(`cookies.${field}`, problem);
  }
}

const failCookie = optionFailer('serializeCookie');

/**
 * A `Set-Cookie` header value. Throws a {@link ConfigurationError} `INVALID_OPTION` (naming
 * `name` or `value`, never echoing it: the value is usually a sealed session) for anything that
 * would break the header or inject an attribute.
 *
 * @example
 * serializeCookie('tracker_session', sealed, { maxAge: 2592000, secure: true })
 * // 'tracker_session=…; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!HTTP_TOKEN.test(name)) failCookie('name', "must be a token (letters, digits and !#$%&'*+-.^_`|~)");
  if (!COOKIE_VALUE.test(value)) failCookie('value', 'must not contain spaces, quotes, commas, semicolons, backslashes or control characters');
  let out = `${name}=${value}; Path=${options.path ?? '/'}`;
  if (options.domain) out += `; Domain=${options.domain}`;
  if (options.maxAge !== undefined) {
    const seconds = Math.max(0, Math.floor(options.maxAge));
    out += `; Max-Age=${seconds}`;
    // Expires as well, for the few clients that still ignore Max-Age.
    if (seconds === 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  if (options.httpOnly !== false) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  out += `; SameSite=${options.sameSite ?? 'Lax'}`;
  return out;
}

/** A cookie value without the double quotes RFC 6265 allows around it. */
const unquote = (value: string): string => (value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);

/**
 * The value of one cookie from a `Cookie` header, or `undefined`. When a name appears twice
 * (e.g. one cookie per path), the first one wins, as browsers send the most specific first.
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  for (const pair of cookieHeader ? cookieHeader.split(';') : []) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return unquote(pair.slice(eq + 1).trim());
  }
  return undefined;
}

/** All cookies of a `Cookie` header as a map (first occurrence of a name wins). */
export function parseCookies(cookieHeader: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!cookieHeader) return out;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (name && !out.has(name)) out.set(name, unquote(part.slice(eq + 1).trim()));
  }
  return out;
}
