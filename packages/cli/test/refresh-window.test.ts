import { describe, expect, it } from 'vitest';
import { refreshWindowMs } from '../src/session.js';

const DAY = 24 * 60 * 60 * 1000;
const tokens = (expiresAt?: number) => ({ accessToken: 'a', tokenType: 'bearer', expiresAt });

describe('refreshWindowMs: when a stored token counts as due', () => {
  it('a year-long token saved now is due 90 days later, not in its last five minutes', () => {
    const savedAt = Date.UTC(2026, 0, 1);
    const window = refreshWindowMs({ tokens: tokens(savedAt + 365 * DAY), savedAt });
    expect(savedAt + 365 * DAY - window).toBe(savedAt + 90 * DAY);
  });

  it('a short-lived token, or one without an expiry: the five-minute window', () => {
    const savedAt = Date.now();
    expect(refreshWindowMs({ tokens: tokens(savedAt + 120_000), savedAt })).toBe(5 * 60_000);
    expect(refreshWindowMs({ tokens: tokens(undefined), savedAt })).toBe(5 * 60_000);
  });
});
