/**
 * Where to send the browser after sign-in or sign-out, without an open redirect: only a
 * same-origin relative path (`/issues?x=1`) is accepted. Protocol-relative (`//evil`),
 * backslash tricks (`/\evil`, which browsers read as `//evil`), absolute URLs, control
 * characters and over-long values are refused.
 */

const PROBE_ORIGIN = 'http://return-to.invalid';
const MAX_LENGTH = 2048;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * The normalized same-origin path of `value`, or `undefined` when it is not one. Use it for any
 * "where to go next" parameter.
 *
 * @example
 * safeReturnTo("/issues?q=1") // "/issues?q=1"
 * safeReturnTo("//evil.example") // undefined
 */
export function safeReturnTo(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  const path = url.pathname + url.search + url.hash;
  // Dot segments such as `/./\/evil` can normalize into a protocol-relative path.
  return path.startsWith('//') ? undefined : path;
}
