/**
 * Node-only helpers for service-account authorized key files (`yc iam key create --output key.json`)
 * and the `TRACKER_SERVICE_ACCOUNT_KEY_FILE` environment variable. The default entry stays
 * web-standard; file access lives here.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors.js';
import { iamFromServiceAccountKey, type IamFromServiceAccountKeyOptions, type ServiceAccountTokenSource } from '../tokens/iam-from-service-account.js';
import { parseServiceAccountKey, type ServiceAccountKeyFile } from '../tokens/service-account-key.js';
import { resolveEnvCredentials, type CredentialsFromEnvOptions, type EnvCredentials, type EnvRecord } from '../tokens/credentials-from-env.js';

/**
 * Read and check an authorized key file, synchronously (call it at startup). Returns the parsed
 * JSON object; errors are {@link ConfigurationError} `INVALID_KEY` naming the path and the field,
 * never the key material.
 *
 * @example
 * const key = loadServiceAccountKey('/run/secrets/tracker-sa-key.json');
 * const credentials = iamFromServiceAccountKey({ key });
 */
export function loadServiceAccountKey(path: string, field = 'path'): ServiceAccountKeyFile {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ConfigurationError('INVALID_OPTION', field, `${field} must be the path of the authorized key JSON file.`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this process' : `could not be read (${String(code ?? 'error')})`;
    throw new ConfigurationError('INVALID_KEY', field, `the service-account key file ${JSON.stringify(path)} (${field}) ${why}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigurationError('INVALID_KEY', field, `the service-account key file ${JSON.stringify(path)} (${field}) is not valid JSON; it should be the file written by \`yc iam key create --output key.json\`.`);
  }
  parseServiceAccountKey(json, 'key');
  return json as ServiceAccountKeyFile;
}

export interface IamFromServiceAccountKeyFileOptions extends Omit<IamFromServiceAccountKeyOptions, 'key'> {
  /** Path of the authorized key JSON file; read once, now. */
  path: string;
}

/**
 * {@link iamFromServiceAccountKey} with the key read from a file at construction.
 *
 * @example
 * import { iamFromServiceAccountKeyFile } from '@tracker-auth/core/node';
 * const credentials = iamFromServiceAccountKeyFile({ path: './key.json' });
 */
export function iamFromServiceAccountKeyFile(options: IamFromServiceAccountKeyFileOptions): ServiceAccountTokenSource {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'iamFromServiceAccountKeyFile() needs an options object with path.');
  }
  const { path, ...rest } = options;
  return iamFromServiceAccountKey({ ...rest, key: loadServiceAccountKey(path, 'path') });
}

/**
 * `credentialsFromEnv()` that also understands `TRACKER_SERVICE_ACCOUNT_KEY_FILE` (a path to the
 * authorized key file). `env` defaults to `process.env`.
 *
 * @example
 * import { credentialsFromNodeEnv } from '@tracker-auth/core/node';
 * const { credentials, org } = credentialsFromNodeEnv();
 */
export function credentialsFromNodeEnv(env: EnvRecord = process.env, options: CredentialsFromEnvOptions = {}): EnvCredentials {
  return resolveEnvCredentials(env, options, (path, field) => loadServiceAccountKey(path, field));
}
