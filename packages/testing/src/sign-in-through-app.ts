/**
 * `signInThroughApp()`: a test user signs in through an app's own "Sign in with Yandex" route,
 * the way a browser does it (login → the fake's `/authorize` → the app's callback → the app's
 * page), with a small per-host cookie jar, and the test gets the app's cookies back. It speaks
 * plain HTTP to any app (Express, NestJS, Next.js, another language), so it needs nothing of
 * the app's libraries.
 */

/** Options of {@link signInThroughApp}. */
export interface SignInThroughAppOptions {
  /**
   * The fake Yandex the app is configured with (a `FakeYandex`, or anything with its `url`, e.g.
   * a fake started by the CLI in another process). Redirects are followed only between the app
   * and this fake: a hop to any other host (real Yandex, say) stops the sign-in with an error.
   */
  fake: { readonly url: string } | string;
  /** Path (on `appUrl`) of the route that starts sign-in. Default `/auth/sign-in`. */
  signInPath?: string | undefined;
  /**
   * Cookies the app's host already holds (name → value), sent from the first request on, e.g. a
   * consent or locale cookie the app expects. Default none.
   */
  cookies?: Readonly<Record<string, string>> | undefined;
  /** How many redirects to follow at most. Default 10. */
  maxRedirects?: number | undefined;
  /** `fetch` to use (redirects are always handled here, one hop at a time). Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
}

/** One request the sign-in made. Only origin and path: no code, state or token from a query. */
export interface SignInHop {
  url: string;
  status: number;
}

/** What {@link signInThroughApp} returns once the app has set its session. */
export interface AppSignIn {
  /**
   * The `Cookie` header value for later requests to the app: every cookie its host holds after
   * sign-in (e.g. `tracker_session=…`).
   */
  cookie: string;
  /** The same cookies, name → value. */
  cookies: Record<string, string>;
  /** Where the redirects ended (origin and path of the app's page after sign-in). */
  url: string;
  /** Status of that last answer. */
  status: number;
  /** Every request made, in order (origin and path only). */
  hops: SignInHop[];
}

/** A cookie jar per `host:port`: enough for apps on loopback over http. */
class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  of(url: URL): Map<string, string> {
    let cookies = this.hosts.get(url.host);
    if (!cookies) this.hosts.set(url.host, (cookies = new Map()));
    return cookies;
  }

  header(url: URL): string | undefined {
    const cookies = this.of(url);
    return cookies.size === 0 ? undefined : [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Store the response's cookies; returns the names it set (not the ones it deleted). */
  store(url: URL, response: Response): string[] {
    const cookies = this.of(url);
    const set: string[] = [];
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attrs = attributes.join(';');
      const expired = value === '' || /max-age\s*=\s*(0|-\d+)\b/i.test(attrs) || /expires\s*=\s*thu, 01 jan 1970/i.test(attrs);
      if (expired) cookies.delete(name);
      else {
        cookies.set(name, value);
        set.push(name);
      }
    }
    return set;
  }
}

const where = (url: URL): string => `${url.origin}${url.pathname}`;

function fail(message: string, hops: SignInHop[]): never {
  const trail = hops.map((hop) => `  ${hop.status} ${hop.url}`).join('\n');
  throw new Error(`signInThroughApp: ${message}${trail ? `\nrequests:\n${trail}` : ''}`);
}

/**
 * Sign a test user in through the app at `appUrl`: GET its login route, follow the redirects to
 * the fake's `/authorize` (which approves at once by default and acts as
 * `fake.oauth.setSignedInUser()`'s user, or the demo user) and back to the app's callback, keep
 * the cookies the app sets, and stop at the first page that is not a redirect. Resolves with the
 * `Cookie` header value to send to the app as that user.
 *
 * Rejects with an `Error` naming the step (origin and path of every request, never a code or
 * token) when the app does not redirect to the fake, the fake refuses (a consent page because
 * `autoApprove` is off, an unknown `redirect_uri`), the user is sent back with `error=…`, the
 * callback sets no cookie, or a redirect leaves the app and the fake.
 *
 * @example
 * const fake = await startFakeYandex({ demoRedirectUris: [`${appUrl}/auth/callback`] });
 * // …start the app with fake.url as its Yandex OAuth and Tracker URL…
 * const { cookie } = await signInThroughApp(appUrl, { fake });
 * const me = await fetch(`${appUrl}/user/me`, { headers: { cookie } });
 */
export async function signInThroughApp(appUrl: string | URL, options: SignInThroughAppOptions): Promise<AppSignIn> {
  if (options === null || typeof options !== 'object') throw new TypeError('signInThroughApp(appUrl, options): options must be an object with `fake`.');
  const fakeUrl = typeof options.fake === 'string' ? options.fake : options.fake?.url;
  if (typeof fakeUrl !== 'string' || !URL.canParse(fakeUrl)) {
    throw new TypeError('signInThroughApp: options.fake must be the fake Yandex (startFakeYandex()) or its URL.');
  }
  if (!URL.canParse(appUrl)) throw new TypeError('signInThroughApp: appUrl must be an absolute URL such as http://127.0.0.1:3000.');
  const signInPath = options.signInPath ?? '/auth/sign-in';
  if (typeof signInPath !== 'string' || !signInPath.startsWith('/') || signInPath.startsWith('//')) {
    throw new TypeError('signInThroughApp: signInPath must be a path such as "/auth/sign-in".');
  }
  const maxRedirects = options.maxRedirects ?? 10;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 1) throw new TypeError('signInThroughApp: maxRedirects must be a positive integer.');
  const doFetch = options.fetch ?? globalThis.fetch;

