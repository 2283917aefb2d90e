/**
 * Options of `createTrackerClient()` and their validation. Adapters that build clients per
 * request (user mode) validate the options once, at construction, with
 * {@link assertTrackerClientOptions} instead of building a throwaway client.
 */
import type { Hooks } from 'ky';
import { ConfigurationError } from '../errors.js';
import type { TrackerAuthEventHandler } from '../events.js';
import { DEFAULT_TRACKER_URL, type FetchLike } from '../types.js';

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

/** The organization headers `auth` sets (lower case, as `Headers` reports them). */
const ORG_HEADERS = ['x-org-id', 'x-cloud-org-id'] as const;
const AUTH_HEADERS = new Set<string>(['authorization', ...ORG_HEADERS]);

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
  const fn = 'createTrackerClient';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError('INVALID_OPTION', field, `${fn}: \`${field}\` must be an options object of createTrackerClient().`);
  }
  const options = value as TrackerClientOptions;
  const apiVersion = options.apiVersion ?? 'v3';
  if (apiVersion !== 'v2' && apiVersion !== 'v3') {
    throw new ConfigurationError('INVALID_OPTION', 'apiVersion', `${fn}: \`apiVersion\` must be 'v2' or 'v3'.`);
  }
  let base: URL;
  try {
    base = new URL(options.trackerUrl ?? DEFAULT_TRACKER_URL);
  } catch {
    throw new ConfigurationError('INVALID_URL', 'trackerUrl', `${fn}: \`trackerUrl\` must be an absolute URL such as ${DEFAULT_TRACKER_URL}.`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new ConfigurationError('INVALID_URL', 'trackerUrl', `${fn}: \`trackerUrl\` must use http or https.`);
  }
  if (base.search || base.hash || base.username || base.password) {
    throw new ConfigurationError('INVALID_URL', 'trackerUrl', `${fn}: \`trackerUrl\` must not carry a query, fragment or credentials; pass the bare API origin.`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new ConfigurationError('INVALID_OPTION', 'timeoutMs', `${fn}: \`timeoutMs\` must be a positive number of milliseconds.`);
  }
  const limit = options.retry?.limit ?? 2;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ConfigurationError('INVALID_OPTION', 'retry.limit', `${fn}: \`retry.limit\` must be an integer ≥ 0 (0 turns retries off).`);
  }
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 30_000;
  if (!Number.isFinite(maxRetryAfterMs) || maxRetryAfterMs < 0) {
    throw new ConfigurationError('INVALID_OPTION', 'retry.maxRetryAfterMs', `${fn}: \`retry.maxRetryAfterMs\` must be a number of milliseconds ≥ 0.`);
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'onEvent', `${fn}: \`onEvent\` must be a function (event) => void when given.`);
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (AUTH_HEADERS.has(name.toLowerCase())) {
      throw new ConfigurationError('INVALID_OPTION', `headers.${name}`, `${fn}: \`headers.${name}\` is set by \`auth\`; configure the credential or org in createTrackerAuth() instead.`);
    }
    if (typeof value !== 'string') {
      throw new ConfigurationError('INVALID_OPTION', `headers.${name}`, `${fn}: \`headers.${name}\` must be a string.`);
    }
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
  for (const name of ORG_HEADERS) {
    if (!headers.has(name)) continue;
    const shown = name === 'x-org-id' ? 'X-Org-ID' : 'X-Cloud-Org-ID';
    throw new ConfigurationError(
      'INVALID_OPTION',
      `headers.${shown}`,
      `createTrackerClient: a request must not set \`${shown}\`; the org header comes from \`auth\` (the org given to createTrackerAuth()). Use a client with another auth to call another organization.`,
    );
  }
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
