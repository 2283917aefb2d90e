/**
 * The fixed rules of the Tracker proxy: which paths, methods and headers may pass, and how
 * options describing them are validated. Everything here is computed once per module or per
 * `createTrackerProxy()` call, never per request.
 */
import { ConfigurationError } from '../errors.js';
import { DEFAULT_TRACKER_URL } from '../types.js';
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default deadline for receiving a whole request body, from the moment the proxy starts reading it. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/**
 * Added to every proxied response. Tracker content (an attachment served as `text/html` or
 * `image/svg+xml`) arrives on the app's own origin: without these a browser would run its
 * script with the app's cookies. `sandbox` gives the document an opaque origin even if it is
 * opened inline; `default-src 'none'` loads nothing; `nosniff` stops type guessing.
 */
export const ISOLATION_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['content-security-policy', "sandbox; default-src 'none'"],
];

/** `application/json` or any `+json` type: data, never rendered as a document. */
export function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * `Content-Disposition` for a non-JSON body: the upstream's own with its type forced to
 * `attachment` (the filename kept), or a bare `attachment`.
 */
export function attachmentDisposition(upstream: string | null): string {
  if (upstream === null) return 'attachment';
  const rest = upstream.replace(/^\s*[^;]*/, '');
  return `attachment${rest}`;
}

/** `Sec-Fetch-Dest` values of a document load: a page, a frame or a plugin. */
const DOCUMENT_DESTINATIONS = new Set(['document', 'iframe', 'frame', 'embed', 'object']);

/**
 * The browser is loading this URL as a page (address bar, link, form, frame, `<embed>`), not
 * calling it with `fetch()`. Judged from `Sec-Fetch-Mode`/`Sec-Fetch-Dest`, which script cannot
 * set; browsers that send neither are covered by the isolation headers.
 */
export function isNavigation(request: Request): boolean {
  return isNavigationBy((name) => request.headers.get(name));
}

/** {@link isNavigation} over a header lookup (lower-case names), for transports without a `Request`. */
export function isNavigationBy(header: (name: string) => string | null): boolean {
  const mode = header('sec-fetch-mode');
  if (mode !== null && mode.trim().toLowerCase() === 'navigate') return true;
  const dest = header('sec-fetch-dest');
  return dest !== null && DOCUMENT_DESTINATIONS.has(dest.trim().toLowerCase());
}
export const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
export const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** Request headers forwarded to Tracker by default (lower case). Everything else is dropped. */
export const DEFAULT_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
];
/** Response headers passed back by default: content metadata, pagination, caching, throttling. */
export const DEFAULT_RESPONSE_HEADERS = [
  'content-type',
  'content-language',
  'content-disposition',
  'link',
  'x-total-count',
  'x-total-pages',
  'x-scroll-id',
  'x-scroll-token',
  'etag',
  'last-modified',
  'retry-after',
  'location',
];
/** Never forwarded in either direction, even when listed in `requestHeaders`/`responseHeaders`. */
export const NEVER_FORWARDED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'host',
  'content-length',
  'x-org-id',
  'x-cloud-org-id',
  'www-authenticate',
  'proxy-authenticate',
  ...HOP_BY_HOP_HEADERS,
]);

/**
 * A Tracker path: one or more non-empty segments of RFC 3986 `pchar`s, optional trailing slash.
 * Excludes `\`, whitespace, control characters, `//` and anything that is not a path. `;` is
 * excluded too: Tracker uses no path parameters, and servlet containers read `..;` as `..`.
 */
