// Public exports of this area, chosen one by one (see index.ts).
export { createTrackerAuth, type CreateTrackerAuthOptions } from './auth.js';
export {
  createRefreshingTokenSource,
  isRetryableTokenError,
  type FetchTokenContext,
  type RefreshingTokenSource,
  type RefreshingTokenSourceOptions,
} from './refresh/engine.js';
export { createMemoryTokenStore, memoryTokenStore, type MemoryTokenStore } from './refresh/memory-store.js';
export { DEFAULT_REFRESH_OPTIONS } from './refresh/refresh-policy.js';
export { oauthToken, iamToken, type IamTokenOptions, type StaticTokenSource } from './tokens/static-tokens.js';
export { iamFromOAuthToken, type IamFromOAuthTokenOptions } from './tokens/iam-from-oauth.js';
export {
  iamFromServiceAccountKey,
  type IamFromServiceAccountKeyOptions,
  type ServiceAccountTokenSource,
} from './tokens/iam-from-service-account.js';
export type { ServiceAccountKeyInput, ServiceAccountKeyFile, ServiceAccountKeyCamel } from './tokens/service-account-key.js';
export { SERVICE_ACCOUNT_JWT_AUDIENCE } from './tokens/service-account-jwt.js';
export { iamFromMetadata, type IamFromMetadataOptions } from './tokens/iam-from-metadata.js';
export {
  credentialsFromEnv,
  TRACKER_ENV,
  type CredentialsFromEnvOptions,
  type EnvCredentials,
  type EnvRecord,
} from './tokens/credentials-from-env.js';
export type { TokenSourceOptions } from './tokens/source-options.js';
