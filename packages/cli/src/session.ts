/**
 * The stored login as a live credential: core's `userTokenSource` refreshes the token when it
 * nears expiry (or Tracker answers 401), and every rotation is written back to the login file
 * before the command goes on. Yandex may hand back the same access token with a new refresh
 * token; the old refresh token is dead either way, so the file must keep the new one.
 */
import { createTrackerAuth, createTrackerClient, isSignInRequiredError, userTokenSource, type AccessToken, type OAuthTokenSet, type TrackerAuth, type TrackerOrg } from '@tracker-auth/core';
import { USER_TOKEN_MAX_AGE_MS, type RefreshingTokenSource } from '@tracker-auth/core/adapter';
import { CliError } from './errors.js';
import { readLogin, writeLogin, type StoredLogin } from './login-file.js';
import { CLI_ENV, flagOrEnv, loginFilePath, requireOrg, resolveSealer, resolveUrl, type Env, type LoginFlags } from './settings.js';

/** The refresh window core uses near a token's expiry. */
const EXPIRY_WINDOW_MS = 5 * 60 * 1000;

/**
 * How long before `expiresAt` the stored token counts as due. Each run starts from the file, so
 * the engine never sees the token's age; the window is stretched instead so that a token is
 * also due once it is older than core's `USER_TOKEN_MAX_AGE_MS` (about 3 months, as Yandex
 * advises for long-lived tokens). Otherwise a year-long token would be refreshed only in its
 * last five minutes, and a login not used then would simply die.
 */
export function refreshWindowMs(login: Pick<StoredLogin, 'tokens' | 'savedAt'>): number {
  const { expiresAt } = login.tokens;
  if (expiresAt === undefined) return EXPIRY_WINDOW_MS;
  return Math.max(EXPIRY_WINDOW_MS, expiresAt - (login.savedAt + USER_TOKEN_MAX_AGE_MS));
}

/** The ky instance core's `createTrackerClient()` returns. */
export type TrackerClient = ReturnType<typeof createTrackerClient>;

/** A signed-in session of one command run. */
export interface StoredSession {
  /** The login file. */
  readonly path: string;
  /** The login as last read or written. */
  login(): StoredLogin;
  readonly oauthUrl: string;
  /** The current access token, refreshed (and saved) first when due. */
  accessToken(signal?: AbortSignal): Promise<AccessToken>;
  /** Auth headers and a Tracker client for `org` (flag, environment, or the stored one). */
  tracker(flags: LoginFlags): { auth: TrackerAuth; client: TrackerClient; org: TrackerOrg };
}

/**
 * Open the login for a command.
 *
 * @throws {CliError} `not-logged-in` when there is no login file; `usage` for a sealed one without its key.
 */
export async function openSession(flags: LoginFlags, env: Env): Promise<StoredSession> {
  const path = loginFilePath(env);
  const sealer = resolveSealer(flags, env);
  const initial = await readLogin(path, sealer);
  if (!initial) {
    throw new CliError('not-logged-in', 'not logged in: no login is stored.', {
      hint: `run \`tracker-auth login\` first (looked for ${path}).`,
    });
  }
  let current = initial;
  const oauthUrl = resolveUrl('oauthUrl', flags, env, current.oauthUrl);
  // The client that issued the token must refresh it; flags and environment may replace a rotated secret.
  const clientId = flagOrEnv(flags.clientId, env, CLI_ENV.clientId) ?? current.clientId;
  const clientSecret = flagOrEnv(flags.clientSecret, env, CLI_ENV.clientSecret) ?? current.clientSecret;

  const save = async (tokens: OAuthTokenSet) => {
    current = { ...current, tokens, savedAt: Date.now() };
    await writeLogin(path, current, sealer);
  };
  const sourceFor = (login: StoredLogin): RefreshingTokenSource =>
    userTokenSource({ tokens: login.tokens, clientId, clientSecret, oauthUrl, onTokens: save, refresh: { earlyMs: refreshWindowMs(login) } });
  let source = sourceFor(current);

  /**
   * Another `tracker-auth` run may have rotated the token a moment ago, which kills the refresh
   * token this run read: on "sign in again", look at the file once more before giving up.
   */
  const withRetry = async <T>(run: (s: RefreshingTokenSource) => Promise<T>): Promise<T> => {
    try {
      return await run(source);
    } catch (error) {
      if (!isSignInRequiredError(error)) throw error;
      const latest = await readLogin(path, sealer);
      if (!latest || latest.tokens.refreshToken === current.tokens.refreshToken) throw error;
      current = latest;
      source = sourceFor(current);
      return run(source);
    }
  };

  return {
    path,
    oauthUrl,
    login: () => current,
    accessToken: (signal) => withRetry((s) => s.getToken({ signal })),
    tracker(trackerFlags) {
      const org = requireOrg(trackerFlags, env, current.org);
      const trackerUrl = resolveUrl('trackerUrl', trackerFlags, env, current.trackerUrl);
      // The credential delegates to whichever source is current, so a retry after a concurrent rotation reaches Tracker too.
      const credentials = {
        kind: 'oauth' as const,
        get id() {
          return source.id;
        },
        getToken: (options?: { forceRefresh?: boolean; signal?: AbortSignal }) => withRetry((s) => s.getToken(options)),
        invalidate: (token?: string) => source.invalidate?.(token),
      };
      const auth = createTrackerAuth({ credentials, org });
      return { auth, client: createTrackerClient(auth, { trackerUrl }), org };
    },
  };
}
