import { describe, expect, it } from 'vitest';
import { ConfigurationError, isTokenExchangeError } from '../errors.js';
import { iamToken, oauthToken } from './static-tokens.js';
import { parseIamExpiresAt } from './iam-exchange.js';

describe('static token sources', () => {
  it('oauthToken serves its token, forever, with a non-secret id', async () => {
    const source = oauthToken('y0_abcdef');
    expect(source.kind).toBe('oauth');
    expect(source.id).toMatch(/^oauth:static:[0-9a-f]{16}$/);
    expect(source.id).not.toContain('abcdef');
    const a = await source.getToken();
    expect(a).toMatchObject({ token: 'y0_abcdef', kind: 'oauth' });
    expect(await source.getToken({ forceRefresh: true })).toBe(a);
    // Cannot be refreshed: invalidate() says the same token comes again (clients skip the replay).
    expect(await source.invalidate('y0_abcdef')).toBe(false);
    expect(await iamToken('t1.abc').invalidate()).toBe(false);
    expect((await source.getToken()).token).toBe('y0_abcdef');
    expect(oauthToken('y0_other').id).not.toBe(source.id);
  });

  it('iamToken with expiresAt fails clearly once it has passed', async () => {
    let now = Date.parse('2026-11-29T12:00:00Z');
    const source = iamToken('t1.abc', { expiresAt: '2026-11-29T13:00:00.123456789Z', now: () => now });
    expect((await source.getToken()).expiresAt).toBe(Date.parse('2026-11-29T13:00:00.123Z'));
    now += 2 * 3_600_000;
    const error = await source.getToken().catch((e: unknown) => e);
    expect(isTokenExchangeError(error)).toBe(true);
    expect((error as Error).message).toContain('expired');
    expect((error as Error).message).not.toContain('t1.abc');
  });

  it('rejects bad tokens and options at construction, without echoing them', () => {
    for (const bad of ['', ' ', 'OAuth y0_x', 'y0_a\r\nX-Evil: 1', 42]) {
      expect(() => oauthToken(bad as never)).toThrow(ConfigurationError);
    }
    let error: unknown;
    try {
      oauthToken('Bearer y0_secretvalue');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).not.toContain('secretvalue');
    expect(() => iamToken('t1.x', { expiresAt: 'soon' })).toThrow(expect.objectContaining({ field: 'expiresAt' }));
    expect(() => iamToken('t1.x', { expiresAt: Number.NaN })).toThrow(expect.objectContaining({ field: 'expiresAt' }));
  });
});

describe('parseIamExpiresAt', () => {
  it('reads RFC 3339 with 0–9 fractional digits and offsets', () => {
    expect(parseIamExpiresAt('2026-11-29T13:00:00Z')).toBe(Date.parse('2026-11-29T13:00:00Z'));
    expect(parseIamExpiresAt('2026-11-29T13:00:00.035215444Z')).toBe(Date.parse('2026-11-29T13:00:00.035Z'));
    expect(parseIamExpiresAt('2026-11-29T13:00:00.5Z')).toBe(Date.parse('2026-11-29T13:00:00.500Z'));
    expect(parseIamExpiresAt('2026-11-29T16:00:00+03:00')).toBe(Date.parse('2026-11-29T13:00:00Z'));
    expect(parseIamExpiresAt('tomorrow')).toBeUndefined();
    expect(parseIamExpiresAt(123)).toBeUndefined();
  });
});
