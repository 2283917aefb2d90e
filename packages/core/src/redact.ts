/**
 * Redaction helpers (docs/architecture.md principle 5): every package prints headers, URLs and
 * token-bearing objects through these, so a secret never reaches a log, an error message,
 * `JSON.stringify` or `util.inspect`.
 */
import { base64Encode, base64UrlEncode } from './encoding.js';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Header names whose values are secret (lower case). */
export const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-ya-service-ticket',
  'x-ya-user-ticket',
  'x-api-key',
]);

/**
 * Object keys and query parameters whose values are secret. Matched case-insensitively
 * after removing `_`/`-`, so `refresh_token`, `refreshToken` and `Refresh-Token` all match.
 */
const SECRET_KEY_PATTERN =
  /^(authorization|cookie|setcookie|password|secret|clientsecret|token|accesstoken|refreshtoken|idtoken|iamtoken|oauthtoken|yandexpassportoauthtoken|devicecode|code|codeverifier|verifier|privatekey|jwt|assertion|sessiontoken|apikey|sealed)$/;

/** True when a key (object property, query parameter, form field) holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key.replace(/[-_]/g, '').toLowerCase());
}

export type HeadersLike = Headers | Record<string, string | string[] | number | undefined | null> | Iterable<[string, string]>;

/**
 * A plain, printable copy of headers with secret values replaced: `Authorization: OAuth …`
 * becomes `OAuth [REDACTED]`, cookies become `[REDACTED]`. Names are lower-cased.
 *
 * @example
 * redactHeaders({ Authorization: 'OAuth y0_abc', 'X-Org-ID': '123' })
 * // { authorization: 'OAuth [REDACTED]', 'x-org-id': '123' }
 */
export function redactHeaders(headers: HeadersLike | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  // `Headers` (and a Map, or tuples) iterate as [name, value] pairs; a plain record does not.
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in (headers as object) ? (headers as Iterable<[string, string]>) : Object.entries(headers as Record<string, unknown>);
  for (const [rawName, rawValue] of entries) {
    if (rawValue === undefined || rawValue === null) continue;
    const name = rawName.toLowerCase();
    const value = Array.isArray(rawValue) ? rawValue.join(', ') : String(rawValue);
    // Authorization keeps its scheme word (useful when debugging); the credential is hidden.
    const scheme = name.endsWith('authorization') && /^\s*([A-Za-z]+)\s+\S/.exec(value);
    out[name] = !SECRET_HEADER_NAMES.has(name) ? value : scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
  }
  return out;
}

/**
 * A URL string with secret query parameters and fragment fields (`code`, `access_token`,
 * `refresh_token`, `client_secret`, …) and any userinfo replaced by `[REDACTED]`.
 * Unparseable input is returned as `[REDACTED]` rather than echoed.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return REDACTED;
  }
  parsed.username = parsed.password = '';
  /** Redact the secret parameters of `params`; true when there were any. */
  const scrub = (params: URLSearchParams): boolean => {
    const secret = [...params.keys()].filter(isSecretKey);
    for (const key of secret) params.set(key, REDACTED);
    return secret.length > 0;
  };
  scrub(parsed.searchParams);
  // A fragment is rewritten only when it held a secret: others (`#section`) stay as they are.
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  if (scrub(fragment)) parsed.hash = fragment.toString();
  return parsed.href;
}

