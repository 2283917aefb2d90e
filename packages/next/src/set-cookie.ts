/**
 * Core's sign-in flow produces `Set-Cookie` header values; server actions and server-side
 * helpers cannot return a `Response`, so they write those cookies through Next's cookie API
 * instead. This module turns one header value into `cookies().set()` arguments.
 */

/** The part of Next's `cookies()` store this package writes to (same in Next 15 and 16). */
export interface WritableCookieStore {
  set(name: string, value: string, options?: NextCookieOptions): unknown;
}

/** The `cookies().set()` attributes this package uses. */
export interface NextCookieOptions {
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

/** One parsed `Set-Cookie` header value. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  options: NextCookieOptions;
}

/**
 * Parse a `Set-Cookie` value produced by core (`name=value; Path=/; Max-Age=…; HttpOnly; …`).
 * Unknown attributes are ignored; returns `undefined` when there is no `name=` pair.
 */
export function parseSetCookie(header: string): ParsedSetCookie | undefined {
  const [pair, ...attributes] = header.split(';');
  const eq = pair?.indexOf('=') ?? -1;
  if (pair === undefined || eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const options: NextCookieOptions = {};
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const arg = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (key === 'path') options.path = arg;
    else if (key === 'domain') options.domain = arg;
    else if (key === 'max-age' && /^-?\d+$/.test(arg)) options.maxAge = Number(arg);
    else if (key === 'expires' && !Number.isNaN(Date.parse(arg))) options.expires = new Date(arg);
    else if (key === 'httponly') options.httpOnly = true;
    else if (key === 'secure') options.secure = true;
    else if (key === 'samesite') {
      const lower = arg.toLowerCase();
      if (lower === 'lax' || lower === 'strict' || lower === 'none') options.sameSite = lower;
    }
  }
  // Next's httpOnly defaults to false: say it explicitly either way.
  options.httpOnly ??= false;
  return { name, value, options };
}

/** Write every `Set-Cookie` of `response` (or the given values) into Next's cookie store. */
export function applySetCookies(store: WritableCookieStore, source: Response | readonly string[]): number {
  const values = Array.isArray(source) ? source : (source as Response).headers.getSetCookie();
  let written = 0;
  for (const header of values) {
    const parsed = parseSetCookie(header);
    if (!parsed) continue;
    store.set(parsed.name, parsed.value, parsed.options);
    written++;
  }
  return written;
}

/** Whether a parsed `Set-Cookie` deletes its cookie (`Max-Age` ≤ 0 or `Expires` in the past). */
function deletes(cookie: ParsedSetCookie, now: number): boolean {
  const { maxAge, expires } = cookie.options;
  if (maxAge !== undefined) return maxAge <= 0;
  return expires !== undefined && expires.getTime() <= now;
}

/** The name of one `name=value` pair of a `Cookie` header (a bare `name` has no value). */
function cookieName(pair: string): string {
  const eq = pair.indexOf('=');
  return (eq === -1 ? pair : pair.slice(0, eq)).trim();
}

/**
 * The `Cookie` request header a browser would send after storing `setCookies`: each named
 * cookie replaced by its new value, or dropped when the `Set-Cookie` deletes it; other cookies
 * stay as they were, in order. Returns `''` when no cookie is left.
 */
export function cookieHeaderAfter(cookieHeader: string | null, setCookies: readonly string[], now = Date.now()): string {
  let pairs = (cookieHeader ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean);
  for (const header of setCookies) {
    const parsed = parseSetCookie(header);
    if (!parsed) continue;
    pairs = pairs.filter((pair) => cookieName(pair) !== parsed.name);
    if (!deletes(parsed, now)) pairs.push(`${parsed.name}=${parsed.value}`);
  }
  return pairs.join('; ');
}
