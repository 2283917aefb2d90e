// The Next 15 leg's wiring: the same public API the sample uses, built on first use (the
// runtime environment does not exist during `next build`).
import 'server-only';
import { createTrackerAuth, oauthToken } from '@tracker-auth/core';
import { createOAuthRouteHandlers, createTrackerRouteHandler, createTrackerServerHelpers } from '@tracker-auth/next';

let built;

export function tracker() {
  if (built) return built;
  const env = process.env;
  const org = { orgId: env.TRACKER_ORG_ID };
  const auth = createOAuthRouteHandlers({
    clientId: env.YANDEX_CLIENT_ID,
    clientSecret: env.YANDEX_CLIENT_SECRET,
    redirectUri: `${env.APP_URL}/api/auth/callback`,
    org,
    sessionSecret: env.SESSION_SECRET,
    oauthUrl: env.YANDEX_OAUTH_URL,
  });
  const service = createTrackerAuth({ credentials: oauthToken(env.TRACKER_OAUTH_TOKEN), org });
  const proxy = createTrackerRouteHandler({ user: auth, trackerUrl: env.TRACKER_API_URL });
  const helpers = createTrackerServerHelpers({ user: auth, service, client: { trackerUrl: env.TRACKER_API_URL } });
  built = { auth, proxy, ...helpers };
  return built;
}
