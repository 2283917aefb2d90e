/**
 * Credentials, organization and upstream URLs from environment variables, so one deployment
 * setting picks the token source and the fake Yandex can stand in for every upstream.
 */
import { ConfigurationError, isConfigurationError } from '../errors.js';
import { assertOrgFitsTokenKind } from '../headers.js';
import { DEFAULT_IAM_URL, DEFAULT_METADATA_URL, DEFAULT_OAUTH_URL, DEFAULT_TRACKER_URL, type TokenSource, type TrackerOrg } from '../types.js';
import { assertUrl, normalizeOrg } from '../validate.js';
import { iamFromMetadata } from './iam-from-metadata.js';
import { iamFromOAuthToken } from './iam-from-oauth.js';
import { iamFromServiceAccountKey } from './iam-from-service-account.js';
import type { ServiceAccountKeyInput } from './service-account-key.js';
import type { SourceDefaults, TokenSourceOptions } from './source-options.js';
import { iamToken, oauthToken } from './static-tokens.js';

/** The environment variables read by {@link credentialsFromEnv}, by purpose. */
export const TRACKER_ENV = Object.freeze({
  /** Static Yandex OAuth token → `oauthToken()`. */
  oauthToken: 'TRACKER_OAUTH_TOKEN',
  /** Static IAM token → `iamToken()`. */
  iamToken: 'TRACKER_IAM_TOKEN',
  /** Optional expiry of `TRACKER_IAM_TOKEN` (RFC 3339, as IAM returns it). */
  iamTokenExpiresAt: 'TRACKER_IAM_TOKEN_EXPIRES_AT',
  /** Yandex OAuth token exchanged for IAM tokens → `iamFromOAuthToken()`. */
  iamFromOAuthToken: 'TRACKER_IAM_FROM_OAUTH_TOKEN',
  /** Service-account authorized key JSON (file contents) → `iamFromServiceAccountKey()`. */
  serviceAccountKey: 'TRACKER_SERVICE_ACCOUNT_KEY',
  /** Path of the authorized key file (Node entry only: `credentialsFromNodeEnv()`). */
  serviceAccountKeyFile: 'TRACKER_SERVICE_ACCOUNT_KEY_FILE',
  /** `true`/`1`/`yes` → `iamFromMetadata()` (on a Yandex Cloud VM or function). */
  useMetadata: 'TRACKER_USE_METADATA',
  /** Yandex 360 organization id → `{ orgId }`. */
  orgId: 'TRACKER_ORG_ID',
  /** Yandex Cloud organization id → `{ cloudOrgId }`. */
  cloudOrgId: 'TRACKER_CLOUD_ORG_ID',
  trackerUrl: 'TRACKER_API_URL',
  oauthUrl: 'YANDEX_OAUTH_URL',
  iamUrl: 'YANDEX_IAM_URL',
  metadataUrl: 'YANDEX_METADATA_URL',
} as const);

/** A `process.env`-like record. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

export interface CredentialsFromEnvOptions extends SourceDefaults {
  /** `fetch` for the IAM/metadata calls. */
  fetch?: TokenSourceOptions['fetch'];
}

/** What {@link credentialsFromEnv} returns: ready for `createTrackerAuth()` and the client. */
export interface EnvCredentials {
  credentials: TokenSource;
  org: TrackerOrg;
  /** Every upstream base URL, defaults filled in. */
  urls: { trackerUrl: string; oauthUrl: string; iamUrl: string; metadataUrl: string };
}

/** How the Node entry plugs in `TRACKER_SERVICE_ACCOUNT_KEY_FILE`. */
export type KeyFileLoader = (path: string, field: string) => ServiceAccountKeyInput;

const CREDENTIAL_VARS = [
  TRACKER_ENV.oauthToken,
  TRACKER_ENV.iamToken,
  TRACKER_ENV.iamFromOAuthToken,
  TRACKER_ENV.serviceAccountKey,
  TRACKER_ENV.serviceAccountKeyFile,
  TRACKER_ENV.useMetadata,
] as const;

