/**
 * The pure header builder: a token plus an organization → the headers Tracker wants
 * (docs/yandex-api.md 1.2, 1.3).
 */
import { INSPECT_CUSTOM, redactHeaders } from './redact.js';
import type { AccessToken, TokenKind, TrackerHeaders, TrackerOrg } from './types.js';
import { assertToken, failer, normalizeOrg } from './validate.js';

/** The scheme word per token kind (docs/yandex-api.md 1.2). */
const SCHEMES: Record<TokenKind, string> = { oauth: 'OAuth', iam: 'Bearer' };

/**
 * Prototype of built header objects: printing goes through `redactHeaders`. The hooks live
 * on the prototype, not on the object, because `new Headers(init)` (undici) walks every own
 * key, symbols and non-enumerable ones included, and throws on a symbol.
 */
const PRINTS_REDACTED: object = Object.freeze(
  Object.create(Object.prototype, {
    toJSON: {
      value(this: TrackerHeaders) {
        return redactHeaders({ ...this });
      },
    },
    [INSPECT_CUSTOM]: {
      value(this: TrackerHeaders) {
        return `TrackerHeaders ${JSON.stringify(redactHeaders({ ...this }))}`;
      },
    },
  }),
);

/**
 * Check that a token kind can be used with an organization kind. An IAM token (`Bearer`)
 * only works for Yandex Cloud organizations (docs/yandex-api.md 1.2; the official Python client
 * refuses `iam_token` without `cloud_org_id` too), so `{ kind: 'iam' }` with `{ orgId }`
 * is refused here rather than turned into a 403 at the first request.
 *
 * Call it at construction when the token kind is known before any token is.
 *
 * @throws {ConfigurationError} code `INVALID_ORG`
 */
export function assertOrgFitsTokenKind(kind: TokenKind, org: TrackerOrg, field = 'org'): void {
  if (kind === 'iam' && org.cloudOrgId === undefined) failer('INVALID_ORG', field)('has orgId, but IAM tokens need cloudOrgId', 'set it or use an OAuth token');
}

/**
 * Build the headers of one Tracker API request: `Authorization: OAuth <token>` (OAuth token)
 * or `Authorization: Bearer <token>` (IAM token), plus `X-Org-ID` (Yandex 360) or
 * `X-Cloud-Org-ID` (Yandex Cloud). Pure and synchronous; validates both arguments and
 * throws {@link ConfigurationError} (`INVALID_TOKEN` / `INVALID_ORG`) without echoing the token.
 *
 * The result is a plain object for `fetch`, `Headers` or ky; printing it (`console.log`,
 * `JSON.stringify`) shows `Authorization: OAuth [REDACTED]` instead of the token.
 *
 * @example
 * const headers = buildTrackerHeaders({ token: process.env.TRACKER_TOKEN!, kind: 'oauth' }, { orgId: '1234567' });
 * await fetch('https://api.tracker.yandex.net/v3/myself', { headers });
 */
export function buildTrackerHeaders(
  token: AccessToken | { token: string; kind: 'oauth' | 'iam' },
  org: TrackerOrg,
): TrackerHeaders {
  if (typeof token !== 'object' || token === null) return failer('INVALID_TOKEN', 'token')('is not an object', 'pass { token, kind }');
  const kind = (token as { kind?: unknown }).kind;
  if (kind !== 'oauth' && kind !== 'iam') return failer('INVALID_TOKEN', 'token.kind')('is not a token kind', "pass 'oauth' or 'iam'");
  const raw = assertToken((token as { token?: unknown }).token, 'token.token');
  const normalized = normalizeOrg(org, 'org');
  assertOrgFitsTokenKind(kind, normalized, 'org');

  const headers = Object.create(PRINTS_REDACTED) as TrackerHeaders;
  headers.Authorization = `${SCHEMES[kind]} ${raw}`;
  if (normalized.orgId !== undefined) headers['X-Org-ID'] = normalized.orgId;
  else headers['X-Cloud-Org-ID'] = normalized.cloudOrgId;
  return headers;
}
