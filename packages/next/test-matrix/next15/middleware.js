// Next 15's file for "before the render": the Edge runtime by default (no `runtime` export).
// A due session is refreshed here, the new cookie set on the request and the response.
import { tracker } from './lib/tracker';

export function middleware(request) {
  return tracker().refreshSession(request);
}

export const config = {
  matcher: [
    {
      source: '/((?!api/auth/|_next/static/|_next/image/|favicon.ico).*)',
      has: [{ type: 'cookie', key: 'tracker_session' }], // the session cookie's name (cookies.session)
    },
  ],
};
