import { describe, expect, it } from 'vitest';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { serializeCookie } from '@tracker-auth/core';
import { applySetCookies, cookieHeaderAfter, parseSetCookie } from './set-cookie.js';

/** Attributes of a Set-Cookie header, normalized for comparison. */
function attributes(header: string): Record<string, string> {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const out: Record<string, string> = { pair: pair! };
  for (const part of rest) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).toLowerCase();
    if (key === 'expires') continue; // Next writes Expires only when given one
    out[key] = eq === -1 ? 'true' : part.slice(eq + 1).toLowerCase();
  }
  return out;
}

describe('applySetCookies', () => {
  it.each([
    ['a session cookie', serializeCookie('tracker_session', 'sealed.value-123_x', { maxAge: 2592000, secure: true })],
    ['a cleared cookie', serializeCookie('tracker_login', '', { maxAge: 0 })],
    ['custom path, domain, SameSite', serializeCookie('s', 'v', { path: '/app', domain: 'example.com', sameSite: 'Strict', maxAge: 60 })],
    ['a browser-session cookie', serializeCookie('s', 'v', {})],
  ])("writes %s through Next's cookie store attribute for attribute", (_name, header) => {
    const headers = new Headers();
    expect(applySetCookies(new ResponseCookies(headers), [header])).toBe(1);
    const [written] = headers.getSetCookie();
    expect(attributes(written!)).toEqual(attributes(header));
  });

  it('takes the Set-Cookie headers of a Response and skips values without a name', () => {
    const response = new Response(null, { headers: [['set-cookie', 'a=1; Path=/; HttpOnly'], ['set-cookie', 'b=2; Path=/']] });
    const headers = new Headers();
    expect(applySetCookies(new ResponseCookies(headers), response)).toBe(2);
    expect(headers.getSetCookie().map((h) => h.split(';')[0])).toEqual(['a=1', 'b=2']);
    expect(parseSetCookie('=nameless; Path=/')).toBeUndefined();
    expect(parseSetCookie('novalue')).toBeUndefined();
    expect(parseSetCookie('x=1')?.options).toEqual({ httpOnly: false });
  });
});

describe('cookieHeaderAfter', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('replaces a rotated cookie in place of the old pair, keeping the others in order', () => {
    const header = 'a=1; tracker_session=old; b=2';
    expect(cookieHeaderAfter(header, [serializeCookie('tracker_session', 'new', { maxAge: 60 })], now)).toBe('a=1; b=2; tracker_session=new');
    expect(cookieHeaderAfter(null, [serializeCookie('s', 'v', {})], now)).toBe('s=v');
    expect(cookieHeaderAfter(header, [], now)).toBe(header);
  });

  it('drops cookies that a Set-Cookie deletes (Max-Age=0, or only a past Expires), and nothing else', () => {
    expect(cookieHeaderAfter('a=1; tracker_session=old', [serializeCookie('tracker_session', '', { maxAge: 0 })], now)).toBe('a=1');
    expect(cookieHeaderAfter('s=1', ['s=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], now)).toBe('');
    expect(cookieHeaderAfter('s=1', ['s=2; Path=/; Expires=Tue, 01 Dec 2026 00:00:00 GMT'], now)).toBe('s=2');
    // Max-Age wins over Expires, as in browsers.
    expect(cookieHeaderAfter('s=1', ['s=2; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], now)).toBe('s=2');
    // A bare name is a cookie of that name; names are compared whole, not by prefix.
    expect(cookieHeaderAfter('flag; s=1; ss=3', [serializeCookie('s', '', { maxAge: 0 })], now)).toBe('flag; ss=3');
    expect(cookieHeaderAfter('flag; s=1', [serializeCookie('flag', '', { maxAge: 0 })], now)).toBe('s=1');
    expect(cookieHeaderAfter('s=1', ['=nameless'], now)).toBe('s=1');
  });
});
