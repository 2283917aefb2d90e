// Public exports of this area, chosen one by one (see index.ts).
export {
  createTrackerProxy,
  DEFAULT_PROXY_METHODS,
  DEFAULT_PROXY_PATHS,
  DEFAULT_PROXY_MAX_BODY_BYTES,
  DEFAULT_PROXY_BODY_TIMEOUT_MS,
  type TrackerProxy,
  type TrackerProxyAuth,
  type TrackerProxyContext,
  type TrackerProxyOptions,
} from './web/proxy.js';
export { isCrossSiteRequest, sameOriginSignedIn, type CrossSiteOptions, type TrackerProxyGate } from './web/proxy-gate.js';
export {
  createOAuthFlow,
  type OAuthFlow,
  type OAuthFlowOptions,
  type OAuthFlowCookieOptions,
  type OAuthSession,
  type GetSessionOptions,
  type SessionRefresh,
} from './web/oauth-flow.js';
export type { UserAuth } from './web/user-auth.js';
export { SIGN_IN_ERROR_CODES, signInErrorCode, type SignInErrorCode } from './web/sign-in-error-code.js';
export { errorAnswer, toErrorBody, toErrorResponse, type ErrorAnswer, type WebErrorBody, type WebErrorCode, type WebErrorDetails } from './web/error-response.js';
export { serializeCookie, readCookie, parseCookies, type CookieOptions } from './web/cookies.js';
export { safeReturnTo } from './web/return-to.js';
