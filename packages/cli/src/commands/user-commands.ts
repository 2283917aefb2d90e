/**
 * Commands that use the stored login: `whoami`, `token` and `headers`. Each refreshes the token
 * first when it is due (and saves the rotated set) through the stored session.
 */
import { verifyAccess, type TrackerHeaders } from '@tracker-auth/core';
import { printJson, println, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { openSession } from '../session.js';
import type { LoginFlags } from '../settings.js';

export interface OutputFlags {
  json?: boolean | undefined;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** `tracker-auth whoami`: `GET /v3/myself` with the stored login. */
export async function whoami(ctx: CliContext, options: LoginFlags & OutputFlags): Promise<void> {
  const session = await openSession(options, ctx.env);
  const { client, org } = session.tracker(options);
  const user = await verifyAccess(client, { signal: ctx.signal });
  if (options.json) {
    printJson(ctx.stdout, { ...user, org });
    return;
  }
  const orgText = org.orgId !== undefined ? `X-Org-ID ${org.orgId}` : `X-Cloud-Org-ID ${org.cloudOrgId}`;
  println(ctx.stdout, `${user.login} (${user.display}), uid ${user.uid}, organization ${orgText}`);
}

/** `tracker-auth token`: the access token itself, for scripts. Printing it is the point. */
export async function token(ctx: CliContext, options: LoginFlags & OutputFlags): Promise<void> {
  const session = await openSession(options, ctx.env);
  const access = await session.accessToken(ctx.signal);
  if (options.json) {
    printJson(ctx.stdout, { accessToken: access.token, tokenType: 'OAuth', expiresAt: iso(access.expiresAt) });
    return;
  }
  println(ctx.stdout, access.token);
}

/** Output formats of `tracker-auth headers`. */
export const HEADER_FORMATS = ['curl', 'json', 'env'] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

/** A double-quoted value of a curl config file (`curl -K`): backslash and quote escaped. */
const curlQuoted = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** A single-quoted POSIX shell word. */
const shellQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** `X-Org-ID` → `TRACKER_X_ORG_ID`. */
const envName = (header: string) => `TRACKER_${header.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * The headers in one of three shapes:
 * - `curl`: a curl config (`header = "…"` lines) for `curl -K -` or `curl -K <(…)`, which keeps
 *   the token off the command line (other users can read command lines in `ps`);
 * - `json`: one object, header name → value;
 * - `env`: shell assignments (`TRACKER_AUTHORIZATION='OAuth …'`, `TRACKER_X_ORG_ID='…'`).
 */
export function formatHeaders(headers: TrackerHeaders, format: HeaderFormat): string {
  // Core's header objects print redacted (`toJSON`); here printing them is the point.
  const entries = Object.entries(headers);
  switch (format) {
    case 'curl':
      return entries.map(([name, value]) => `header = ${curlQuoted(`${name}: ${value}`)}\n`).join('');
    case 'env':
      return entries.map(([name, value]) => `${envName(name)}=${shellQuoted(value)}\n`).join('');
    default:
      return `${JSON.stringify(Object.fromEntries(entries))}\n`;
  }
}

/** `tracker-auth headers [--format curl|json|env]`: the headers Tracker needs. */
export async function headers(ctx: CliContext, options: LoginFlags & OutputFlags & { format?: string | undefined }): Promise<void> {
  const format = (options.format ?? (options.json ? 'json' : 'curl')) as HeaderFormat;
  if (!HEADER_FORMATS.includes(format)) {
    throw new CliError('usage', `--format must be one of ${HEADER_FORMATS.join(', ')}.`);
  }
  if (options.json && format !== 'json') throw new CliError('usage', `--json prints JSON; it cannot be combined with --format ${format}.`);
  const session = await openSession(options, ctx.env);
  const { auth } = session.tracker(options);
  ctx.stdout.write(formatHeaders(await auth.headers({ signal: ctx.signal }), format));
}
