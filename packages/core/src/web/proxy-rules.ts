/**
 * The fixed rules of the Tracker proxy: which paths, methods and headers may pass, how a
 * response is isolated, and how a request body is read. Everything here is computed once per
 * module, never per request; the options that tune these rules are checked in proxy-config.ts.
 */
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';

/** `application/json` or any `+json` type (parameters after `;` ignored): data, never rendered as a document. */
export const JSON_TYPE = /^\s*(?:application\/json|[^;]*\+json)\s*(?:;|$)/i;

/** `Sec-Fetch-Mode` of a page load. */
const NAVIGATE_MODE = /^\s*navigate\s*$/i;
/** `Sec-Fetch-Dest` values of a document load: a page, a frame or a plugin. */
const DOCUMENT_DEST = /^\s*(?:document|i?frame|embed|object)\s*$/i;

/**
 * The browser is loading this URL as a page (address bar, link, form, frame, `<embed>`), not
 * calling it with `fetch()`. Judged from `Sec-Fetch-Mode`/`Sec-Fetch-Dest` (lower-case names
 * looked up through `header`), which script cannot set; browsers that send neither are covered
 * by the isolation headers.
 */
export function isNavigationBy(header: (name: string) => string | null): boolean {
  return NAVIGATE_MODE.test(header('sec-fetch-mode') ?? '') || DOCUMENT_DEST.test(header('sec-fetch-dest') ?? '');
}
export const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** Request headers forwarded to Tracker by default (lower case). Everything else is dropped. Lists of header names are written space-separated. */
export const DEFAULT_REQUEST_HEADERS = 'accept accept-language content-type if-match if-none-match if-modified-since if-unmodified-since'.split(' ');
/** Response headers passed back by default: content metadata, pagination, caching, throttling. */
export const DEFAULT_RESPONSE_HEADERS = (
  'content-type content-language content-disposition link x-total-count x-total-pages x-scroll-id x-scroll-token ' +
  'etag last-modified retry-after location'
).split(' ');
/** Never forwarded in either direction, even when listed in `requestHeaders`/`responseHeaders`. */
export const NEVER_FORWARDED = new Set([
  ...'authorization proxy-authorization cookie set-cookie host content-length x-org-id x-cloud-org-id www-authenticate proxy-authenticate'.split(' '),
  ...HOP_BY_HOP_HEADERS,
]);

/**
 * A Tracker path: one or more non-empty segments of RFC 3986 `pchar`s, optional trailing slash.
 * Excludes `\`, whitespace, control characters, `//` and anything that is not a path. `;` is
 * excluded too: Tracker uses no path parameters, and servlet containers read `..;` as `..`.
 */
const SAFE_PATH = /^(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,=:@]|%[0-9A-Fa-f]{2})+)+\/?$/;
/** Escapes that decode to `.` `/` `\` `;` `%` (double encoding) or a control character. */
const DANGEROUS_ESCAPE = /%(?:2e|2f|5c|3b|25|[01][0-9a-f]|7f)/i;
/** A `.` or `..` segment. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * True for a plain Tracker path: non-empty segments of RFC 3986 characters, no dot segments,
 * and no escapes that decode to `.` `/` `\` `%` or control characters.
 */
export function isSafeTrackerPath(path: string): boolean {
  return isPlainPath(path) && !DANGEROUS_ESCAPE.test(path);
}

/** {@link SAFE_PATH} without dot segments; escapes unchecked (the proxy's own `basePath`). */
export function isPlainPath(path: string): boolean {
  return SAFE_PATH.test(path) && !DOT_SEGMENT.test(path);
}

/** Segment-wise: `path` is `prefix` or below it (`/v3/issues` covers `/v3/issues/…`, not `/v3/issues2`). */
export function isUnder(prefix: string, path: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */);
}

/** {@link isUnder} any of `prefixes`. */
export function matchesPrefix(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((prefix) => isUnder(prefix, path));
}

const ignore = () => undefined;

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
  const { body } = request;
  const declared = request.headers.get('content-length');
  const early = declared === null ? undefined : !/^\d+$/.test(declared.trim()) ? 'bad-length' : Number(declared) > max ? 'too-large' : undefined;
  if (early || body === null) {
    await body?.cancel().catch(ignore);
    return early;
  }
  const reader = body.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(ignore);
  }, timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader reports `done`: the deadline passed, not the end of the body.
      if (timedOut) return 'timeout';
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(ignore);
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch {
    return timedOut ? 'timeout' : 'unreadable';
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
