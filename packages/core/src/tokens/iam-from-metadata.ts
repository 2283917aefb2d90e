/**
 * IAM tokens from the metadata service of a Yandex Cloud VM or Cloud Function
 * (docs/yandex-api.md 3.5). The token's life comes from `expires_in`; it is re-requested when the
 * refresh window opens (1 h after receipt or 5 min before expiry), single-flight. The Yandex
 * Cloud Node SDK instead caches the first token forever after one 30 s re-fetch (docs/yandex-api.md 5).
 */
import type { FetchTokenContext, RefreshingTokenSource } from '../refresh/engine.js';
import { DEFAULT_METADATA_URL, type FetchLike, type StoredToken } from '../types.js';
import { assertUrl, endpointUrl } from '../validate.js';
import { assertSourceOptions, iamSourceEngine, type TokenSourceOptions } from './source-options.js';
import { fetchTokenJson, malformedResponseError, type UpstreamCallInfo } from './upstream-errors.js';

export const METADATA_TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token';

export interface IamFromMetadataOptions extends TokenSourceOptions {
  /** Metadata service base URL. Default `http://169.254.169.254`. */
  metadataUrl?: string | URL | undefined;
}

/**
 * A token source for the service account attached to the VM or function this code runs in.
 * No timers: the token is fetched on demand, so serverless invocations and idle processes behave.
 * A 429 from the metadata service (rate limit ~60 rps, docs/yandex-api.md 3.5) is retried with backoff.
 *
 * @example
 * const auth = createTrackerAuth({ credentials: iamFromMetadata(), org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' } });
 */
export function iamFromMetadata(options: IamFromMetadataOptions = {}): RefreshingTokenSource {
  assertSourceOptions(options, 'iamFromMetadata');
  const base = assertUrl(options.metadataUrl ?? DEFAULT_METADATA_URL, 'metadataUrl');
  const url = endpointUrl(base, METADATA_TOKEN_PATH).href;
  return iamSourceEngine(options, `iam:metadata:${base.host}`, (context) => fetchMetadataToken(url, options.fetch, context), iamFromMetadata);
}

async function fetchMetadataToken(url: string, fetch: FetchLike | undefined, { signal, timeoutMs, now }: FetchTokenContext): Promise<StoredToken> {
  const info: UpstreamCallInfo = { source: 'metadata', what: 'metadata token request', method: 'GET', url };
  // GCE-compatible: without Metadata-Flavor the service refuses (403).
  const { body, status, issuedAt } = await fetchTokenJson({ headers: { 'Metadata-Flavor': 'Google' }, fetch, signal, timeoutMs }, info, now);
  const { access_token: token, expires_in: rawExpiresIn } = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
  // Seconds, as a number or a string of digits.
  const expiresIn = typeof rawExpiresIn === 'string' && /^\d+$/.test(rawExpiresIn) ? Number(rawExpiresIn) : rawExpiresIn;
  if (typeof token !== 'string' || !/^\S+$/.test(token)) throw malformedResponseError(info, status, 'no access_token');
  if (!(Number.isFinite(expiresIn) && (expiresIn as number) > 0)) throw malformedResponseError(info, status, 'no positive expires_in');
  return { token, kind: 'iam', issuedAt, expiresAt: issuedAt + (expiresIn as number) * 1000 };
}
