/**
 * The ready-made `authorize` gate of the Tracker proxy in user mode (the signed-in user's
 * token, from {@link createOAuthFlow}). It lives here, not in the adapters, so Express, NestJS
 * and Next.js apply the same rule when the app gives no `authorize` of its own.
 */
import { ConfigurationError } from '../errors.js';
import type { OAuthFlow } from './oauth-flow.js';

/** A proxy `authorize` function: `true` lets the request through, anything else answers 403. */
export type TrackerProxyGate = (request: Request) => Promise<boolean>;

/**
 * A proxy gate that lets a request through only when
 * - it carries a valid session of `flow` (a sealed cookie that opens and has not expired), and
 * - the browser did not send it on behalf of another site: `Sec-Fetch-Site` is not `cross-site`
 *   or `same-site`. A same-site sibling (`evil.example.com` next to `app.example.com`) is refused
 *   too, because the SameSite=Lax session cookie accompanies its requests. A missing header
 *   (server-side callers, browsers before 2023) is not held against the request.
 *
 * This is the default `authorize` of the adapters in user mode (`@tracker-auth/express`'s
 * `trackerProxy({ auth: trackerOAuth(…) })`, `@tracker-auth/next`'s
 * `createTrackerRouteHandler({ user })`). The session check does not refresh anything; a session
 * whose tokens can no longer be refreshed passes the gate and is answered 401 by `auth`.
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
  if (flow === null || typeof flow !== 'object' || typeof flow.getSession !== 'function') {
    throw new ConfigurationError('INVALID_OPTION', 'flow', 'sameOriginSignedIn(flow): pass what createOAuthFlow() returned.');
  }
  return async function sameOriginSignedInGate(request: Request): Promise<boolean> {
    if (isFromAnotherSite(request)) return false;
    return (await flow.getSession(request)) !== null;
  };
}

/** `Sec-Fetch-Site` says the request was made by another site (cross-site or a same-site sibling). */
function isFromAnotherSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  return site === 'cross-site' || site === 'same-site';
}
