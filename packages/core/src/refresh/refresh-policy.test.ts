import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { DEFAULT_REFRESH_OPTIONS, backoffDelay, inForcedRefreshCooldown, isUsable, resolveRefreshOptions, tokenFreshness } from './refresh-policy.js';

const HOUR = 3_600_000;
const t0 = 1_700_000_000_000;

describe('tokenFreshness', () => {
  const policy = { maxAgeMs: HOUR, earlyMs: 5 * 60_000 };
  const token = { token: 'x', kind: 'iam' as const, issuedAt: t0, expiresAt: t0 + 12 * HOUR };

  it('is fresh until an hour after issue, then due, then expired at expiresAt', () => {
    expect(tokenFreshness(token, t0, policy)).toBe('fresh');
    expect(tokenFreshness(token, t0 + HOUR - 1, policy)).toBe('fresh');
    expect(tokenFreshness(token, t0 + HOUR, policy)).toBe('due');
    expect(tokenFreshness(token, t0 + 12 * HOUR - 1, policy)).toBe('due');
    expect(tokenFreshness(token, t0 + 12 * HOUR, policy)).toBe('expired');
  });

  it('opens 5 minutes before expiry when that is earlier (metadata tokens with little time left)', () => {
    const short = { ...token, expiresAt: t0 + 20 * 60_000 };
    expect(tokenFreshness(short, t0 + 15 * 60_000 - 1, policy)).toBe('fresh');
    expect(tokenFreshness(short, t0 + 15 * 60_000, policy)).toBe('due');
  });

  it('treats tokens without dates as always fresh, and expiry-only tokens by expiresAt', () => {
    expect(tokenFreshness({ token: 'x', kind: 'oauth' }, t0 * 2, policy)).toBe('fresh');
    const noIssue = { token: 'x', kind: 'iam' as const, expiresAt: t0 + HOUR };
    expect(tokenFreshness(noIssue, t0 + HOUR - 5 * 60_000 - 1, policy)).toBe('fresh');
    expect(tokenFreshness(noIssue, t0 + HOUR - 5 * 60_000, policy)).toBe('due');
  });

  it('isUsable is true strictly before expiresAt', () => {
    expect(isUsable(token, t0 + 12 * HOUR - 1)).toBe(true);
    expect(isUsable(token, t0 + 12 * HOUR)).toBe(false);
    expect(isUsable(undefined, t0)).toBe(false);
    expect(isUsable({ token: 'x', kind: 'oauth' }, t0)).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles from backoffMs with equal jitter and respects the cap', () => {
    const o = { backoffMs: 200, maxBackoffMs: 1000 };
    expect(backoffDelay(1, o, () => 0)).toBe(100);
    expect(backoffDelay(1, o, () => 1)).toBe(200);
    expect(backoffDelay(2, o, () => 1)).toBe(400);
    expect(backoffDelay(5, o, () => 1)).toBe(1000);
    expect(backoffDelay(50, o, () => 0)).toBe(500);
  });
});

describe('resolveRefreshOptions', () => {
  it('fills the documented defaults', () => {
    const r = resolveRefreshOptions(undefined);
    expect(r).toMatchObject(DEFAULT_REFRESH_OPTIONS);
    expect(r.now).toBe(Date.now);
    expect(DEFAULT_REFRESH_OPTIONS).toMatchObject({ maxAgeMs: HOUR, earlyMs: 300_000, retries: 3, timeoutMs: 10_000 });
  });

  it('rejects bad values naming the field', () => {
    expect(() => resolveRefreshOptions({ earlyMs: Number.NaN }, 'refresh')).toThrow(ConfigurationError);
    expect(() => resolveRefreshOptions({ now: 5 as never })).toThrow(/refresh\.now/);
    expect(() => resolveRefreshOptions('x' as never)).toThrow(/refresh must be an object/);
  });
});

describe('inForcedRefreshCooldown', () => {
  const token = { token: 'x', kind: 'iam' as const, issuedAt: t0, expiresAt: t0 + HOUR };
  const policy = { forcedRefreshCooldownMs: DEFAULT_REFRESH_OPTIONS.forcedRefreshCooldownMs };

  it('defaults to 30 s, only for the token the forced refresh produced, and never past expiry', () => {
    expect(DEFAULT_REFRESH_OPTIONS.forcedRefreshCooldownMs).toBe(30_000);
    expect(inForcedRefreshCooldown(token, undefined, t0, policy)).toBe(false);
    expect(inForcedRefreshCooldown(token, { token: 'x', at: t0 }, t0 + 29_999, policy)).toBe(true);
    expect(inForcedRefreshCooldown(token, { token: 'x', at: t0 }, t0 + 30_000, policy)).toBe(false);
    expect(inForcedRefreshCooldown(token, { token: 'y', at: t0 }, t0, policy)).toBe(false);
    expect(inForcedRefreshCooldown({ ...token, expiresAt: t0 + 1000 }, { token: 'x', at: t0 }, t0 + 1000, policy)).toBe(false);
    expect(inForcedRefreshCooldown(token, { token: 'x', at: t0 }, t0, { forcedRefreshCooldownMs: 0 })).toBe(false);
  });
});