/**
 * A deep, printable copy of a value with every secret-named property replaced by
 * `[REDACTED]` (see {@link isSecretKey}), headers objects redacted, and cycles cut.
 *
 * @example
 * redactSecrets({ access_token: 'y0_…', expires_in: 3600 })
 * // { access_token: '[REDACTED]', expires_in: 3600 }
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Headers) return redactHeaders(value);
  if (value instanceof URL) return redactUrl(value);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'headers' && inner && typeof inner === 'object') {
      out[key] = redactHeaders(inner as HeadersLike);
    } else if (isSecretKey(key) && inner !== undefined && inner !== null) {
      out[key] = REDACTED;
    } else {
      out[key] = redactValue(inner, seen);
    }
  }
  return out;
}

/**
 * Credentials recognised by shape, whoever's they are: an auth scheme word followed by its
 * credential (`Basic …`, `Bearer …`, `OAuth …`, as an echoed `Authorization` header reads), a
 * Yandex OAuth token (`y0_…`, docs/yandex-api.md 1.2) and an IAM token (`t1.…`).
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // A credential has a digit or a symbol in it (or is long): "Bearer token expired" stays readable.
  [/\b(Basic|Bearer|OAuth)(\s+|%20|\+)(?:(?=[A-Za-z]*[0-9._~+/=%-])[A-Za-z0-9._~+/=%-]{6,}|[A-Za-z]{24,})/gi, `$1$2${REDACTED}`],
  [/\by[0-3]_[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bt1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{40,}={0,2}/g, REDACTED],
  // Credentials inside a URL (`redis://:password@host`, `https://user:pass@host`), as client
  // libraries quote their connection URL in error messages.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** The forms a secret may come back in: as is, base64 (padded, unpadded, url-safe), URL- and form-encoded. */
function encodingsOf(secret: string): string[] {
  const base64 = base64Encode(secret);
  const unpadded = base64.replace(/=+$/, '');
  const forms = new Set([
    secret,
    base64,
    unpadded,
    base64UrlEncode(secret),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
  ]);
  return [...forms].filter((form) => form.length >= 4);
}

/**
 * Remove secrets from upstream text that may be quoted in an error message: each given secret
 * (the values a call sent) in every form it may be echoed in (as is, base64, so
 * `base64(clientId:clientSecret)` when `clientId:clientSecret` is given, base64url, URL- and
 * form-encoded), then every credential recognised by shape (`Basic …`, `Bearer …`, `OAuth …`,
 * `y0_…` OAuth tokens, `t1.…` IAM tokens), whoever's it is. Secrets shorter than 4 characters are skipped: replacing them would
 * shred ordinary words without protecting anything.
 *
 * @example
 * scrubSecrets('bad header Basic aWQ6c2VjcmV0', []) // 'bad header Basic [REDACTED]'
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  // Longest form first across all secrets: one secret's base64 can sit inside another's
  // (base64 of `id:secret` ends with base64 of `secret` when `id:` is 3n bytes long).
  const forms = [...new Set(secrets.flatMap((secret) => (secret && secret.length >= 4 ? encodingsOf(secret) : [])))];
  let out = text;
  for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Upstream text (an error description, Tracker's `errorMessages`) fit to quote in a message:
 * one line (control characters and line breaks would let it forge log lines), secrets scrubbed
 * as {@link scrubSecrets} does, at most `max` characters.
 *
 * @example
 * quoteUpstream('bad token y0_AgAAAAAAxxxxxxxxxxxxxxxxxxxx\nnext line') // 'bad token [REDACTED] next line'
 */
export function quoteUpstream(text: string, secrets: ReadonlyArray<string | undefined> = [], max = 300): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const line = scrubSecrets(text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim(), secrets);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The symbol Node's `util.inspect` looks up; `Symbol.for` so core needs no `node:util`. */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Make an object that holds secrets print safely: `JSON.stringify` and `util.inspect` show
 * only `summary()` (which must itself contain no secret). Non-enumerable, so it does not
 * show up in spreads or `Object.keys`.
 *
 * @example
 * class OAuthTokenSource { constructor(private token: string) { hideSecrets(this, () => ({ kind: 'oauth' })); } }
 */
export function hideSecrets<T extends object>(target: T, summary: () => Record<string, unknown>, label?: string): T {
  const name = label ?? target.constructor?.name ?? 'Object';
  // Not enumerable (the default of defineProperty), not writable, configurable.
  return Object.defineProperties(target, {
    toJSON: { value: () => summary(), configurable: true },
    [INSPECT_CUSTOM]: { value: () => `${name} ${JSON.stringify(summary())}`, configurable: true },
  });
}
