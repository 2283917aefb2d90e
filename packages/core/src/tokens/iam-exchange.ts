/**
 * `POST /iam/v1/tokens` (docs/yandex-api.md 3.1): trade a Yandex OAuth token or a service-account
 * JWT for an IAM token. Shared by {@link iamFromOAuthToken} and {@link iamFromServiceAccountKey}.
 */
import type { FetchLike, StoredToken } from '../types.js';
import { endpointUrl } from '../validate.js';
import { fetchTokenJson, malformedResponseError, type UpstreamCallInfo } from './upstream-errors.js';

export const IAM_TOKENS_PATH = '/iam/v1/tokens';

export interface IamExchangeRequest {
  iamUrl: URL;
  /** Exactly one of the two, as the API requires. */
  body: { yandexPassportOauthToken: string } | { jwt: string };
  fetch?: FetchLike | undefined;
  signal: AbortSignal;
  timeoutMs: number;
  now: () => number;
  /** Secrets of this call, kept out of messages. */
  secrets: readonly string[];
}

/**
 * Parse IAM's `expiresAt`: RFC 3339 in UTC with 0–9 fractional digits (nanoseconds in
 * practice, docs/yandex-api.md 3.1). Fractions are cut to milliseconds before `Date.parse`, whose
 * handling of longer fractions is not specified. Undefined when not a valid timestamp.
 */
export function parseIamExpiresAt(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(value.trim());
  if (!match) return undefined;
  const millis = (match[2] ?? '').slice(0, 3).padEnd(3, '0');
  const parsed = Date.parse(`${match[1]}.${millis}${match[3]!.toUpperCase()}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** IAM tokens live at most 12 hours (docs/yandex-api.md 3.2): a longer computed lifetime is capped. */
export const MAX_IAM_LIFETIME_MS = 12 * 60 * 60 * 1000;
/**
 * The lifetime assumed when an answer without a `Date` header carries an `expiresAt` that the
 * local clock already (or almost) puts in the past: a local clock running ahead must not turn
 * every `getToken()` into an exchange. Short enough that a token that really is dead is
 * replaced soon (and a Tracker 401 replaces it at once).
 */
export const MIN_IAM_LIFETIME_MS = 60_000;

/**
 * Clocks this close are taken to agree: `Date` has one-second resolution and the answer spends
 * some time in transit, so a smaller difference says nothing about skew.
 */
export const CLOCK_AGREEMENT_MS = 2_000;

/**
 * When the token expires by the local clock. IAM's `expiresAt` is absolute, by IAM's clock: when
 * the answer's `Date` header shows the clocks differ, the lifetime is `expiresAt − Date`, applied
 * to the local arrival time, so a skewed local clock neither disables caching nor keeps an
 * expired token. Without `Date`, `expiresAt` is taken as is, but never less than
 * {@link MIN_IAM_LIFETIME_MS} away. Returns undefined when IAM's own clock says the token has
 * already expired.
 */
export function localIamExpiry(expiresAt: number, issuedAt: number, upstreamDate: number | undefined): number | undefined {
  if (upstreamDate !== undefined) {
    if (expiresAt <= upstreamDate) return undefined;
    // `Date` is cut to whole seconds: IAM's clock read up to a second more. Counting from the end
    // of that second errs towards refreshing early, never towards sending an expired token.
    const skew = upstreamDate + 1000 - issuedAt;
    const local = Math.abs(skew) < CLOCK_AGREEMENT_MS ? expiresAt : expiresAt - skew;
    return Math.min(local, issuedAt + MAX_IAM_LIFETIME_MS);
  }
  return issuedAt + Math.min(Math.max(expiresAt - issuedAt, MIN_IAM_LIFETIME_MS), MAX_IAM_LIFETIME_MS);
}

/** One exchange attempt; the refresh engine adds caching, single-flight and retries around it. */
export async function exchangeForIamToken(request: IamExchangeRequest): Promise<StoredToken> {
  const { iamUrl, body: json, now, secrets, ...transport } = request;
  const info: UpstreamCallInfo = { source: 'iam', what: 'IAM token exchange', method: 'POST', url: endpointUrl(iamUrl, IAM_TOKENS_PATH).href, secrets };
  const { body, status, issuedAt, upstreamDate } = await fetchTokenJson({ json, ...transport }, info, now);
  const malformed = (problem: string) => malformedResponseError(info, status, problem);
  const { iamToken, expiresAt } = (body ?? {}) as { iamToken?: unknown; expiresAt?: unknown };
  if (typeof iamToken !== 'string' || !/^\S+$/.test(iamToken)) throw malformed('no iamToken');
  const expires = parseIamExpiresAt(expiresAt);
  if (expires === undefined) throw malformed('no valid expiresAt');
  const localExpiresAt = localIamExpiry(expires, issuedAt, upstreamDate);
  if (localExpiresAt === undefined) throw malformed("expiresAt is not after the answer's Date");
  return { token: iamToken, kind: 'iam', issuedAt, expiresAt: localExpiresAt };
}
