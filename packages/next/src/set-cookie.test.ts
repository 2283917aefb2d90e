import { describe, expect, it } from 'vitest';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { serializeCookie } from '@tracker-auth/core';
import { applySetCookies, parseSetCookie } from './set-cookie.js';

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
