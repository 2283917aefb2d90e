/**
 * The ready-made `authorize` gate of the Tracker proxy in user mode (the signed-in user's
 * token, from {@link createOAuthFlow}). It lives here, not in the adapters, so Express, NestJS
 * and Next.js apply the same rule when the app gives no `authorize` of its own.
 */
import { optionFailer } from '../validate.js';
import type { OAuthFlow } from './oauth-flow.js';

/** The problem of an option that should hold what `createOAuthFlow()` returned. */
export const NOT_A_FLOW = 'must be what createOAuthFlow() returned';

/** A proxy `authorize` function: `true` lets the request through, anything else answers 403. */
export type TrackerProxyGate = (request: Request) => Promise<boolean>;

/**
 * A proxy gate that lets a request through only when
 * - it carries a valid session of `flow` (a sealed cookie that opens and has not expired), and
 * - another site did not make it ({@link isCrossSiteRequest}): `Sec-Fetch-Site` is not
 *   `cross-site` or `same-site`, and an `Origin`, when present, is the app's own (the request
 *   URL's origin: set the adapter's `baseUrl` or `trustProxy` behind a reverse proxy). A
 *   same-site sibling (`evil.example.com` next to `app.example.com`) is refused too, because the
 *   SameSite=Lax session cookie accompanies its requests. A request with neither header
 *   (server-side callers) is not held against.
 *
 * Page loads of proxy URLs (address bar, links, frames) are refused by the proxy itself
 * (`NAVIGATION_REFUSED`), whatever the gate.
 *
 * This is the default `authorize` of the proxy's user mode (`createTrackerProxy({ user: flow })`,
 * `createNodeTrackerProxy({ user: flow })`, and so every adapter's `user` option). The session
 * check does not refresh anything; a session whose tokens can no longer be refreshed passes the
 * gate and is answered 401 by `auth`.
 *
 * @throws {ConfigurationError} at once, when `flow` is not what `createOAuthFlow()` returned.
 * @example
 * const proxy = createTrackerProxy({
 *   auth: (request) => flow.userAuth(request),
 *   authorize: sameOriginSignedIn(flow),
 *   basePath: '/api/tracker',
 * });
 */
export function sameOriginSignedIn(flow: Pick<OAuthFlow, 'getSession'>): TrackerProxyGate {
  if (typeof flow?.getSession !== 'function') optionFailer('sameOriginSignedIn')('flow', NOT_A_FLOW);
  return async (request) => !isCrossSiteRequest(request) && (await flow.getSession(request)) !== null;
}

/** `Sec-Fetch-Site` of a request another site (or a sibling subdomain) made. */
const CROSS_OR_SAME_SITE = /^\s*(?:cross|same)-site\s*$/i;

/** Options of {@link isCrossSiteRequest}. */
export interface CrossSiteOptions {
  /** Origins besides the request URL's own that count as the app (e.g. `https://app.example.com`). */
  allowedOrigins?: Iterable<string> | undefined;
}

/**
 * True when a browser sent `request` on behalf of another site, the CSRF check for any
 * state-changing route of an app: `Sec-Fetch-Site` is `cross-site` or `same-site` (a sibling
 * subdomain), or an `Origin` header is present (`null` included) and is neither the request
 * URL's origin nor one of `allowedOrigins`. `Origin` is checked whatever `Sec-Fetch-Site` says
 * or lacks (older browsers and some clients send only `Origin`). A request with neither header
 * (curl, server-side callers) is not cross-site.
 *
 * @example
 * if (isCrossSiteRequest(request)) return new Response('Cross-site request refused', { status: 403 });
 */
export function isCrossSiteRequest(request: Request, options: CrossSiteOptions = {}): boolean {
  if (CROSS_OR_SAME_SITE.test(request.headers.get('sec-fetch-site') ?? '')) return true;
  const origin = request.headers.get('origin')?.trim();
  return origin !== undefined && origin !== new URL(request.url).origin && ![...(options.allowedOrigins ?? [])].includes(origin);
}
