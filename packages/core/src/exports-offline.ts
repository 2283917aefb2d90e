// Public exports of the offline area (headers, validators, OAuth builders, sealed sessions),
// chosen one by one (see index.ts).
export { buildTrackerHeaders, assertOrgFitsTokenKind } from './headers.js';
export { assertToken, normalizeOrg, assertUrl, endpointUrl, type AssertUrlOptions } from './validate.js';
export { TRACKER_READ, TRACKER_WRITE, TRACKER_SCOPES, type TrackerScope } from './oauth/scopes.js';
export { buildAuthorizeUrl, type AuthorizeUrlOptions } from './oauth/authorize-url.js';
export { createPkce, pkceFromVerifier, computeCodeChallenge, type Pkce } from './oauth/pkce.js';
export { createState } from './oauth/state.js';
export {
  parseCallback,
  type ParseCallbackOptions,
  type CallbackResult,
  type CodeCallback,
  type TokenCallback,
} from './oauth/callback.js';
