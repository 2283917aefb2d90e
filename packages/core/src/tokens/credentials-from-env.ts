/**
 * Credentials, organization and upstream URLs from environment variables, so one deployment
 * setting picks the token source and the fake Yandex can stand in for every upstream.
 *
 * Every value is checked here, under the name of the variable that holds it, before any token
 * source is built: a bad value is a {@link ConfigurationError} whose `field` is the variable and
 * whose message says how to fix that variable. The validators take the field name as an
 * argument, so no message is rewritten after the fact, and none repeats a value (a token or a
 * key pasted into the wrong variable must not reach a log through the error).
 */
import { ConfigurationError } from '../errors.js';
import { resolveRefreshOptions } from '../refresh/refresh-policy.js';
import { DEFAULT_IAM_URL, DEFAULT_METADATA_URL, DEFAULT_OAUTH_URL, DEFAULT_TRACKER_URL, type TokenKind, type TokenSource, type TrackerOrg } from '../types.js';
import { CLOUD_ORG_ID, ORG_ID, assertToken, assertUrl } from '../validate.js';
import { parseIamExpiresAt } from './iam-exchange.js';
import { iamFromMetadata } from './iam-from-metadata.js';
import { iamFromOAuthToken } from './iam-from-oauth.js';
import { iamFromServiceAccountKey } from './iam-from-service-account.js';
import { parseServiceAccountKey, type ServiceAccountKeyInput } from './service-account-key.js';
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

/** The `field` of an error about the organization as a whole (neither or both set). */
const ORG_VARS = `${TRACKER_ENV.orgId},${TRACKER_ENV.cloudOrgId}`;

/**
 * Pick the token source, organization and upstream URLs from environment variables
 * (see {@link TRACKER_ENV}). Exactly one credential variable must be set (`TRACKER_OAUTH_TOKEN`,
 * `TRACKER_IAM_TOKEN`, `TRACKER_IAM_FROM_OAUTH_TOKEN`, `TRACKER_SERVICE_ACCOUNT_KEY`, or
 * `TRACKER_USE_METADATA=true`) and exactly one of `TRACKER_ORG_ID` / `TRACKER_CLOUD_ORG_ID`;
 * otherwise a {@link ConfigurationError} names the variables (never their values). Empty values
 * count as unset. `env` defaults to `process.env` when the runtime has one.
 *
 * @throws {ConfigurationError} `field` is the variable at fault (`TRACKER_ORG_ID`,
 *   `TRACKER_SERVICE_ACCOUNT_KEY.private_key`, …), or `env` when no credential is set.
 * @example
 * const { credentials, org, urls } = credentialsFromEnv({ TRACKER_OAUTH_TOKEN: 'y0_…', TRACKER_ORG_ID: '1234567' });
 * const auth = createTrackerAuth({ credentials, org });
 * const tracker = createTrackerClient(auth, { trackerUrl: urls.trackerUrl });
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
  // Checked here so that `refresh.now` is known good before a static IAM token takes it.
  resolveRefreshOptions(options.refresh, 'refresh');
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
  const chosen = set[0]!;
  const value = read(chosen) as string;
  if (chosen === TRACKER_ENV.serviceAccountKeyFile && !loadKeyFile) {
    throw new ConfigurationError(
      'INVALID_OPTION',
      chosen,
      `${chosen} needs file access: use credentialsFromNodeEnv() from '@tracker-auth/core/node', or put the key JSON itself in ${TRACKER_ENV.serviceAccountKey}.`,
    );
  }

  // The organization is checked before any source is built: its kind decides which tokens fit.
  const org = readOrg(read(TRACKER_ENV.orgId), read(TRACKER_ENV.cloudOrgId));
  const kind: TokenKind = chosen === TRACKER_ENV.oauthToken ? 'oauth' : 'iam';
  if (kind === 'iam' && org.cloudOrgId === undefined) {
    // IAM tokens (Bearer) are refused for Yandex 360 organizations (docs/yandex-api.md 1.2).
    throw new ConfigurationError(
      'INVALID_ORG',
      TRACKER_ENV.orgId,
      `${chosen} gives IAM tokens, which work only with Yandex Cloud organizations; set ${TRACKER_ENV.cloudOrgId} instead of ${TRACKER_ENV.orgId}, or use ${TRACKER_ENV.oauthToken}.`,
    );
  }

  const sourceOptions = { fetch: options.fetch, store: options.store, refresh: options.refresh, onEvent: options.onEvent };
  let credentials: TokenSource;
  switch (chosen) {
    case TRACKER_ENV.oauthToken:
      credentials = oauthToken(assertToken(value, chosen));
      break;
    case TRACKER_ENV.iamToken:
      credentials = iamToken(assertToken(value, chosen), { expiresAt: readExpiry(read(TRACKER_ENV.iamTokenExpiresAt)), now: options.refresh?.now });
      break;
    case TRACKER_ENV.iamFromOAuthToken:
      credentials = iamFromOAuthToken({ ...sourceOptions, oauthToken: assertToken(value, chosen), iamUrl: urls.iamUrl });
      break;
    case TRACKER_ENV.serviceAccountKey:
    case TRACKER_ENV.serviceAccountKeyFile: {
      const key: ServiceAccountKeyInput = chosen === TRACKER_ENV.serviceAccountKey ? value : loadKeyFile!(value, chosen);
      // Parsed once under the variable's name, so a damaged key is reported as, say,
      // `TRACKER_SERVICE_ACCOUNT_KEY.private_key`; the source then takes the checked key.
      parseServiceAccountKey(key, chosen);
      credentials = iamFromServiceAccountKey({ ...sourceOptions, key, iamUrl: urls.iamUrl });
      break;
    }
    default:
      credentials = iamFromMetadata({ ...sourceOptions, metadataUrl: urls.metadataUrl });
  }
  return { credentials, org, urls };
}

function parseFlag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigurationError('INVALID_OPTION', name, `${name} must be true or false (1/0, yes/no also work).`);
}

/** `TRACKER_IAM_TOKEN_EXPIRES_AT` as epoch ms: the RFC 3339 `expiresAt` IAM answers with. */
function readExpiry(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const expiresAt = parseIamExpiresAt(value);
  if (expiresAt === undefined) {
    const name = TRACKER_ENV.iamTokenExpiresAt;
    throw new ConfigurationError('INVALID_OPTION', name, `${name} must be an RFC 3339 timestamp such as 2026-11-30T04:00:00Z (IAM's expiresAt).`);
  }
  return expiresAt;
}