  const fake = new URL(fakeUrl);
  const start = new URL(signInPath, appUrl);
  // The app may redirect to its canonical host first (localhost → 127.0.0.1): that host is the
  // app too, so the app is "every host that is not the fake".
  const jar = new CookieJar();
  for (const [name, value] of Object.entries(options.cookies ?? {})) jar.of(start).set(name, value);

  const hops: SignInHop[] = [];
  let url = start;
  let sawFake = false;
  let previousWasFake = false;
  let callbackSetCookie = false;
  for (let redirects = 0; ; redirects++) {
    const isFake = url.host === fake.host;
    const headers = new Headers();
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await doFetch(url, { headers, redirect: 'manual' });
    hops.push({ url: where(url), status: response.status });
    const set = jar.store(url, response);
    // The first answer after the fake's redirect is the app's callback.
    if (previousWasFake && !isFake) {
      if (url.searchParams.has('error')) {
        await response.body?.cancel();
        fail(`the fake sent the user back with error=${url.searchParams.get('error')} (consent denied, or a hook of the fake refused).`, hops);
      }
      if (set.length > 0) callbackSetCookie = true;
    }
    sawFake ||= isFake;
    previousWasFake = isFake;

    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    await response.body?.cancel();
    if (location === null) {
      if (isFake) {
        fail(
          response.status === 200
            ? 'the fake answered /authorize with its consent page (autoApprove is off): turn it on with fake.oauth.setAutoApprove(true), or decide with fake.oauth.setAuthorizeHook().'
            : `the fake refused /authorize with HTTP ${response.status} (is the app's redirect URI registered for its client id at the fake?).`,
          hops,
        );
      }
      if (!sawFake) fail(`${where(url)} answered ${response.status} instead of redirecting to the fake at ${fake.origin}; is signInPath right, and is the app's OAuth URL the fake?`, hops);
      if (!callbackSetCookie) fail("the app's callback set no cookie: sign-in failed in the app (see its error page or logs).", hops);
      return { cookie: jar.header(url) ?? '', cookies: Object.fromEntries(jar.of(url)), url: where(url), status: response.status, hops };
    }
    if (redirects >= maxRedirects) fail(`more than ${maxRedirects} redirects.`, hops);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') fail(`a redirect to a ${next.protocol} URL.`, hops);
    if (next.host !== fake.host && next.host !== url.host && !sameApp(next, start, url)) {
      fail(`a redirect to ${where(next)}, which is neither the app (${start.origin}) nor the fake (${fake.origin}); a test must not reach real Yandex.`, hops);
    }
    url = next;
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `localhost` and `127.0.0.1` on the same port: the same app under two names. */
function isLoopbackPair(a: URL, b: URL): boolean {
  return a.port === b.port && LOOPBACK_NAMES.has(a.hostname) && LOOPBACK_NAMES.has(b.hostname);
}

function sameApp(next: URL, start: URL, current: URL): boolean {
  return next.host === start.host || isLoopbackPair(next, start) || isLoopbackPair(next, current);
}
