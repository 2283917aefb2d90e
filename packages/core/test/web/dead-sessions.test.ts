import { describe, expect, it } from 'vitest';
import { createDeadSessions, sessionFingerprint } from '../../src/web/dead-sessions.js';

const HOUR = 60 * 60 * 1000;

describe('dead sessions', () => {
  it('fingerprints the refresh token (SHA-256, base64url), never carrying it', async () => {
    const fp = await sessionFingerprint({ a: 'y0_access', r: '1:refresh-token-value' });
    expect(fp).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fp).not.toContain('refresh');
    expect(await sessionFingerprint({ a: 'other-access', r: '1:refresh-token-value' })).toBe(fp);
    // Without a refresh token, the access token names the session.
    expect(await sessionFingerprint({ a: 'y0_access' })).not.toBe(fp);
  });

  it('forgets a dead session after 24 h, or at the session end when that comes first', () => {
    let now = 0;
    const dead = createDeadSessions(() => now);
    dead.add('a', Number.POSITIVE_INFINITY);
    dead.add('b', 2 * HOUR);
    now = 2 * HOUR - 1;
    expect([dead.has('a'), dead.has('b')]).toEqual([true, true]);
    now = 2 * HOUR;
    expect([dead.has('a'), dead.has('b')]).toEqual([true, false]);
    now = 24 * HOUR;
    expect(dead.has('a')).toBe(false);
    expect(dead.size).toBe(0);
  });

  it('keeps at most 10 000 fingerprints, dropping the oldest', () => {
    const dead = createDeadSessions(() => 0);
    for (let i = 0; i < 10_005; i++) dead.add(`fp${i}`, Number.POSITIVE_INFINITY);
    expect(dead.size).toBe(10_000);
    expect(dead.has('fp4')).toBe(false);
    expect(dead.has('fp5')).toBe(true);
    expect(dead.has('fp10004')).toBe(true);
  });
});
