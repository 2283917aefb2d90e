/**
 * Configuration of the sample, from the environment only.
 *
 * Two setups, same code:
 * - against the fake Yandex (default of `npm start`): `FAKE_YANDEX_URL` points every upstream
 *   (Tracker, OAuth) at the fake; the demo launcher also passes the fake's app credentials;
 * - against real Yandex: leave `FAKE_YANDEX_URL` unset and set `YANDEX_CLIENT_ID`,
 *   `YANDEX_CLIENT_SECRET`, `SESSION_SECRET` and `TRACKER_ORG_ID` (or `TRACKER_CLOUD_ORG_ID`).
 *
 * Either setup can keep tokens in Redis (`REDIS_URL=redis://…`): several instances of the app
 * then share the signed-in users' tokens and refresh each once. Unset (the default), tokens stay
 * in process memory and no Redis is needed.
 *
 * Missing or bad values stop the process at start with a message naming the variable.
 */
import { randomBytes } from 'node:crypto';

export interface SampleConfig {
  mode: 'fake' | 'yandex';
  host: string;
  port: number;
  /** Public origin of the app, e.g. `http://127.0.0.1:3000`. */
  appUrl: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  sessionSecret: string;
  org: { orgId: string } | { cloudOrgId: string };
  /** Upstream base URLs; undefined → the real Yandex hosts. */
  trackerUrl: string | undefined;
  oauthUrl: string | undefined;
  /** Login of the fake's demo user, shown on the sign-in page in fake mode. */
  demoLogin: string | undefined;
  /**
   * The environment for the app's own credential (service mode, `/service`), read by core's
   * `credentialsFromNodeEnv()`; undefined when no `TRACKER_*` credential variable is set.
   * In fake mode the upstream URLs point at the fake.
   */
  serviceEnv: NodeJS.ProcessEnv | undefined;
  /** `REDIS_URL`: keep tokens in Redis (`@tracker-auth/redis`), shared by every instance; undefined → in memory. */
  redisUrl: string | undefined;
}

/** Variables that select an app credential (core's `TRACKER_ENV`); any one enables `/service`. */
const SERVICE_CREDENTIAL_VARS = [
  'TRACKER_OAUTH_TOKEN',
  'TRACKER_IAM_TOKEN',
  'TRACKER_IAM_FROM_OAUTH_TOKEN',
  'TRACKER_SERVICE_ACCOUNT_KEY',
  'TRACKER_SERVICE_ACCOUNT_KEY_FILE',
  'TRACKER_USE_METADATA',
];

/** Thrown for a missing or malformed environment variable; the message says which and how to fix it. */
export class SampleConfigError extends Error {
  override name = 'SampleConfigError';
}

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SampleConfigError(`${name} is not set: ${hint}`);
  return value;
}

/**
 * Read the sample's configuration from `env`.
 *
 * @example
 * const config = configFromEnv(process.env);
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const fakeUrl = env.FAKE_YANDEX_URL?.trim() || undefined;
  const mode = fakeUrl ? 'fake' : 'yandex';
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SampleConfigError('PORT must be a TCP port number (0-65535), e.g. PORT=3000');
  }
  const appUrl = (env.APP_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const hint =
    mode === 'yandex'
      ? 'register an app at https://oauth.yandex.ru/client/new (rights tracker:read, tracker:write) and export its values, or run `npm start` from the repository root to use the fake Yandex'
      : 'the demo launcher (tools/demo/start.mjs) sets it for the fake';

  const orgId = env.TRACKER_ORG_ID?.trim();
  const cloudOrgId = env.TRACKER_CLOUD_ORG_ID?.trim();
  if (orgId && cloudOrgId) {
    throw new SampleConfigError('set only one of TRACKER_ORG_ID (Yandex 360) and TRACKER_CLOUD_ORG_ID (Yandex Cloud)');
  }
  if (!orgId && !cloudOrgId) {
    throw new SampleConfigError('TRACKER_ORG_ID or TRACKER_CLOUD_ORG_ID is not set: copy it from https://tracker.yandex.ru/admin/orgs');
  }

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new SampleConfigError('REDIS_URL must be a redis:// or rediss:// URL, e.g. REDIS_URL=redis://127.0.0.1:6379 (or unset it to keep tokens in memory)');
  }

  let sessionSecret = env.SESSION_SECRET?.trim();
  if (!sessionSecret) {
    if (mode === 'yandex') {
      throw new SampleConfigError('SESSION_SECRET is not set: use 32+ random characters, e.g. `openssl rand -base64 32`');
    }
    // Fake mode only: a per-process secret is fine (sessions end when the demo stops).
    sessionSecret = randomBytes(32).toString('base64url');
  }

  return {
    mode,
    host,
    port,
    appUrl,
    clientId: required(env, 'YANDEX_CLIENT_ID', hint),
    clientSecret: env.YANDEX_CLIENT_SECRET?.trim() || undefined,
    redirectUri: env.REDIRECT_URI?.trim() || `${appUrl}/auth/callback`,
    sessionSecret,
    org: orgId ? { orgId } : { cloudOrgId: cloudOrgId as string },
    trackerUrl: fakeUrl,
    oauthUrl: fakeUrl,
    demoLogin: mode === 'fake' ? env.FAKE_DEMO_LOGIN?.trim() || undefined : undefined,
    serviceEnv: SERVICE_CREDENTIAL_VARS.some((name) => env[name]?.trim())
      ? fakeUrl
        ? { ...env, TRACKER_API_URL: fakeUrl, YANDEX_OAUTH_URL: fakeUrl, YANDEX_IAM_URL: fakeUrl, YANDEX_METADATA_URL: fakeUrl }
        : env
      : undefined,
    redisUrl,
  };
}