/**
 * The organization from its two variables. The id patterns are validate.ts's (one definition
 * of what an id looks like); the hints name the other variable, since the usual mistake is a
 * Yandex Cloud id in `TRACKER_ORG_ID` or the reverse.
 */
function readOrg(orgId: string | undefined, cloudOrgId: string | undefined): TrackerOrg {
  const { orgId: orgVar, cloudOrgId: cloudVar } = TRACKER_ENV;
  if (orgId === undefined && cloudOrgId === undefined) {
    throw new ConfigurationError('INVALID_ORG', ORG_VARS, `no Tracker organization in the environment; set ${orgVar} (Yandex 360) or ${cloudVar} (Yandex Cloud).`);
  }
  if (orgId !== undefined && cloudOrgId !== undefined) {
    throw new ConfigurationError('INVALID_ORG', ORG_VARS, `both ${orgVar} and ${cloudVar} are set; keep one (when Tracker is linked to both, ${orgVar}).`);
  }
  if (orgId !== undefined) {
    if (ORG_ID.test(orgId)) return { orgId };
    const hint = CLOUD_ORG_ID.test(orgId) ? `it looks like a Yandex Cloud organization id: set it as ${cloudVar} instead` : 'a Yandex 360 organization id is digits only (e.g. 1234567)';
    throw new ConfigurationError('INVALID_ORG', orgVar, `${orgVar} is not a Yandex 360 organization id; ${hint}.`);
  }
  if (CLOUD_ORG_ID.test(cloudOrgId!)) return { cloudOrgId: cloudOrgId! };
  const hint = ORG_ID.test(cloudOrgId!) ? `it looks like a Yandex 360 organization id (digits): set it as ${orgVar} instead` : 'a Yandex Cloud organization id looks like bpf… (20 lower-case letters and digits)';
  throw new ConfigurationError('INVALID_ORG', cloudVar, `${cloudVar} is not a Yandex Cloud organization id; ${hint}.`);
}
