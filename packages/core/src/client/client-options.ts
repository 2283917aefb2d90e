/**
 * Options of `createTrackerClient()` and their validation. Adapters that build clients per
 * request (user mode) validate the options once, at construction, with
 * {@link assertTrackerClientOptions} instead of building a throwaway client.
 */
import type { Hooks } from 'ky';
import { assertEventHandler, type TrackerAuthEventHandler } from '../events.js';
import { DEFAULT_TRACKER_URL, type FetchLike } from '../types.js';
import { assertUrl, isObject, optionFailer } from '../validate.js';

/** Options of {@link createTrackerClient}. */
export interface TrackerClientOptions {
  /** Base URL of the Tracker API. Default `https://api.tracker.yandex.net` (point it at the fake in tests). */
  trackerUrl?: string | undefined;
  /** API version path segment (docs/yandex-api.md 1.1). Default `v3`. */
  apiVersion?: 'v2' | 'v3' | undefined;
  /** A `fetch` to use instead of the global one (whose keep-alive pool is shared). */
  fetch?: FetchLike | undefined;
  /** Timeout of one HTTP attempt, ms. Default 10 000. */
  timeoutMs?: number | undefined;
  retry?: {
    /** Retries after the first attempt (429/503 for any method; 5xx/network for idempotent ones). Default 2. */
    limit?: number | undefined;
    /** Give up instead of waiting when `Retry-After` asks for longer than this, ms. Default 30 000. */
    maxRetryAfterMs?: number | undefined;
  } | undefined;
  /** Extra headers on every request (not `Authorization` or the org headers: those come from `auth`). */
  headers?: Record<string, string> | undefined;
  /** More ky hooks; they run after the client's own `beforeRequest`/`afterResponse` hooks. */
  hooks?: Hooks | undefined;
  /**
   * Observer of the client's `request.retry`, `request.rate-limited` (429 wait),
   * `request.unauthorized-replay` and `request.unauthorized-cooldown` events (method and path
   * only, never the origin, query or a header). Default: the `onEvent` given to
   * `createTrackerAuth()` for `auth`. What it throws is swallowed.
   */
  onEvent?: TrackerAuthEventHandler | undefined;
}

/** The organization headers `auth` sets (`Headers.has` ignores case). */
const ORG_HEADERS = ['X-Org-ID', 'X-Cloud-Org-ID'] as const;
const AUTH_HEADERS = new Set<string>(['authorization', 'x-org-id', 'x-cloud-org-id']);
/** Why a caller may not set these headers, and so what to do instead. */
const FROM_AUTH = 'comes from `auth`: do not set it';

/** Throws the `createTrackerClient: \`field\` problem.` option error. @internal */
export const fail = /* @__PURE__ */ optionFailer('createTrackerClient');

/** What the client needs from validated options. */
export interface ClientConfig {
  prefixUrl: string;
  timeoutMs: number;
  limit: number;
  maxRetryAfterMs: number;
}

/**
 * Validate {@link TrackerClientOptions} (the one place these checks live) and resolve what the
 * client needs. `field` names the options object itself in the "not an object" error.
 *
 * @internal
 */
export function resolveClientConfig(value: unknown, field: string): ClientConfig {
  if (!isObject(value)) fail(field, 'must be an options object');
  const options = value as TrackerClientOptions;
  const apiVersion = options.apiVersion ?? 'v3';
  if (apiVersion !== 'v2' && apiVersion !== 'v3') fail('apiVersion', "must be 'v2' or 'v3'");
  // A path prefix is kept (a gateway in front of Tracker); a query or fragment would end up in
  // the middle of every request URL, and credentials in it would be sent everywhere.
  const base = assertUrl(options.trackerUrl ?? DEFAULT_TRACKER_URL, 'trackerUrl');
  const timeoutMs = options.timeoutMs ?? 10_000;
  // setTimeout's ceiling: a longer delay fires at once.
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) fail('timeoutMs', 'must be a number of ms > 0');
  const limit = options.retry?.limit ?? 2;
  if (!Number.isInteger(limit) || limit < 0) fail('retry.limit', 'must be an integer >= 0');
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 30_000;
  if (!Number.isFinite(maxRetryAfterMs) || maxRetryAfterMs < 0) fail('retry.maxRetryAfterMs', 'must be a number of ms >= 0');
  assertEventHandler(options.onEvent, 'onEvent', 'createTrackerClient');
  for (const [name, header] of Object.entries(options.headers ?? {})) {
    if (AUTH_HEADERS.has(name.toLowerCase())) fail(`headers.${name}`, FROM_AUTH);
    if (typeof header !== 'string') fail(`headers.${name}`, 'must be a string');
  }
  const prefixUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}/${apiVersion}/`;
  return { prefixUrl, timeoutMs, limit, maxRetryAfterMs };
}

/**
 * Refuse a request that brings its own organization header: `auth` adds the configured one,
 * and Tracker would get both (which org wins is up to Tracker). Thrown from the call, before
 * any token or network work, as the client-level `headers` option does at construction.
 *
 * @internal
 * @throws {ConfigurationError} `INVALID_OPTION`, field `headers.X-Org-ID` / `headers.X-Cloud-Org-ID`.
 */
export function assertNoOrgHeaders(headers: Headers): void {
  for (const name of ORG_HEADERS) if (headers.has(name)) fail(`headers.${name}`, FROM_AUTH);
}

/**
 * Check options of `createTrackerClient()` without building a client, with exactly the checks
 * `createTrackerClient()` makes, and return them unchanged. For factories that create clients
 * later (per request) but must reject bad options at construction.
 *
 * @param field - name of the options object in the caller's API, reported when it is not an object.
 * @throws {ConfigurationError} `INVALID_OPTION` / `INVALID_URL` with the offending field
 *   (`apiVersion`, `trackerUrl`, `timeoutMs`, `retry.limit`, `retry.maxRetryAfterMs`, `headers.<name>`).
 * @example
 * const clientOptions = assertTrackerClientOptions(options.client ?? {}, 'client');
 * // later, per request:
 * const tracker = createTrackerClient(userAuth, clientOptions);
 */
export function assertTrackerClientOptions(options: unknown, field = 'client'): TrackerClientOptions {
  resolveClientConfig(options, field);
  return options as TrackerClientOptions;
}
