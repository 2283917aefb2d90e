import { describe, expect, it } from 'vitest';
import { parseCookies, readCookie, serializeCookie } from '../../src/web/cookies.js';
import { toErrorResponse } from '../../src/web/error-response.js';
import { safeReturnTo } from '../../src/web/return-to.js';
import { ConfigurationError, SessionError } from '../../src/errors.js';

describe('cookies', () => {
  it('serializes with safe defaults', () => {
    expect(serializeCookie('a', 'v1.x')).toBe('a=v1.x; Path=/; HttpOnly; SameSite=Lax');
    expect(serializeCookie('a', 'b', { maxAge: 60, secure: true, path: '/app', domain: 'example.com' })).toBe(
      'a=b; Path=/app; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=Lax',
    );
    expect(serializeCookie('a', '', { maxAge: 0 })).toBe('a=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
  });

  it.each([
    ['a b', 'v'],
    ['a;b', 'v'],
    ['a', 'v;Domain=evil'],
    ['a', 'v\r\nSet-Cookie: x=y'],
    ['a', 'v w'],
  ])('refuses to serialize name %j value %j', (name, value) => {
    const error = (() => {
      try {
        serializeCookie(name, value);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', field: name === 'a' ? 'value' : 'name' });
    // The value (a sealed session in real use) is never echoed.
    if (value.length > 1) expect((error as Error).message).not.toContain(value);
  });

  it('reads cookies: first occurrence wins, quotes dropped, look-alike names ignored', () => {
    const header = 'xtracker_session=no; tracker_session="v1.a"; tracker_session=second; other=1';
    expect(readCookie(header, 'tracker_session')).toBe('v1.a');
    expect(readCookie(header, 'missing')).toBeUndefined();
    expect(readCookie(null, 'a')).toBeUndefined();
    expect(readCookie('novalue; a=1', 'a')).toBe('1');
    expect([...parseCookies(header)]).toEqual([
      ['xtracker_session', 'no'],
      ['tracker_session', 'v1.a'],
      ['other', '1'],
    ]);
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/issues?q=a%20b#x', '/issues?q=a%20b#x'],
    ['/a/../b', '/b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('accepts %j as %j', (input, output) => {
    expect(safeReturnTo(input)).toBe(output);
  });

  it.each([
    '',
    'issues',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    ' /x',
    '/x\r\nLocation: https://evil.example',
    '/\t/evil.example',
    '/./\\evil.example',
    '/' + 'a'.repeat(3000),
  ])('refuses %j', (input) => {
    expect(safeReturnTo(input)).toBeUndefined();
  });
});

describe('toErrorResponse', () => {
  it('keeps code and message of tracker-auth errors and hides everything else', async () => {
    const session = toErrorResponse(new SessionError('SESSION_INVALID', 'sealed session is invalid; sign in again.'));
    expect(session.status).toBe(401);
    expect(await session.json()).toEqual({ error: { code: 'SESSION_INVALID', message: 'sealed session is invalid; sign in again.' } });
    const config = toErrorResponse(new ConfigurationError('INVALID_OPTION', 'x', 'x is wrong.'));
    expect(config.status).toBe(500);
    const other = toErrorResponse(Object.assign(new Error('secret y0_abc'), { stack: 'at secret' }));
    expect(other.status).toBe(500);
    expect(await other.text()).toBe('{"error":{"code":"INTERNAL_ERROR","message":"Internal error"}}');
    expect(other.headers.get('cache-control')).toBe('no-store');
  });
});
