/**
 * @tracker-auth/core: Yandex Tracker API auth for any runtime with fetch and WebCrypto.
 *
 * This entry holds what an application uses, chosen one by one (a test pins the list: adding a
 * name is a conscious change). Building blocks for adapters and libraries (validators, error
 * answers, cookie helpers, option and event types of every function) are in
 * `@tracker-auth/core/adapter`; Node-only helpers in `@tracker-auth/core/node`.
 * @packageDocumentation
 */

// Errors: one tree, and guards that also match copies of the classes from another bundle.
export {
  TrackerAuthError,
  ConfigurationError,
  OAuthResponseError,
  OAuthCallbackError,
  TokenExchangeError,
  TrackerHttpError,
  UnauthorizedError,
  TimeoutError,
  NetworkError,
  AbortedError,
  SessionError,
  SignInRequiredError,
  RequestRejectedError,
  InvalidResponseError,
  isTrackerAuthError,
  isConfigurationError,
  isOAuthResponseError,
  isOAuthCallbackError,
  isTokenExchangeError,
  isTrackerHttpError,
  isUnauthorizedError,
  isTimeoutError,
  isNetworkError,
  isAbortedError,
  isSessionError,
  isSignInRequiredError,
  isRequestRejectedError,
  isInvalidResponseError,
  type TrackerAuthErrorCode,
} from './errors.js';
export { ScrollExpiredError, isScrollExpiredError } from './client/scroll-expired-error.js';

// Auth headers and credentials.
export { createTrackerAuth, type CreateTrackerAuthOptions } from './auth.js';
export { buildTrackerHeaders } from './headers.js';
export { oauthToken, iamToken } from './tokens/static-tokens.js';
export { iamFromOAuthToken } from './tokens/iam-from-oauth.js';
export { iamFromServiceAccountKey } from './tokens/iam-from-service-account.js';
export type { ServiceAccountKeyInput } from './tokens/service-account-key.js';
export { iamFromMetadata } from './tokens/iam-from-metadata.js';
export { credentialsFromEnv, TRACKER_ENV } from './tokens/credentials-from-env.js';
export { createMemoryTokenStore } from './refresh/memory-store.js';
export type {
  TrackerAuth,
  TrackerOrg,
  TrackerHeaders,
  TokenSource,
  AccessToken,
  GetTokenOptions,
  TokenStore,
  StoredToken,
  TokenStoreLock,
  RefreshOptions,
  FetchLike,
  OAuthTokenSet,
} from './types.js';
export type { TrackerAuthEvent, TrackerAuthEventHandler } from './events.js';
export { redactHeaders } from './redact.js';

// The Tracker client.
export { createTrackerClient, type TrackerClientOptions } from './client/tracker-client.js';
export type { TrackerClient } from './client/tracker-client-type.js';
export { verifyAccess, type TrackerUser } from './client/verify-access.js';
export { paginate, type PaginateOptions } from './client/paginate.js';
export type { User, Queue, Issue, Comment, Transition } from './client/entities.js';

// Yandex OAuth: builders, grants, sealed sessions.
export { TRACKER_SCOPES, type TrackerScope } from './oauth/scopes.js';
export { buildAuthorizeUrl } from './oauth/authorize-url.js';
export { createPkce } from './oauth/pkce.js';
export { createState } from './oauth/state.js';
export { parseCallback } from './oauth/callback.js';
export { exchangeCode, refreshOAuthToken, requestDeviceCode, pollDeviceToken, revokeToken } from './oauth/grants.js';
export { userTokenSource } from './oauth/user-token-source.js';
export { sealSession, unsealSession, createSessionSealer, type SessionSealer } from './session/seal.js';

// Web-standard handlers: sign-in with Yandex and the Tracker proxy.
export { createOAuthFlow, type OAuthFlow, type OAuthFlowOptions, type OAuthSession } from './web/oauth-flow.js';
export type { UserAuth } from './web/user-auth.js';
export { serializeCookie, type SessionCookie } from './web/cookies.js';
export { SIGN_IN_ERROR_CODES, type SignInErrorCode } from './web/sign-in-error-code.js';
export { createTrackerProxy, type TrackerProxyOptions } from './web/proxy.js';
export { sameOriginSignedIn, isCrossSiteRequest } from './web/proxy-gate.js';
