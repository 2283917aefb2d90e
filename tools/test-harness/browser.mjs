// A minimal browser for tests: a per-host cookie jar (Max-Age=0, a 1970 Expires or an empty value
// deletes), redirects followed by hand so every hop can be checked.

/**
 * Split a Set-Cookie header into name, value and the attribute text after the first ';'.
 * @param {string} header
 */
function parseSetCookie(header) {
  const [pair = '', ...attrs] = header.split(';');
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const attributes = attrs.join(';');
  const expired = /max-age=0\b/i.test(attributes) || /expires=thu, 01 jan 1970/i.test(attributes) || value === '';
  return { name, value, attributes, expired };
}

/**
 * The browser, generic in what its jar keeps per cookie (see {@link Browser}, {@link ValueBrowser}).
 * @template C
 */
export class CookieBrowser {
  /**
   * @param {(value: string, attributes: string) => C} keep what to store for a cookie
   * @param {(cookie: C) => string} valueOf its value, for the Cookie header
   */
  constructor(keep, valueOf) {
    /** @type {Map<string, Map<string, C>>} */
    this.jar = new Map();
    /** Every Set-Cookie header seen, in order. @type {string[]} */
    this.setCookies = [];
    this.keep = keep;
    this.valueOf = valueOf;
  }

  /**
   * The (mutable) cookies of `url`'s host.
   * @param {string} url
   * @returns {Map<string, C>}
   */
  cookies(url) {
    const host = new URL(url).host;
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  /**
   * fetch with the jar's cookies (unless `init` sets a cookie header) and no redirect following.
   * @param {string} url
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async fetch(url, init = {}) {
    const cookies = this.cookies(url);
    const headers = new Headers(init.headers);
    if (cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...cookies].map(([name, c]) => `${name}=${this.valueOf(c)}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      this.setCookies.push(header);
      const { name, value, attributes, expired } = parseSetCookie(header);
      if (expired) cookies.delete(name);
      else cookies.set(name, this.keep(value, attributes));
    }
    return response;
  }

  /**
   * Fetch `url` (with `init`) and follow redirects (up to 10) with GETs, returning every hop's URL and status and the final response.
   * @param {string} url
   * @param {RequestInit} [init]
   * @returns {Promise<{ hops: Array<{ url: string, status: number }>, response: Response }>}
   */
  async follow(url, init = {}) {
    /** @type {Array<{ url: string, status: number }>} */
    const hops = [];
    let current = url;
    let response = await this.fetch(current, init);
    hops.push({ url: current, status: response.status });
    for (let i = 0; i < 10 && response.status >= 300 && response.status < 400; i++) {
      const location = response.headers.get('location');
      if (!location) break;
      await response.body?.cancel();
      current = new URL(location, current).href;
      response = await this.fetch(current);
      hops.push({ url: current, status: response.status });
    }
    return { hops, response };
  }
}

/** @typedef {{ value: string, attributes: string }} StoredCookie */

/**
 * A browser whose jar keeps each cookie's value and attribute text.
 * @extends {CookieBrowser<StoredCookie>}
 */
export class Browser extends CookieBrowser {
  constructor() {
    super((value, attributes) => ({ value, attributes }), (cookie) => cookie.value);
  }
}

/**
 * A browser whose jar keeps each cookie's value only.
 * @extends {CookieBrowser<string>}
 */
export class ValueBrowser extends CookieBrowser {
  constructor() {
    super((value) => value, (value) => value);
  }
}

/**
 * name=value of every Set-Cookie of a response (values as sent, attributes dropped).
 * @param {Response} response
 * @returns {Map<string, string>}
 */
export function cookiesOf(response) {
  const out = new Map();
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}