/**
 * Pick the token source, organization and upstream URLs from environment variables
 * (see {@link TRACKER_ENV}). Exactly one credential variable must be set (`TRACKER_OAUTH_TOKEN`,
 * `TRACKER_IAM_TOKEN`, `TRACKER_IAM_FROM_OAUTH_TOKEN`, `TRACKER_SERVICE_ACCOUNT_KEY`, or
 * `TRACKER_USE_METADATA=true`) and exactly one of `TRACKER_ORG_ID` / `TRACKER_CLOUD_ORG_ID`;
 * otherwise a {@link ConfigurationError} names the variables (never their values). Empty values
 * count as unset. `env` defaults to `process.env` when the runtime has one.
 *
 * @example
 * const { credentials, org, urls } = credentialsFromEnv();
 * const auth = createTrackerAuth({ credentials, org });
 */
export function credentialsFromEnv(env?: EnvRecord, options: CredentialsFromEnvOptions = {}): EnvCredentials {
  return resolveEnvCredentials(env, options, undefined);
}

/** Shared by the default and the Node entry; `loadKeyFile` enables `TRACKER_SERVICE_ACCOUNT_KEY_FILE`. */
export function resolveEnvCredentials(env: EnvRecord | undefined, options: CredentialsFromEnvOptions, loadKeyFile: KeyFileLoader | undefined): EnvCredentials {
  const source = env ?? (globalThis as { process?: { env?: EnvRecord } }).process?.env;
  if (source === null || typeof source !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'env', 'credentialsFromEnv(env): no environment found; pass a record of variables (e.g. process.env).');
  }
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'credentialsFromEnv(env, options): options must be an object.');
  }
  const read = (name: string): string | undefined => {
    const value = source[name];
    if (value === undefined || value === null) return undefined;
    const trimmed = String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const url = (name: string, fallback: string): string => {
    const value = read(name);
    if (value === undefined) return fallback;
    assertUrl(value, name);
    return value;
  };
  const urls = {
    trackerUrl: url(TRACKER_ENV.trackerUrl, DEFAULT_TRACKER_URL),
    oauthUrl: url(TRACKER_ENV.oauthUrl, DEFAULT_OAUTH_URL),
    iamUrl: url(TRACKER_ENV.iamUrl, DEFAULT_IAM_URL),
    metadataUrl: url(TRACKER_ENV.metadataUrl, DEFAULT_METADATA_URL),
  };

  const useMetadata = parseFlag(read(TRACKER_ENV.useMetadata), TRACKER_ENV.useMetadata);
  const set = CREDENTIAL_VARS.filter((name) => (name === TRACKER_ENV.useMetadata ? useMetadata : read(name) !== undefined));
  if (set.length === 0) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      'env',
      `no Tracker credentials in the environment; set exactly one of ${CREDENTIAL_VARS.filter((n) => loadKeyFile || n !== TRACKER_ENV.serviceAccountKeyFile).join(', ')} (${TRACKER_ENV.useMetadata}=true on a Yandex Cloud VM or function).`,
    );
  }
  if (set.length > 1) {
    throw new ConfigurationError('INVALID_OPTION', set.join(','), `several Tracker credentials are set (${set.join(', ')}); keep exactly one of them.`);
  }
  const sourceOptions = { fetch: options.fetch, store: options.store, refresh: options.refresh };
  const chosen = set[0]!;
  const value = read(chosen) as string;
  let credentials: TokenSource;
  switch (chosen) {
    case TRACKER_ENV.oauthToken:
      credentials = renamed(chosen, () => oauthToken(value), { token: chosen });
      break;
    case TRACKER_ENV.iamToken:
      credentials = renamed(chosen, () => iamToken(value, { expiresAt: read(TRACKER_ENV.iamTokenExpiresAt), now: options.refresh?.now }), {
        token: chosen,
        expiresAt: TRACKER_ENV.iamTokenExpiresAt,
      });
      break;
    case TRACKER_ENV.iamFromOAuthToken:
      credentials = renamed(chosen, () => iamFromOAuthToken({ ...sourceOptions, oauthToken: value, iamUrl: urls.iamUrl }), { oauthToken: chosen });
      break;
    case TRACKER_ENV.serviceAccountKey:
      credentials = renamed(chosen, () => iamFromServiceAccountKey({ ...sourceOptions, key: value, iamUrl: urls.iamUrl }), { key: chosen });
      break;
    case TRACKER_ENV.serviceAccountKeyFile: {
      if (!loadKeyFile) {
        throw new ConfigurationError(
          'INVALID_OPTION',
          chosen,
          `${chosen} needs file access: use credentialsFromNodeEnv() from '@tracker-auth/core/node', or put the key JSON itself in ${TRACKER_ENV.serviceAccountKey}.`,
        );
      }
      const key = loadKeyFile(value, chosen);
      credentials = renamed(chosen, () => iamFromServiceAccountKey({ ...sourceOptions, key, iamUrl: urls.iamUrl }), { key: chosen });
      break;
    }
    default:
      credentials = renamed(chosen, () => iamFromMetadata({ ...sourceOptions, metadataUrl: urls.metadataUrl }));
  }

  const org = readOrg(read(TRACKER_ENV.orgId), read(TRACKER_ENV.cloudOrgId));
  try {
    assertOrgFitsTokenKind(credentials.kind, org, 'org');
  } catch (error) {
    throw new ConfigurationError(
      'INVALID_ORG',
      TRACKER_ENV.orgId,
      `${chosen} gives IAM tokens, which work only with Yandex Cloud organizations; set ${TRACKER_ENV.cloudOrgId} instead of ${TRACKER_ENV.orgId}, or use ${TRACKER_ENV.oauthToken}.`,
      { cause: error },
    );
  }
  return { credentials, org, urls };
}