export const SAFE_PATH = /^(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,=:@]|%[0-9A-Fa-f]{2})+)+\/?$/;
/** Escapes that decode to `.` `/` `\` `;` `%` (double encoding) or a control character. */
export const DANGEROUS_ESCAPE = /%(?:2e|2f|5c|3b|25|[01][0-9a-f]|7f)/i;
/** A `.` or `..` segment. */
export const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * True for a plain Tracker path: non-empty segments of RFC 3986 characters, no dot segments,
 * and no escapes that decode to `.` `/` `\` `%` or control characters.
 */
export function isSafeTrackerPath(path: string): boolean {
  return SAFE_PATH.test(path) && !DANGEROUS_ESCAPE.test(path) && !DOT_SEGMENT.test(path);
}

export function invalid(field: string, message: string): never {
  throw new ConfigurationError('INVALID_OPTION', field, message);
}

/** Validated path prefixes without their trailing slash. */
export function pathPrefixes(list: readonly string[], field: string): string[] {
  if (!Array.isArray(list)) invalid(field, `createTrackerProxy: ${field} must be an array of paths.`);
  const out: string[] = [];
  for (const prefix of list) {
    if (typeof prefix !== 'string' || !SAFE_PATH.test(prefix) || DOT_SEGMENT.test(prefix) || DANGEROUS_ESCAPE.test(prefix)) {
      invalid(field, `createTrackerProxy: ${field} entries must be plain paths such as "/v3/" or "/v3/issues".`);
    }
    out.push(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  }
  return out;
}

/** Segment-wise prefix match: `/v3/issues` matches `/v3/issues` and `/v3/issues/…`, not `/v3/issues2`. */
export function matchesPrefix(prefixes: readonly string[], path: string): boolean {
  for (const prefix of prefixes) {
    if (path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */)) return true;
  }
  return false;
}

export function normalizeBasePath(value: string | undefined): string {
  if (value === undefined || value === '' || value === '/') return '';
  if (typeof value !== 'string' || !value.startsWith('/') || !SAFE_PATH.test(value) || DOT_SEGMENT.test(value)) {
    invalid('basePath', 'createTrackerProxy: basePath must be a plain path such as "/api/tracker".');
  }
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

export function headerList(names: readonly string[] | undefined, defaults: readonly string[], field: string): string[] {
  const out = new Set(defaults);
  for (const raw of names ?? []) {
    const name = typeof raw === 'string' ? raw.toLowerCase() : '';
    if (!HEADER_NAME.test(name)) invalid(field, `createTrackerProxy: ${field} must hold header names.`);
    if (NEVER_FORWARDED.has(name)) {
      invalid(field, `createTrackerProxy: ${field} cannot include "${name}": it carries credentials or is connection-specific.`);
    }
    out.add(name);
  }
  return [...out];
}

export function trackerBaseOf(value: string | undefined): string {
  const raw = value ?? DEFAULT_TRACKER_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError('INVALID_URL', 'trackerUrl', 'createTrackerProxy: trackerUrl must be an absolute http(s) URL.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('INVALID_URL', 'trackerUrl', 'createTrackerProxy: trackerUrl must be an http(s) URL without credentials, query or fragment.');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The whole body, or a verdict. The declared length is checked first, then the bytes are
 * counted while reading, so a chunked body without Content-Length is cut off at the limit.
 * The whole body must arrive within `timeoutMs` (a client trickling bytes gets `'timeout'`);
 * on every verdict the rest of the stream is cancelled, never read on.
 */
export async function readBody(
  request: Request,
  max: number,
  timeoutMs: number,
): Promise<Uint8Array<ArrayBuffer> | undefined | 'too-large' | 'bad-length' | 'unreadable' | 'timeout'> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) {
      await request.body?.cancel().catch(() => undefined);
      return 'bad-length';
    }
    if (Number(declared) > max) {
      await request.body?.cancel().catch(() => undefined);
      return 'too-large';
    }
  }
  if (request.body === null) return undefined;
  const reader = request.body.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => undefined);
  }, timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch {
        return timedOut ? 'timeout' : 'unreadable';
      }
      const { done, value } = step;
      // A cancelled reader reports `done`: the deadline passed, not the end of the body.
      if (timedOut) return 'timeout';
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        return 'too-large';
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  if (total === 0) return undefined;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
