/**
 * When a cached token counts as fresh, due for a refresh, or unusable, and how long to wait
 * between attempts (docs/architecture.md principle 6). Pure functions over a clock value, so the
 * rules are unit-tested without timers.
 */
import { ConfigurationError } from '../errors.js';
import type { RefreshOptions, StoredToken } from '../types.js';

/** {@link RefreshOptions} with every default filled in. */
export interface ResolvedRefreshOptions {
  maxAgeMs: number;
  earlyMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  forcedRefreshCooldownMs: number;
  now: () => number;
}

/**
 * Defaults: refresh 1 h after issue or 5 min before expiry; 3 retries from 200 ms up to 5 s;
 * 10 s per call; a token from a forced refresh is not force-refreshed again for 30 s.
 */
export const DEFAULT_REFRESH_OPTIONS: Readonly<Omit<ResolvedRefreshOptions, 'now'>> = /* @__PURE__ */ Object.freeze({
  maxAgeMs: 60 * 60 * 1000,
  earlyMs: 5 * 60 * 1000,
  retries: 3,
  backoffMs: 200,
  maxBackoffMs: 5000,
  timeoutMs: 10_000,
  // Long enough that a Tracker answering 401 to everything costs a handful of token calls a
  // minute, short enough that a token revoked right after its refresh recovers within a minute.
  forcedRefreshCooldownMs: 30_000,
});

/**
 * Fill defaults and validate (at construction): every number finite and ≥ 0 (`timeoutMs` > 0),
 * `retries` an integer, `now` a function. `field` prefixes the option path in errors.
 */
export function resolveRefreshOptions(options: RefreshOptions | undefined, field = 'refresh'): ResolvedRefreshOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ConfigurationError('INVALID_OPTION', field, `${field} must be an object of refresh options.`);
  }
  const resolved: ResolvedRefreshOptions = { ...DEFAULT_REFRESH_OPTIONS, now: Date.now };
  // Every default but `now` is a number of milliseconds or a count.
  for (const name of Object.keys(DEFAULT_REFRESH_OPTIONS) as Array<keyof typeof DEFAULT_REFRESH_OPTIONS>) {
    const value = options?.[name];
    if (value === undefined) continue;
    const positive = name === 'timeoutMs';
    // Number.isFinite is false for anything but a finite number, so it checks the type too.
    if (!Number.isFinite(value) || value < 0 || (positive && value === 0) || (name === 'retries' && !Number.isInteger(value))) {
      const path = `${field}.${name}`;
      throw new ConfigurationError('INVALID_OPTION', path, `${path} must be ${name === 'retries' ? 'an integer' : 'a number of ms'} ${positive ? '> 0' : '>= 0'} (default ${DEFAULT_REFRESH_OPTIONS[name]}).`);
    }
    resolved[name] = value;
  }
  if (options?.now !== undefined) {
    if (typeof options.now !== 'function') {
      throw new ConfigurationError('INVALID_OPTION', `${field}.now`, `${field}.now must be a function like Date.now.`);
    }
    resolved.now = options.now;
  }
  return resolved;
}

/**
 * Whether a forced refresh of `token` must be skipped: it is the token the last forced refresh
 * produced (`forced`, stamped with the engine clock), that refresh is less than
 * `forcedRefreshCooldownMs` away from `now` (either way, so a clock stepping back does not
 * stretch the window), and the token has not expired.
 */
export function inForcedRefreshCooldown(
  token: StoredToken,
  forced: { token: string; at: number } | undefined,
  now: number,
  options: Pick<ResolvedRefreshOptions, 'forcedRefreshCooldownMs'>,
): boolean {
  if (forced === undefined || forced.token !== token.token || options.forcedRefreshCooldownMs === 0 || !isUsable(token, now)) return false;
  return Math.abs(now - forced.at) < options.forcedRefreshCooldownMs;
}

/**
 * - `fresh`: serve from cache.
 * - `due`: still valid but inside the refresh window; serve it and refresh in the background.
 * - `expired`: past `expiresAt`; callers must wait for a new token.
 */
export type TokenFreshness = 'fresh' | 'due' | 'expired';

/**
 * Classify a cached token at `now`. The window opens `maxAgeMs` after issue or `earlyMs` before
 * expiry, whichever comes first. The early margin never exceeds half the token's lifetime, so a
 * short-lived token (tests, federations) is not refreshed on every call.
 */
export function tokenFreshness(token: StoredToken, now: number, options: Pick<ResolvedRefreshOptions, 'maxAgeMs' | 'earlyMs'>): TokenFreshness {
  const { expiresAt, issuedAt } = token;
  if (expiresAt !== undefined && now >= expiresAt) return 'expired';
  if (issuedAt !== undefined && now >= issuedAt + options.maxAgeMs) return 'due';
  if (expiresAt !== undefined) {
    const lifetime = issuedAt !== undefined ? expiresAt - issuedAt : Number.POSITIVE_INFINITY;
    const early = Math.min(options.earlyMs, Math.max(0, lifetime / 2));
    if (now >= expiresAt - early) return 'due';
  }
  return 'fresh';
}

/** True while the token can still be sent (not past `expiresAt`; no expiry = always). */
export function isUsable(token: StoredToken | undefined, now: number): token is StoredToken {
  return token !== undefined && (token.expiresAt === undefined || now < token.expiresAt);
}

/**
 * Delay before retry number `attempt` (1-based): exponential from `backoffMs`, capped at
 * `maxBackoffMs`, with "equal jitter" (half fixed, half random) so instances do not retry in step.
 */
export function backoffDelay(attempt: number, options: Pick<ResolvedRefreshOptions, 'backoffMs' | 'maxBackoffMs'>, random: () => number = Math.random): number {
  const base = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base / 2 + (base / 2) * random());
}
