/**
 * The sample's Tracker wiring, built once per server process from environment variables
 * (see README.md). Built lazily: `next build` loads route modules without the runtime
 * environment, and options are validated when this runs (at startup, see instrumentation.ts).
 */
import 'server-only';
import { createTrackerAuth, credentialsFromEnv } from '@tracker-auth/core';
import { createOAuthRouteHandlers, createSessionRefresher, createTrackerRouteHandler, createTrackerServerHelpers } from '@tracker-auth/next';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`next-sample: set ${name} (see apps/next-sample/README.md)`);
  return value;
}

/**
 * `SESSION_REFRESH_AFTER_SECONDS`: refresh the user's token once it is this old. Unset: core's
 * default (about 3 months, as Yandex suggests for its year-long tokens); the e2e sets a few
 * seconds to watch a rotation reach the browser.
 */
function refreshAfter(): { maxAgeMs: number } | undefined {
  const raw = process.env.SESSION_REFRESH_AFTER_SECONDS;
  if (!raw) return undefined;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error('next-sample: SESSION_REFRESH_AFTER_SECONDS must be a whole number of seconds > 0');
  return { maxAgeMs: Number(raw) * 1000 };
}

function build() {
  const appUrl = required('APP_URL').replace(/\/+$/, '');
  const trackerUrl = process.env.TRACKER_API_URL || undefined;
  const org = process.env.TRACKER_CLOUD_ORG_ID ? { cloudOrgId: process.env.TRACKER_CLOUD_ORG_ID } : { orgId: required('TRACKER_ORG_ID') };

  // Sign-in routes: /api/auth/sign-in, /api/auth/callback, /api/auth/sign-out.
  const auth = createOAuthRouteHandlers({
    clientId: required('YANDEX_CLIENT_ID'),
    clientSecret: required('YANDEX_CLIENT_SECRET'),
    redirectUri: `${appUrl}/api/auth/callback`,
    org,
    sessionSecret: required('SESSION_SECRET'),
    oauthUrl: process.env.YANDEX_OAUTH_URL || undefined,
    afterSignOutPath: '/signed-out',
    // A failed sign-in (consent declined, an expired attempt…) shows app/sign-in-error with a
    // fixed code instead of a JSON error body.
    errorPath: '/sign-in-error',
    refresh: refreshAfter(),
  });

  // For proxy.ts: refresh a due session before a page renders, so the rotated cookie reaches the
  // browser (server components cannot set cookies) and the page itself only reads.
  const refreshSession = createSessionRefresher({ user: auth });

  // The app's own credential, when one is configured (TRACKER_OAUTH_TOKEN, a service-account key…).
  const hasServiceCredential = ['TRACKER_OAUTH_TOKEN', 'TRACKER_IAM_TOKEN', 'TRACKER_IAM_FROM_OAUTH_TOKEN', 'TRACKER_SERVICE_ACCOUNT_KEY', 'TRACKER_USE_METADATA'].some(
    (name) => process.env[name],
  );
  const service = hasServiceCredential ? createTrackerAuth(credentialsFromEnv(process.env)) : undefined;

  // The browser's way to Tracker: the signed-in user's token, a few read-only paths. One
  // allow-list per method, so POST reaches only the issue search (a read), never
  // `POST /v3/queues/` (which would create a queue).
  const reads = createTrackerRouteHandler({ user: auth, trackerUrl, methods: ['GET', 'HEAD'], allowPaths: ['/v3/myself', '/v3/queues'] });
  const search = createTrackerRouteHandler({ user: auth, trackerUrl, methods: ['POST'], allowPaths: ['/v3/issues/_search'] });
  const proxy = { ...reads, POST: search.POST };

  const helpers = createTrackerServerHelpers({ user: auth, service, client: { trackerUrl } });
  return { auth, proxy, refreshSession, hasService: service !== undefined, ...helpers };
}

let built: ReturnType<typeof build> | undefined;

/** The sample's handlers and helpers (built on first use). */
export function tracker(): ReturnType<typeof build> {
  return (built ??= build());
}
