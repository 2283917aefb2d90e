/**
 * The Yandex OAuth grants in one import: code exchange, refresh, device flow, revocation.
 * Each lives in its own module; this file only gathers them.
 */
export {
  exchangeCode,
  refreshOAuthToken,
  type ClientAuthMethod,
  type ExchangeCodeOptions,
  type OAuthClientCredentials,
  type OAuthRequestOptions,
  type RefreshOAuthTokenOptions,
} from './token-endpoint.js';
export {
  requestDeviceCode,
  pollDeviceToken,
  type DeviceCode,
  type DevicePollProgress,
  type PollDeviceTokenOptions,
  type RequestDeviceCodeOptions,
} from './device-flow.js';
export { revokeToken, type RevokeTokenOptions } from './revoke.js';
