/** A minimal browser for tests: per-host cookie jar and hand-followed redirects. */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  readonly setCookies: string[] = [];

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookies = this.cookies(url);
    const headers = new Headers(init.headers);
    if (cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', [...cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      this.setCookies.push(header);
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b/i.test(header)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  }

  /** Follow redirects by hand; returns every hop and the final response. */
  async follow(url: string): Promise<{ hops: Array<{ url: string; status: number }>; response: Response }> {
    const hops: Array<{ url: string; status: number }> = [];
    let current = url;
    let response = await this.fetch(current);
    hops.push({ url: current, status: response.status });
    while (response.status >= 300 && response.status < 400 && hops.length < 10) {
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
