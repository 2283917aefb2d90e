/**
 * The browser's origin from the headers (as Next reads it for server actions), and requests
 * moved onto it: a server that puts its listening address in `request.url` (Next under
 * `next start`) must still be judged on the origin the browser used, and a hostile Host must
 * never become a URL nor throw.
 */
import { describe, expect, it } from 'vitest';
import { headerOrigin, hostOrigin, publicRequest } from '../../src/web/public-origin.js';

describe('headerOrigin', () => {
  it.each([
    [{ host: 'app.example.com' }, 'http', 'http://app.example.com'],
    [{ host: 'app.example.com:8443' }, 'https', 'https://app.example.com:8443'],
    [{ host: 'localhost:3000', 'x-forwarded-host': 'app.example.com', 'x-forwarded-proto': 'https' }, 'http', 'https://app.example.com'],
    // The first of a list is the browser's (proxies append).
    [{ 'x-forwarded-host': 'app.example.com, inner.local', 'x-forwarded-proto': 'https, http' }, 'http', 'https://app.example.com'],
    // An unknown protocol falls back to the default; the default port is dropped.
    [{ host: 'app.example.com:443', 'x-forwarded-proto': 'gopher' }, 'https', 'https://app.example.com'],
    [{ host: '[::1]:3000' }, 'http', 'http://[::1]:3000'],
    [{}, 'http', undefined],
  ] as const)('%j (default %s) → %s', (headers, protocol, origin) => {
    expect(headerOrigin(new Headers(headers), protocol)).toBe(origin);
  });

  it.each(['evil.example:99999', '[::1', 'user@evil.example', 'a b', 'app.example.com/path', 'app.example.com?x', ''])('a Host of %j names no origin (no throw)', (host) => {
    expect(headerOrigin(new Headers({ host }), 'http')).toBeUndefined();
    expect(headerOrigin(new Headers({ host: 'app.example.com', 'x-forwarded-host': host }), 'http')).toBe(host === '' ? 'http://app.example.com' : undefined);
    expect(hostOrigin('https', host)).toBeUndefined();
  });
});

describe('publicRequest', () => {
  const LISTEN = 'http://localhost:3000';

  it('returns the request itself when URL and Host already are the public ones', () => {
    const request = new Request(`${LISTEN}/a`, { headers: { host: 'localhost:3000' } });
    expect(publicRequest(request, undefined)).toBe(request);
    // No usable host in the headers: left as it is too.
    const hostile = new Request(`${LISTEN}/a`, { headers: { host: 'evil.example:99999' } });
    expect(publicRequest(hostile, undefined)).toBe(hostile);
  });

  it("moves the URL onto the browser's origin and keeps path, query, method, headers and signal", () => {
    const controller = new AbortController();
    const request = new Request(`${LISTEN}/api/x?y=1`, { method: 'DELETE', headers: { host: 'app.example.com', cookie: 'a=1' }, signal: controller.signal });
    const moved = publicRequest(request, undefined);
    expect(moved.url).toBe('http://app.example.com/api/x?y=1');
    expect(moved.method).toBe('DELETE');
    expect(moved.headers.get('cookie')).toBe('a=1');
    expect(moved.headers.get('host')).toBe('app.example.com');
    controller.abort();
    expect(moved.signal.aborted).toBe(true);
  });

  it('with X-Forwarded-Host, Host becomes the forwarded host; baseUrl sets the URL', () => {
    const request = new Request(`${LISTEN}/p`, { headers: { host: 'inner:3000', 'x-forwarded-host': 'public.example.com', 'x-forwarded-proto': 'https' } });
    const forwarded = publicRequest(request, undefined);
    expect(forwarded.url).toBe('https://public.example.com/p');
    expect(forwarded.headers.get('host')).toBe('public.example.com');
    expect(request.headers.get('host')).toBe('inner:3000');
    const configured = publicRequest(request, 'https://app.example.com');
    expect(configured.url).toBe('https://app.example.com/p');
    expect(configured.headers.get('host')).toBe('public.example.com');
  });

  it('carries the body on, unless withBody is false', async () => {
    const request = () => new Request(`${LISTEN}/p`, { method: 'POST', headers: { host: 'app.example.com' }, body: '{"a":1}' });
    expect(await publicRequest(request(), undefined).text()).toBe('{"a":1}');
    const bodiless = publicRequest(request(), undefined, false);
    expect(bodiless.body).toBeNull();
    expect(bodiless.method).toBe('POST');
  });
});
