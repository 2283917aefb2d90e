/**
 * `tracker-auth login`: Yandex's device flow. Asks for a user code bound to this device (a
 * `device_id` is what lets `logout` revoke the token later: Yandex revokes device tokens only),
 * shows it, polls until the user approves, and stores the token set.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isOAuthResponseError, isTrackerAuthError, pollDeviceToken, requestDeviceCode, type OAuthTokenSet } from '@tracker-auth/core';
import { DEFAULT_IAM_URL, DEFAULT_OAUTH_URL, DEFAULT_TRACKER_URL } from '@tracker-auth/core/adapter';
import { printJson, println, type CliContext } from '../context.js';
import { createDeviceProgress } from '../device-progress.js';
import { CliError } from '../errors.js';
import { readLogin, writeLogin, type StoredLogin } from '../login-file.js';
import { CLI_ENV, flagOrEnv, loginFilePath, resolveOrg, resolveSealer, resolveUrl, type LoginFlags } from '../settings.js';

export interface LoginOptions extends LoginFlags {
  scope?: string | undefined;
  deviceName?: string | undefined;
  json?: boolean | undefined;
}

function required(value: string | undefined, flag: string, envName: string, what: string): string {
  if (value !== undefined && value !== '') return value;
  throw new CliError('usage', `${flag} is required: ${what}.`, { hint: `pass ${flag} or set ${envName}.` });
}

/** A device id of 6–50 printable ASCII characters (what Yandex accepts), kept across logins. */
function newDeviceId(): string {
  return `tracker-auth-cli-${randomBytes(8).toString('hex')}`;
}

/** Device names are at most 100 characters. */
function defaultDeviceName(): string {
  return `tracker-auth CLI on ${hostname()}`.slice(0, 100);
}

/** The device flow's refusals, as the user should read them. */
function loginFailure(error: unknown): unknown {
  if (isOAuthResponseError(error) && error.error === 'access_denied') {
    return new CliError('denied', 'sign-in was denied: the code was refused at Yandex.', { hint: 'run `tracker-auth login` again to get a new code.', cause: error });
  }
  if (isOAuthResponseError(error) && (error.error === 'invalid_grant' || error.error === 'expired_token')) {
    return new CliError('denied', 'the code expired (or is no longer valid) before it was approved.', { hint: 'run `tracker-auth login` again to get a new code.', cause: error });
  }
  if (isTrackerAuthError(error) && error.code === 'TIMEOUT') {
    return new CliError('denied', 'the code expired before it was approved.', { hint: 'run `tracker-auth login` again and enter the new code within its lifetime.', cause: error });
  }
  return error;
}

/** Run the device flow and store the tokens. */
export async function login(ctx: CliContext, options: LoginOptions): Promise<void> {
  const { env } = ctx;
  const clientId = required(flagOrEnv(options.clientId, env, CLI_ENV.clientId), '--client-id', CLI_ENV.clientId, 'the ClientID of your Yandex OAuth app');
  const clientSecret = required(
    flagOrEnv(options.clientSecret, env, CLI_ENV.clientSecret),
    '--client-secret',
    CLI_ENV.clientSecret,
    'Yandex needs the Client secret to issue and refresh tokens',
  );
  const org = resolveOrg(options, env);
  const oauthUrl = resolveUrl('oauthUrl', options, env);
  const trackerUrl = resolveUrl('trackerUrl', options, env);
  const iamUrl = resolveUrl('iamUrl', options, env);
  const sealer = resolveSealer(options, env);
  const path = loginFilePath(env);
  const deviceName = options.deviceName ?? defaultDeviceName();
  if (deviceName.length > 100) throw new CliError('usage', '--device-name must be at most 100 characters.');

  // Re-use the device id of the previous login (if it can be read): one device, one token.
  const previous = await readLogin(path, sealer).catch(() => undefined);
  const deviceId = previous?.deviceId ?? newDeviceId();

  const progress = createDeviceProgress(ctx, Boolean(options.json));
  let tokens: OAuthTokenSet;
  try {
    const device = await requestDeviceCode({ clientId, deviceId, deviceName, scope: options.scope, oauthUrl, signal: ctx.signal });
    progress.started(device);
    tokens = await pollDeviceToken({
      ...device,
      clientId,
      clientSecret,
      oauthUrl,
      signal: ctx.signal,
      onPending: (p) => progress.pending(p),
    });
  } catch (error) {
    throw loginFailure(error);
  } finally {
    progress.stop();
  }

  const record: StoredLogin = {
    tokens,
    clientId,
    clientSecret,
    deviceId,
    deviceName,
    org,
    // Only what differs from Yandex's own hosts is stored, so a default login follows the defaults.
    oauthUrl: oauthUrl !== DEFAULT_OAUTH_URL ? oauthUrl : undefined,
    trackerUrl: trackerUrl !== DEFAULT_TRACKER_URL ? trackerUrl : undefined,
    iamUrl: iamUrl !== DEFAULT_IAM_URL ? iamUrl : undefined,
    savedAt: Date.now(),
  };
  await writeLogin(path, record, sealer);

  const expiresAt = tokens.expiresAt === undefined ? undefined : new Date(tokens.expiresAt).toISOString();
  if (options.json) {
    printJson(ctx.stdout, { event: 'signed_in', file: path, sealed: Boolean(sealer), expiresAt, scope: tokens.scope, org });
    return;
  }
  println(ctx.stdout, `Signed in. Login saved to ${path}${sealer ? ' (sealed)' : ''}.`);
  if (expiresAt) println(ctx.stdout, `The token is valid until ${expiresAt}; tracker-auth refreshes it when it is used.`);
  if (!org) println(ctx.stdout, 'No organization stored: pass --org-id or --cloud-org-id to the next commands, or log in with one.');
  else println(ctx.stdout, 'Check it with: tracker-auth whoami');
}
