/**
 * The stored login: one JSON file, mode 0600 in a 0700 folder, written atomically (temp file +
 * rename) so a crash mid-write never leaves half a token set. With a seal key the login is
 * sealed with core's session sealing; the file then says so, so a missing key is reported as
 * such instead of as a damaged file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isSessionError, type OAuthTokenSet, type SessionSealer, type TrackerOrg } from '@tracker-auth/core';
import { hideSecrets } from '@tracker-auth/core/adapter';
import { CliError } from './errors.js';
import { CLI_ENV } from './settings.js';

/** What `tracker-auth login` stores. */
export interface StoredLogin {
  /** The token set from the device flow, rotated in place by every refresh. */
  tokens: OAuthTokenSet;
  clientId: string;
  clientSecret: string;
  /** The `device_id` the token is bound to: it is what makes the token revocable at logout. */
  deviceId: string;
  deviceName: string;
  org?: TrackerOrg | undefined;
  /** Upstreams given at login (kept so later commands talk to the same server). */
  oauthUrl?: string | undefined;
  trackerUrl?: string | undefined;
  iamUrl?: string | undefined;
  /** When the file was last written, epoch ms. */
  savedAt: number;
}

const FORMAT = 'tracker-auth-cli-login';
const VERSION = 1;

interface LoginFileJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Present when the file is not sealed. */
  login?: StoredLogin;
  /** Present when it is: core's sealed-session string. */
  sealed?: string;
}

/** Hide the secrets of a login from `JSON.stringify`/`util.inspect`, should one ever be printed. */
function guarded(login: StoredLogin): StoredLogin {
  return hideSecrets(login, () => ({ clientId: login.clientId, deviceId: login.deviceId, org: login.org, expiresAt: login.tokens.expiresAt }), 'StoredLogin');
}

function damaged(path: string, why: string): CliError {
  return new CliError('not-logged-in', `the login file ${path} is damaged (${why}).`, { hint: 'run `tracker-auth login` to sign in again.' });
}

function checkLogin(value: unknown, path: string): StoredLogin {
  const login = value as Partial<StoredLogin> | null;
  if (login === null || typeof login !== 'object') throw damaged(path, 'no login inside');
  const tokens = login.tokens as Partial<OAuthTokenSet> | undefined;
  if (!tokens || typeof tokens.accessToken !== 'string' || tokens.accessToken === '') throw damaged(path, 'no access token');
  if (typeof login.clientId !== 'string' || typeof login.clientSecret !== 'string') throw damaged(path, 'no OAuth client');
  if (typeof login.deviceId !== 'string') throw damaged(path, 'no device id');
  return guarded(login as StoredLogin);
}

/**
 * The login as plain data: core's token sets print as redacted (`toJSON`), which is right for logs
 * and wrong for the one file whose purpose is to keep them.
 */
function plain(login: StoredLogin): StoredLogin {
  const { accessToken, refreshToken, tokenType, expiresAt, scope } = login.tokens;
  return {
    tokens: { accessToken, refreshToken, tokenType, expiresAt, scope },
    clientId: login.clientId,
    clientSecret: login.clientSecret,
    deviceId: login.deviceId,
    deviceName: login.deviceName,
    org: login.org ? { ...login.org } : undefined,
    oauthUrl: login.oauthUrl,
    trackerUrl: login.trackerUrl,
    iamUrl: login.iamUrl,
    savedAt: login.savedAt,
  };
}

/**
 * Read the login at `path`; undefined when there is none. A sealed file needs `sealer`.
 *
 * @throws {CliError} `usage` for a sealed file without a key or with the wrong key; `not-logged-in` for a damaged file.
 */
export async function readLogin(path: string, sealer: SessionSealer | undefined): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError('failure', `cannot read the login file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
  let json: Partial<LoginFileJson>;
  try {
    json = JSON.parse(text) as Partial<LoginFileJson>;
  } catch {
    throw damaged(path, 'not JSON');
  }
  if (json?.format !== FORMAT) throw damaged(path, 'not a tracker-auth login');
  if (json.version !== VERSION) throw damaged(path, `format version ${String(json.version)}; this tracker-auth reads version ${VERSION}`);
  if (typeof json.sealed !== 'string') return checkLogin(json.login, path);
  if (!sealer) {
    throw new CliError('usage', `the login in ${path} is sealed.`, { hint: `pass --seal-key or set ${CLI_ENV.sealKey} to the key it was sealed with.` });
  }
  try {
    return checkLogin(await sealer.unseal<StoredLogin>(json.sealed), path);
  } catch (error) {
    if (isSessionError(error) && error.code === 'SESSION_INVALID') {
      throw new CliError('usage', `the login in ${path} cannot be opened with this seal key.`, {
        hint: `pass the key it was sealed with (--seal-key or ${CLI_ENV.sealKey}), or run \`tracker-auth login\` again.`,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Write the login to `path` (sealed when `sealer` is given): folder 0700, file 0600, replaced
 * atomically.
 */
export async function writeLogin(path: string, login: StoredLogin, sealer: SessionSealer | undefined): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder as it was; the tokens must not sit in a folder others can list.
  await chmod(dir, 0o700);
  const data = plain(login);
  const body: LoginFileJson = sealer
    ? { format: FORMAT, version: VERSION, sealed: await sealer.seal(data) }
    : { format: FORMAT, version: VERSION, login: data };
  const temp = join(dir, `.login-${randomBytes(6).toString('hex')}.tmp`);
  // Created 0600 from the first byte (`wx`: never follow or reuse an existing file).
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Delete the login file; true when there was one. */
export async function deleteLogin(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