function parseFlag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigurationError('INVALID_OPTION', name, `${name} must be true or false (1/0, yes/no also work).`);
}

function readOrg(orgId: string | undefined, cloudOrgId: string | undefined): TrackerOrg {
  if (orgId === undefined && cloudOrgId === undefined) {
    throw new ConfigurationError(
      'INVALID_ORG',
      `${TRACKER_ENV.orgId},${TRACKER_ENV.cloudOrgId}`,
      `no Tracker organization in the environment; set ${TRACKER_ENV.orgId} (Yandex 360) or ${TRACKER_ENV.cloudOrgId} (Yandex Cloud).`,
    );
  }
  if (orgId !== undefined && cloudOrgId !== undefined) {
    throw new ConfigurationError(
      'INVALID_ORG',
      `${TRACKER_ENV.orgId},${TRACKER_ENV.cloudOrgId}`,
      `both ${TRACKER_ENV.orgId} and ${TRACKER_ENV.cloudOrgId} are set; keep one (when Tracker is linked to both, ${TRACKER_ENV.orgId}).`,
    );
  }
  try {
    return renamed(
      orgId !== undefined ? TRACKER_ENV.orgId : TRACKER_ENV.cloudOrgId,
      () => normalizeOrg(orgId !== undefined ? { orgId } : { cloudOrgId }, 'env'),
      { 'env.orgId': TRACKER_ENV.orgId, 'env.cloudOrgId': TRACKER_ENV.cloudOrgId },
    );
  } catch (error) {
    // The validator's hints speak of options; here the fix is the other variable.
    if (!isConfigurationError(error)) throw error;
    const message = error.message
      .replace('pass it as cloudOrgId instead', `set it as ${TRACKER_ENV.cloudOrgId} instead`)
      .replace('pass it as orgId instead', `set it as ${TRACKER_ENV.orgId} instead`);
    throw new ConfigurationError(error.code, error.field, message, { cause: error.cause });
  }
}

/**
 * Run a factory and re-label its {@link ConfigurationError}s with the environment variable
 * name, so the message says which variable to fix. `prefixes` maps an option path prefix
 * (`token`, `key`, …) to the variable that supplied it.
 */
function renamed<T>(variable: string, build: () => T, prefixes: Record<string, string> = {}): T {
  try {
    return build();
  } catch (error) {
    if (!isConfigurationError(error)) throw error;
    for (const [from, to] of Object.entries(prefixes)) {
      if (error.field === from || error.field.startsWith(`${from}.`)) {
        const field = to + error.field.slice(from.length);
        const message = error.message.startsWith(error.field) ? field + error.message.slice(error.field.length) : `${to}: ${error.message}`;
        throw new ConfigurationError(error.code, field, message, { cause: error });
      }
    }
    throw new ConfigurationError(error.code, variable, `${variable}: ${error.message}`, { cause: error });
  }
}
