// Public exports of this area, chosen one by one (see index.ts).
export {
  exchangeCode,
  refreshOAuthToken,
  requestDeviceCode,
  pollDeviceToken,
  revokeToken,
  type ClientAuthMethod,
  type ExchangeCodeOptions,
  type OAuthClientCredentials,
  type OAuthRequestOptions,
  type RefreshOAuthTokenOptions,
  type DeviceCode,
  type DevicePollProgress,
  type PollDeviceTokenOptions,
  type RequestDeviceCodeOptions,
  type RevokeTokenOptions,
} from './oauth/grants.js';
export { userTokenSource, USER_TOKEN_MAX_AGE_MS, type UserTokenSourceOptions } from './oauth/user-token-source.js';
