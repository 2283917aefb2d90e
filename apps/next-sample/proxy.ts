/**
 * Runs before every matched request (Next 16's `proxy.ts`, the Node.js runtime): a session whose
 * token is due is refreshed here, where cookies can still be written. The new cookie goes onto
 * the request (the page renders with it) and onto the response (the browser stores it); a dead
 * session's cookie is cleared. Pages and server components then only read the session.
 */
import { tracker } from './lib/tracker';

export function proxy(request: Request): Promise<Response> {
  return tracker().refreshSession(request);
}

export const config = {
  // Pages, server actions and the Tracker proxy route, of requests that carry a session at all;
  // not the sign-in routes (they set the session cookie themselves) nor static files.
  matcher: [
    {
      source: '/((?!api/auth/|_next/static/|_next/image/|favicon.ico).*)',
      has: [{ type: 'cookie', key: 'tracker_session' }], // the session cookie's name (cookies.session)
    },
  ],
};
