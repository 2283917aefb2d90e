/**
 * `tracker-auth iam-token`: a Yandex Cloud IAM token, from a service-account authorized key
 * (`--key key.json`, signed with PS256 by core) or exchanged for the stored OAuth token
 * (`--from-oauth`). Printing it is the point of the command.
 */
import { iamFromOAuthToken, type AccessToken } from '@tracker-auth/core';
import { iamFromServiceAccountKeyFile } from '@tracker-auth/core/node';
import { printJson, println, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { openSession } from '../session.js';
import { resolveUrl, type LoginFlags } from '../settings.js';

export interface IamTokenOptions extends LoginFlags {
  key?: string | undefined;
  fromOauth?: boolean | undefined;
  json?: boolean | undefined;
}

export async function iamToken(ctx: CliContext, options: IamTokenOptions): Promise<void> {
  if ((options.key === undefined) === !options.fromOauth) {
    throw new CliError('usage', 'pass exactly one of --key <file> (a service-account authorized key) and --from-oauth (the stored login).');
  }
  let access: AccessToken;
  if (options.key !== undefined) {
    const iamUrl = resolveUrl('iamUrl', options, ctx.env);
    // The key file is read and checked now; core's errors name the file and field, never the key.
    const source = iamFromServiceAccountKeyFile({ path: options.key, iamUrl });
    access = await source.getToken({ signal: ctx.signal });
  } else {
    const session = await openSession(options, ctx.env);
    const oauth = await session.accessToken(ctx.signal);
    const iamUrl = resolveUrl('iamUrl', options, ctx.env, session.login().iamUrl);
    access = await iamFromOAuthToken({ oauthToken: oauth.token, iamUrl }).getToken({ signal: ctx.signal });
  }
  const expiresAt = access.expiresAt === undefined ? undefined : new Date(access.expiresAt).toISOString();
  if (options.json) printJson(ctx.stdout, { iamToken: access.token, expiresAt });
  else println(ctx.stdout, access.token);
}
