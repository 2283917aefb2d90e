/**
 * TrackerAuthModule options from @nestjs/config's ConfigService (environment variables, with
 * the embedded fake's values as defaults that real variables override).
 *
 * Service mode (GET /me, /queues, POST /issues): core's `credentialsFromNodeEnv()` variables:
 * exactly one of TRACKER_OAUTH_TOKEN, TRACKER_IAM_TOKEN, TRACKER_IAM_FROM_OAUTH_TOKEN,
 * TRACKER_SERVICE_ACCOUNT_KEY, TRACKER_SERVICE_ACCOUNT_KEY_FILE, TRACKER_USE_METADATA=true, and
 * one of TRACKER_ORG_ID / TRACKER_CLOUD_ORG_ID. User mode (sign-in): YANDEX_CLIENT_ID,
 * YANDEX_CLIENT_SECRET, SESSION_SECRET.
 */
import type { ConfigService } from '@nestjs/config';
import { TRACKER_ENV } from '@tracker-auth/core';
import { credentialsFromNodeEnv } from '@tracker-auth/core/node';
import type { TrackerAuthModuleOptions } from '@tracker-auth/nestjs';

/** Where a failed sign-in lands (see SignInErrorController). */
export const SIGN_IN_ERROR_PATH = '/sign-in-error';

/** Where the app is reached from a browser, e.g. `http://127.0.0.1:3000`. */
export function appUrlOf(env: Record<string, string | undefined>): string {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = env.PORT?.trim() || '3000';
  return (env.APP_URL?.trim() || `http://${host}:${port}`).replace(/\/+$/, '');
}

/** Every variable that names a service credential, the key file's path included. */
const CREDENTIAL_VARS = [
  TRACKER_ENV.oauthToken,
  TRACKER_ENV.iamToken,
  TRACKER_ENV.iamFromOAuthToken,
  TRACKER_ENV.serviceAccountKey,
  TRACKER_ENV.serviceAccountKeyFile,
  TRACKER_ENV.useMetadata,
];

/** True when the environment names a service credential (so the embedded fake is not needed). */
export function hasTrackerCredentials(env: Record<string, string | undefined>): boolean {
  return CREDENTIAL_VARS.some((name) => Boolean(env[name]?.trim()));
}

/** The `forRootAsync` factory: every value is validated by core when the module starts. */
export function trackerOptionsFrom(config: ConfigService): TrackerAuthModuleOptions {
  const env = Object.fromEntries(Object.values(TRACKER_ENV).map((name) => [name, config.get<string>(name)]));
  // The Node entry's variant also reads TRACKER_SERVICE_ACCOUNT_KEY_FILE (a path), at start.
  const { credentials, org, urls } = credentialsFromNodeEnv(env);
  const appUrl = appUrlOf({ HOST: config.get('HOST'), PORT: config.get('PORT'), APP_URL: config.get('APP_URL') });
  const clientId = config.get<string>('YANDEX_CLIENT_ID');
  return {
    credentials,
    org,
    client: { trackerUrl: urls.trackerUrl },
    // The public URL, as a production app behind a reverse proxy sets it: the sign-in routes
    // build request URLs on it (the Secure cookie attribute, the sign-out Origin check). Sign-in
    // opened on http://localhost:3000 is still redirected to the app URL (127.0.0.1) before it
    // starts (core's `canonicalHost`, on by default, compares the Host the browser sent), so the
    // login cookie comes back to the callback.
    baseUrl: appUrl,
    user: clientId
      ? {
          clientId,
          clientSecret: config.get<string>('YANDEX_CLIENT_SECRET') ?? '',
          redirectUri: `${appUrl}/auth/callback`,
          sessionSecret: config.get<string>('SESSION_SECRET') ?? '',
          oauthUrl: urls.oauthUrl,
          afterSignInPath: '/user/me',
          // A failed callback (consent declined, an expired sign-in) is a page, not JSON.
          errorPath: SIGN_IN_ERROR_PATH,
        }
      : undefined,
  };
}
