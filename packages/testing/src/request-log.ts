import type { IncomingHttpHeaders } from 'node:http';
import type { FakeEndpoint, LoggedRequest } from './types.js';

/** Header names whose values are secrets (the scheme word of Authorization is kept). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  // Yandex TVM tickets are bearer credentials too.
  'x-ya-service-ticket',
  'x-ya-user-ticket',
]);

/** Scheme words kept in a redacted Authorization value; anything else may be the credential itself. */
const AUTH_SCHEMES = new Set(['oauth', 'bearer', 'basic']);

/** Form/query/JSON fields whose values are secrets in Yandex flows. */
export const SECRET_FIELDS = new Set([
  'code',
  'access_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
  // A `plain` PKCE challenge is the verifier itself.
  'code_challenge',
  'device_code',
  'jwt',
  'yandexpassportoauthtoken',
  'password',
  'token',
  'private_key',
  'assertion',
  'client_assertion',
  'id_token',
  'iam_token',
  'subject_token',
]);

const REDACTED = '[redacted]';

/** Redacts one header value; keeps `OAuth`/`Bearer`/`Basic` so tests can assert the scheme. */
export function redactHeaderValue(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'proxy-authorization') {
    const scheme = /^(\S+)\s/.exec(value)?.[1];
    return scheme && AUTH_SCHEMES.has(scheme.toLowerCase()) ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return REDACTED;
}

/** Lower-cased, single-valued, redacted copy of request headers. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = redactHeaderValue(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

/** Path + query with secret query parameters redacted (an implicit-flow URL never reaches us). */
export function redactPath(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return pathAndQuery;
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  for (const k of [...params.keys()]) if (SECRET_FIELDS.has(k.toLowerCase())) params.set(k, REDACTED);
  return `${pathAndQuery.slice(0, q)}?${params.toString()}`;
}

/** Shallow copy of body fields with secret values redacted. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

/** Per-endpoint call counters and the request log. */
export class CallLog {
  private readonly counts = new Map<FakeEndpoint, number>();
  readonly entries: LoggedRequest[] = [];

  record(endpoint: FakeEndpoint): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  /** Calls to one endpoint, or to all when omitted. */
  count(endpoint?: FakeEndpoint): number {
    if (endpoint) return this.counts.get(endpoint) ?? 0;
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  reset(): void {
    this.counts.clear();
    this.entries.length = 0;
  }
}
