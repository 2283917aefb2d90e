/**
 * @tracker-auth/core: Yandex Tracker API auth for any runtime with fetch and WebCrypto.
 * @packageDocumentation
 */
export * from './errors.js';
export {
  REDACTED,
  SECRET_HEADER_NAMES,
  isSecretKey,
  redactHeaders,
  redactUrl,
  redactSecrets,
  hideSecrets,
  scrubSecrets,
  type HeadersLike,
} from './redact.js';
export type {
  TrackerOrg,
  TokenKind,
  AccessToken,
  GetTokenOptions,
  TokenSource,
  StoredToken,
  TokenStore,
  TokenStoreLock,
  RefreshOptions,
  TrackerHeaders,
  TrackerAuth,
  UpstreamUrls,
  FetchLike,
  OAuthTokenSet,
} from './types.js';
export { DEFAULT_TRACKER_URL, DEFAULT_OAUTH_URL, DEFAULT_IAM_URL, DEFAULT_METADATA_URL } from './types.js';
export { parseRetryAfter } from './http/upstream.js';
export type {
  TrackerAuthEvent,
  TrackerAuthEventHandler,
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
// Each area keeps its own list of chosen exports.
export * from './exports-offline.js';
export * from './exports-tokens.js';
export * from './exports-oauth.js';
export * from './exports-client.js';
export * from './exports-web.js';
