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
import { resolveRefreshOptions } from '../refresh/refresh-policy.js';
import { DEFAULT_IAM_URL, DEFAULT_METADATA_URL, DEFAULT_OAUTH_URL, DEFAULT_TRACKER_URL, type TokenSource, type TrackerOrg } from '../types.js';
import { CLOUD_ORG_ID, ORG_ID, assertToken, assertUrl, optionFailer, type OptionFail } from '../validate.js';
import { parseIamExpiresAt } from './iam-exchange.js';
import { iamFromMetadata } from './iam-from-metadata.js';
import { iamFromOAuthToken } from './iam-from-oauth.js';
import { iamFromServiceAccountKey } from './iam-from-service-account.js';
import { parseServiceAccountKey, type ServiceAccountKeyInput } from './service-account-key.js';
import type { SourceDefaults, TokenSourceOptions } from './source-options.js';
import { iamToken, oauthToken } from './static-tokens.js';

// The names once, as constants: the checks below compare against them many times.
const OAUTH_TOKEN = 'TRACKER_OAUTH_TOKEN';
const IAM_TOKEN = 'TRACKER_IAM_TOKEN';
const IAM_TOKEN_EXPIRES_AT = 'TRACKER_IAM_TOKEN_EXPIRES_AT';
const IAM_FROM_OAUTH_TOKEN = 'TRACKER_IAM_FROM_OAUTH_TOKEN';
const SERVICE_ACCOUNT_KEY = 'TRACKER_SERVICE_ACCOUNT_KEY';
const SERVICE_ACCOUNT_KEY_FILE = 'TRACKER_SERVICE_ACCOUNT_KEY_FILE';
const USE_METADATA = 'TRACKER_USE_METADATA';
const ORG_ID_VAR = 'TRACKER_ORG_ID';
const CLOUD_ORG_ID_VAR = 'TRACKER_CLOUD_ORG_ID';

