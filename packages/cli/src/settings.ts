/**
 * Where each setting comes from: a flag first, then an environment variable, then what the login
 * stored, then the default. The environment names are core's (`TRACKER_ENV`), so one set of
 * variables points both the CLI and an app at the fake Yandex.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { TRACKER_ENV, createSessionSealer, type SessionSealer, type TrackerOrg } from '@tracker-auth/core';
import { DEFAULT_IAM_URL, DEFAULT_OAUTH_URL, DEFAULT_TRACKER_URL, assertSessionSecrets, assertUrl, normalizeOrg } from '@tracker-auth/core/adapter';
import { CliError } from './errors.js';

/** Environment variables of the CLI itself (the upstream ones are core's `TRACKER_ENV`). */
export const CLI_ENV = Object.freeze({
  /** Key that seals the login file (at least 32 bytes), like `--seal-key`. */
  sealKey: 'TRACKER_AUTH_SEAL_KEY',
  /** The OAuth app's ClientID, like `--client-id` (the sample apps read the same name). */
  clientId: 'YANDEX_CLIENT_ID',
  /** The OAuth app's Client secret, like `--client-secret`. */
  clientSecret: 'YANDEX_CLIENT_SECRET',
  /** Base of the config folder (XDG Base Directory); default `~/.config`. */
  configHome: 'XDG_CONFIG_HOME',
} as const);

/** `process.env`-like. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Options every command that talks to an upstream accepts (camel-cased by commander). */
export interface UpstreamFlags {
  oauthUrl?: string | undefined;
  trackerUrl?: string | undefined;
  iamUrl?: string | undefined;
}

/** Organization flags. */
export interface OrgFlags {
  orgId?: string | undefined;
  cloudOrgId?: string | undefined;
}

/** Flags of the stored login. */
export interface LoginFlags extends UpstreamFlags, OrgFlags {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  sealKey?: string | undefined;
}

/** A non-empty, trimmed environment value. */
export function readEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

const URLS = {
  oauthUrl: { flag: '--oauth-url', env: TRACKER_ENV.oauthUrl, fallback: DEFAULT_OAUTH_URL },
  trackerUrl: { flag: '--tracker-url', env: TRACKER_ENV.trackerUrl, fallback: DEFAULT_TRACKER_URL },
  iamUrl: { flag: '--iam-url', env: TRACKER_ENV.iamUrl, fallback: DEFAULT_IAM_URL },
} as const;

/** A base URL: flag, environment, what the login stored, default; checked with core's `assertUrl`. */
export function resolveUrl(which: keyof typeof URLS, flags: UpstreamFlags, env: Env, stored?: string): string {
  const spec = URLS[which];
  const fromFlag = flags[which];
  if (fromFlag !== undefined) return assertUrl(fromFlag, spec.flag).href.replace(/\/$/, '');
  const fromEnv = readEnv(env, spec.env);
  if (fromEnv !== undefined) return assertUrl(fromEnv, spec.env).href.replace(/\/$/, '');
  return stored ?? spec.fallback;
}

/** The organization from flags, else the environment, else `stored`; undefined when none. */
export function resolveOrg(flags: OrgFlags, env: Env, stored?: TrackerOrg): TrackerOrg | undefined {
  if (flags.orgId !== undefined || flags.cloudOrgId !== undefined) {
    if (flags.orgId !== undefined && flags.cloudOrgId !== undefined) {
      throw new CliError('usage', 'pass either --org-id or --cloud-org-id, not both.', {
        hint: 'when Tracker is linked to both kinds of organization, use --org-id (Yandex 360).',
      });
    }
    return normalizeOrg(flags.orgId !== undefined ? { orgId: flags.orgId } : { cloudOrgId: flags.cloudOrgId }, flags.orgId !== undefined ? '--org-id' : '--cloud-org-id');
  }
  const orgId = readEnv(env, TRACKER_ENV.orgId);
  const cloudOrgId = readEnv(env, TRACKER_ENV.cloudOrgId);
  if (orgId !== undefined && cloudOrgId !== undefined) {
    throw new CliError('usage', `both ${TRACKER_ENV.orgId} and ${TRACKER_ENV.cloudOrgId} are set; keep one.`);
  }
  if (orgId !== undefined) return normalizeOrg({ orgId }, TRACKER_ENV.orgId);
  if (cloudOrgId !== undefined) return normalizeOrg({ cloudOrgId }, TRACKER_ENV.cloudOrgId);
  return stored;
}

/** {@link resolveOrg} for commands that cannot work without one. */
export function requireOrg(flags: OrgFlags, env: Env, stored?: TrackerOrg): TrackerOrg {
  const org = resolveOrg(flags, env, stored);
  if (org) return org;
  throw new CliError('usage', 'no Tracker organization is known.', {
    hint: `pass --org-id (Yandex 360) or --cloud-org-id (Yandex Cloud), set ${TRACKER_ENV.orgId} or ${TRACKER_ENV.cloudOrgId}, or give one to \`tracker-auth login\` to store it.`,
  });
}

/** A value from its flag or its environment variable. */
export function flagOrEnv(flag: string | undefined, env: Env, name: string): string | undefined {
  return flag ?? readEnv(env, name);
}

/**
 * The sealer for the login file when a key is given (`--seal-key` or `TRACKER_AUTH_SEAL_KEY`),
 * with core's session sealing (AES-256-GCM). The key is checked now, by name, never echoed.
 */
export function resolveSealer(flags: { sealKey?: string | undefined }, env: Env): SessionSealer | undefined {
  const fromFlag = flags.sealKey !== undefined;
  const key = flagOrEnv(flags.sealKey, env, CLI_ENV.sealKey);
  if (key === undefined) return undefined;
  const secrets = assertSessionSecrets(key, fromFlag ? '--seal-key' : CLI_ENV.sealKey);
  // A login lives as long as its token (a year at Yandex); 400 days is the longest seal core allows.
  return createSessionSealer({ secrets, purpose: 'tracker-auth-cli-login', ttlSeconds: 400 * 24 * 60 * 60 });
}

/**
 * The config folder: `$XDG_CONFIG_HOME/tracker-auth`, or `~/.config/tracker-auth`. A relative
 * `XDG_CONFIG_HOME` is ignored, as the XDG Base Directory specification says.
 */
export function configDir(env: Env): string {
  const base = readEnv(env, CLI_ENV.configHome);
  return join(base !== undefined && isAbsolute(base) ? base : join(homedir(), '.config'), 'tracker-auth');
}

/** The login file inside {@link configDir}. */
export function loginFilePath(env: Env): string {
  return join(configDir(env), 'login.json');
}
