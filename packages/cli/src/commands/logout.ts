/**
 * `tracker-auth logout`: revoke the stored token at Yandex, then delete the login file. When the
 * revocation fails the file is kept (deleting it would lose the only way to revoke later), unless
 * `--no-revoke` asks to forget the login without revoking.
 */
import { revokeToken } from '@tracker-auth/core';
import { printJson, println, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { deleteLogin, readLogin } from '../login-file.js';
import { CLI_ENV, flagOrEnv, loginFilePath, resolveSealer, resolveUrl, type LoginFlags } from '../settings.js';

export interface LogoutOptions extends LoginFlags {
  /** `--no-revoke` sets it to false. */
  revoke?: boolean | undefined;
  json?: boolean | undefined;
}

export async function logout(ctx: CliContext, options: LogoutOptions): Promise<void> {
  const { env } = ctx;
  const path = loginFilePath(env);
  const revoke = options.revoke !== false;
  // Without revoking there is nothing to open: a sealed file whose key is lost can still be forgotten.
  const login = revoke ? await readLogin(path, resolveSealer(options, env)) : undefined;
  if (revoke && !login) {
    throw new CliError('not-logged-in', 'not logged in: there is no login to log out of.', { hint: `nothing is stored at ${path}; \`tracker-auth login\` signs in.` });
  }
  if (login) {
    try {
      await revokeToken({
        accessToken: login.tokens.accessToken,
        clientId: flagOrEnv(options.clientId, env, CLI_ENV.clientId) ?? login.clientId,
        clientSecret: flagOrEnv(options.clientSecret, env, CLI_ENV.clientSecret) ?? login.clientSecret,
        oauthUrl: resolveUrl('oauthUrl', options, env, login.oauthUrl),
        signal: ctx.signal,
      });
    } catch (error) {
      throw new CliError('failure', `the token was not revoked, so the login is kept: ${(error as Error).message}`, {
        hint: 'try again later, or `tracker-auth logout --no-revoke` to delete the login without revoking it.',
        cause: error,
      });
    }
  }
  const deleted = await deleteLogin(path);
  if (options.json) {
    printJson(ctx.stdout, { revoked: Boolean(login), deleted, file: path });
    return;
  }
  if (login) println(ctx.stdout, 'Token revoked at Yandex.');
  println(ctx.stdout, deleted ? `Login deleted (${path}).` : `No login was stored at ${path}.`);
}