/** The environment variables read by {@link credentialsFromEnv}, by purpose. */
export const TRACKER_ENV = Object.freeze({
  /** Static Yandex OAuth token → `oauthToken()`. */
  oauthToken: OAUTH_TOKEN,
  /** Static IAM token → `iamToken()`. */
  iamToken: IAM_TOKEN,
  /** Optional expiry of `TRACKER_IAM_TOKEN` (RFC 3339, as IAM returns it). */
  iamTokenExpiresAt: IAM_TOKEN_EXPIRES_AT,
  /** Yandex OAuth token exchanged for IAM tokens → `iamFromOAuthToken()`. */
  iamFromOAuthToken: IAM_FROM_OAUTH_TOKEN,
  /** Service-account authorized key JSON (file contents) → `iamFromServiceAccountKey()`. */
  serviceAccountKey: SERVICE_ACCOUNT_KEY,
  /** Path of the authorized key file (Node entry only: `credentialsFromNodeEnv()`). */
  serviceAccountKeyFile: SERVICE_ACCOUNT_KEY_FILE,
  /** `true`/`1`/`yes` → `iamFromMetadata()` (on a Yandex Cloud VM or function). */
  useMetadata: USE_METADATA,
  /** Yandex 360 organization id → `{ orgId }`. */
  orgId: ORG_ID_VAR,
  /** Yandex Cloud organization id → `{ cloudOrgId }`. */
  cloudOrgId: CLOUD_ORG_ID_VAR,
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

const CREDENTIAL_VARS = [OAUTH_TOKEN, IAM_TOKEN, IAM_FROM_OAUTH_TOKEN, SERVICE_ACCOUNT_KEY, SERVICE_ACCOUNT_KEY_FILE, USE_METADATA] as const;

/**
 * Per organization variable: the id pattern (validate.ts's, one definition of what an id looks
 * like), the product and the shape of its ids. The hint names the other variable when the id
 * fits it, since the usual mistake is a Yandex Cloud id in `TRACKER_ORG_ID` or the reverse.
 */
const ORG_VARS = [
  [ORG_ID_VAR, ORG_ID, 'Yandex 360', 'digits only (e.g. 1234567)'],
  [CLOUD_ORG_ID_VAR, CLOUD_ORG_ID, 'Yandex Cloud', 'like bpf… (20 letters and digits)'],
] as const;

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
  return resolveEnvCredentials(env, options);
}

/** Shared by the default and the Node entry; `loadKeyFile` enables `TRACKER_SERVICE_ACCOUNT_KEY_FILE`. */
export function resolveEnvCredentials(env: EnvRecord | undefined, options: CredentialsFromEnvOptions, loadKeyFile?: KeyFileLoader): EnvCredentials {
  const fail: OptionFail = optionFailer('credentialsFromEnv');
  const source = env ?? (globalThis as { process?: { env?: EnvRecord } }).process?.env;
  if (typeof source !== 'object' || source === null) fail('env', 'must be a record such as process.env');
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  const { fetch, store, refresh, onEvent } = options;
  // Checked here so that `refresh.now` is known good before a static IAM token takes it.
  resolveRefreshOptions(refresh);
  // Empty or blank counts as unset.
  const read = (name: string): string | undefined => String(source[name] ?? '').trim() || undefined;
  const urls = { trackerUrl: DEFAULT_TRACKER_URL, oauthUrl: DEFAULT_OAUTH_URL, iamUrl: DEFAULT_IAM_URL, metadataUrl: DEFAULT_METADATA_URL };
  for (const key in urls) {
    const name = TRACKER_ENV[key as keyof typeof urls];
    const value = read(name);
    if (value !== undefined) {
      assertUrl(value, name);
      urls[key as keyof typeof urls] = value;
    }
  }

  const flag = read(USE_METADATA) ?? 'false';
  const useMetadata = /^(1|true|yes|on)$/i.test(flag);
  if (!useMetadata && !/^(0|false|no|off)$/i.test(flag)) fail(USE_METADATA, 'must be true or false');
  const set = CREDENTIAL_VARS.filter((name) => (name === USE_METADATA ? useMetadata : read(name) !== undefined));
  if (set.length !== 1) {
    if (set.length) fail(set.join(','), 'are all set; keep exactly one of them');
    const names = CREDENTIAL_VARS.filter((name) => loadKeyFile || name !== SERVICE_ACCOUNT_KEY_FILE).join(', ');
    fail('env', `has no Tracker credentials; set one of ${names} (${USE_METADATA}=true on a Yandex Cloud VM)`);
  }
  const chosen = set[0]!;
  const value = read(chosen)!;
  if (chosen === SERVICE_ACCOUNT_KEY_FILE && !loadKeyFile) {
    fail(chosen, `needs credentialsFromNodeEnv() (@tracker-auth/core/node), or put the key JSON in ${SERVICE_ACCOUNT_KEY}`);
  }

  // The organization is checked before any source is built: its kind decides which tokens fit.
  const orgId = read(ORG_ID_VAR);
  const cloudOrgId = read(CLOUD_ORG_ID_VAR);
  if ((orgId === undefined) === (cloudOrgId === undefined)) {
    fail(
      `${ORG_ID_VAR},${CLOUD_ORG_ID_VAR}`,
      orgId ? `are both set; keep one (${ORG_ID_VAR} when Tracker is linked to both)` : `are both unset; set ${ORG_ID_VAR} (Yandex 360) or ${CLOUD_ORG_ID_VAR} (Yandex Cloud)`,
      'INVALID_ORG',
    );
  }
  const cloud = orgId === undefined;
  const id = (orgId ?? cloudOrgId)!;
  const [[name, pattern, product, shape], [other, otherPattern]] = cloud ? [ORG_VARS[1], ORG_VARS[0]] : ORG_VARS;
  if (!pattern.test(id)) fail(name, `is not a ${product} organization id; ${otherPattern.test(id) ? `set it as ${other} instead` : `a ${product} id is ${shape}`}`, 'INVALID_ORG');
  const org: TrackerOrg = cloud ? { cloudOrgId: id } : { orgId: id };
  // IAM tokens (Bearer) are refused for Yandex 360 organizations (docs/yandex-api.md 1.2).
  if (!cloud && chosen !== OAUTH_TOKEN) fail(ORG_ID_VAR, `does not take the IAM tokens of ${chosen}; set ${CLOUD_ORG_ID_VAR} instead, or use ${OAUTH_TOKEN}`, 'INVALID_ORG');

  const sourceOptions = { fetch, store, refresh, onEvent };
  let credentials: TokenSource;
  switch (chosen) {
    case OAUTH_TOKEN:
      credentials = oauthToken(assertToken(value, chosen));
      break;
    case IAM_TOKEN: {
      const token = assertToken(value, chosen);
      const expires = read(IAM_TOKEN_EXPIRES_AT);
      // RFC 3339, the `expiresAt` IAM answers with.
      const expiresAt = expires === undefined ? undefined : (parseIamExpiresAt(expires) ?? fail(IAM_TOKEN_EXPIRES_AT, 'must be an RFC 3339 timestamp such as 2026-11-30T04:00:00Z'));
      credentials = iamToken(token, { expiresAt, now: refresh?.now });
      break;
    }
    case IAM_FROM_OAUTH_TOKEN:
      credentials = iamFromOAuthToken({ ...sourceOptions, oauthToken: assertToken(value, chosen), iamUrl: urls.iamUrl });
      break;
    case SERVICE_ACCOUNT_KEY:
    case SERVICE_ACCOUNT_KEY_FILE: {
      const key: ServiceAccountKeyInput = chosen === SERVICE_ACCOUNT_KEY ? value : loadKeyFile!(value, chosen);
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
