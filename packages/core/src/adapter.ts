/**
 * @tracker-auth/core/adapter: building blocks for framework adapters and libraries built on
 * core. Applications rarely need these: `@tracker-auth/core` holds what they use.
 *
 * Here: input validators that throw core's typed errors, the web error answers every adapter
 * sends, cookie and sign-in routing helpers, redaction helpers, the refresh engine for custom
 * token sources, defaults, and the option, result and event types of every public function.
 * Names are chosen one by one; a test pins the list.
 * @packageDocumentation
 */

// Errors: codes, status mapping, and the option/init types of the classes.
export {
  ERROR_CODES,
  httpStatusForError,
  type ConfigurationErrorCode,
  type OAuthCallbackErrorCode,
  type RequestRejectedErrorCode,
  type TrackerAuthErrorOptions,
  type CallErrorOptions,
  type OAuthResponseErrorInit,
  type TokenExchangeErrorInit,
  type TrackerHttpErrorInit,
  type InvalidResponseErrorInit,
} from './errors.js';

// Validators (ConfigurationError naming the field, never echoing a secret).
export { assertOrgFitsTokenKind } from './headers.js';
export { assertToken, normalizeOrg, assertUrl, assertAppPath, endpointUrl, type AssertUrlOptions, type AssertAppPathOptions } from './validate.js';
export { assertTrackerClientOptions } from './client/client-options.js';
export { assertSessionSecrets, MIN_SECRET_BYTES } from './session/keys.js';

// Redaction.
export { REDACTED, SECRET_HEADER_NAMES, isSecretKey, redactUrl, redactSecrets, hideSecrets, scrubSecrets, type HeadersLike } from './redact.js';

// Upstream defaults and HTTP helpers.
export { DEFAULT_TRACKER_URL, DEFAULT_OAUTH_URL, DEFAULT_IAM_URL, DEFAULT_METADATA_URL, type TokenKind, type TokenSourceDefaults, type UpstreamUrls } from './types.js';
export { parseRetryAfter } from './http/upstream.js';

// Token sources: the refresh engine for custom sources, and option types.
export {
  createRefreshingTokenSource,
  isRetryableTokenError,
  type FetchTokenContext,
  type RefreshingTokenSource,
  type RefreshingTokenSourceOptions,
} from './refresh/engine.js';
export type { MemoryTokenStore } from './refresh/memory-store.js';
export { DEFAULT_REFRESH_OPTIONS } from './refresh/refresh-policy.js';
export type { TokenSourceOptions } from './tokens/source-options.js';
export type { IamTokenOptions, StaticTokenSource } from './tokens/static-tokens.js';
export type { IamFromOAuthTokenOptions } from './tokens/iam-from-oauth.js';
export type { IamFromServiceAccountKeyOptions, ServiceAccountTokenSource } from './tokens/iam-from-service-account.js';
export type { ServiceAccountKeyFile, ServiceAccountKeyCamel } from './tokens/service-account-key.js';
export { SERVICE_ACCOUNT_JWT_AUDIENCE } from './tokens/service-account-jwt.js';
export type { IamFromMetadataOptions } from './tokens/iam-from-metadata.js';
export type { CredentialsFromEnvOptions, EnvCredentials, EnvRecord } from './tokens/credentials-from-env.js';

// Events, one type per event.
export type {
  TrackerAuthEventError,
  RefreshReason,
  RefreshStartEvent,
  RefreshEndEvent,
  RefreshFailureEvent,
  RefreshRetryEvent,
  RefreshCooldownEvent,
  RequestRetryEvent,
  RateLimitedEvent,
  UnauthorizedReplayEvent,
  UnauthorizedCooldownEvent,
  SessionRotatedEvent,
  SessionDeadEvent,
} from './events.js';

// Client option and result types.
export type { Paginated, Page, ScrollOptions } from './client/paginate.js';
export type { TrackerRef } from './client/entities.js';

// OAuth builders and grants: the lower-level pieces and option types.
export { TRACKER_READ, TRACKER_WRITE } from './oauth/scopes.js';
export type { AuthorizeUrlOptions } from './oauth/authorize-url.js';
export { pkceFromVerifier, computeCodeChallenge, type Pkce } from './oauth/pkce.js';
export type { ParseCallbackOptions, CallbackResult, CodeCallback, TokenCallback } from './oauth/callback.js';
export type {
  ClientAuthMethod,
  ExchangeCodeOptions,
  OAuthClientCredentials,
  OAuthRequestOptions,
  RefreshOAuthTokenOptions,
  DeviceCode,
  DevicePollProgress,
  PollDeviceTokenOptions,
  RequestDeviceCodeOptions,
  RevokeTokenOptions,
} from './oauth/grants.js';
export { USER_TOKEN_MAX_AGE_MS, type UserTokenSourceOptions } from './oauth/user-token-source.js';
export { DEFAULT_SESSION_TTL_SECONDS, type SessionData, type SealOptions, type UnsealOptions, type SessionKeyOptions } from './session/seal.js';

// Web handlers: what adapters translate to and from.
export type { OAuthFlowCookieOptions, GetSessionOptions, SessionRefresh } from './web/oauth-flow.js';
export { handleSignInAction, SIGN_IN_ACTIONS, type SignInAction } from './web/sign-in-action.js';
export { signInErrorCode } from './web/sign-in-error-code.js';
export { readCookie, parseCookies, cookiesOf, cookieHeaderAfter, type CookieOptions } from './web/cookies.js';
export { safeReturnTo } from './web/return-to.js';
export { errorAnswer, toErrorBody, toErrorResponse, type ErrorAnswer, type WebErrorBody, type WebErrorCode, type WebErrorDetails } from './web/error-response.js';
export {
  DEFAULT_PROXY_METHODS,
  DEFAULT_PROXY_PATHS,
  DEFAULT_PROXY_MAX_BODY_BYTES,
  DEFAULT_PROXY_BODY_TIMEOUT_MS,
  type TrackerProxy,
  type TrackerProxyAuth,
  type TrackerProxyContext,
} from './web/proxy.js';
export type { CrossSiteOptions, TrackerProxyGate } from './web/proxy-gate.js';
export { headerOrigin, publicRequest, type HeaderReader } from './web/public-origin.js';
export { createTrackerContexts, type TrackerContext } from './web/tracker-context.js';
