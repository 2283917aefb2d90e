// The Next 15 leg's wiring: the same public API the sample uses, built on first use (the
// runtime environment does not exist during `next build`).
import 'server-only';
import { createTrackerAuth, oauthToken } from '@tracker-auth/core';
import { createOAuthRouteHandlers, createSessionRefresher, createTrackerRouteHandler, createTrackerServerHelpers } from '@tracker-auth/next';

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
    // The public URL, when the test sets one (as a production app would). Not BASE_URL: vitest
    // sets that to "/" in the environment the server inherits.
    baseUrl: env.PUBLIC_APP_URL || undefined,
    // The test makes sessions due within seconds; unset, core's default (about 3 months) applies.
    refresh: env.SESSION_REFRESH_AFTER_SECONDS ? { maxAgeMs: Number(env.SESSION_REFRESH_AFTER_SECONDS) * 1000 } : undefined,
  });
  const service = createTrackerAuth({ credentials: oauthToken(env.TRACKER_OAUTH_TOKEN), org });
  const proxy = createTrackerRouteHandler({ user: auth, trackerUrl: env.TRACKER_API_URL });
  const helpers = createTrackerServerHelpers({ user: auth, service, client: { trackerUrl: env.TRACKER_API_URL } });
  const refreshSession = createSessionRefresher({ user: auth });
  built = { auth, proxy, refreshSession, ...helpers };
  return built;
}
