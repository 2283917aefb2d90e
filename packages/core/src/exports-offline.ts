// Public exports of the offline area (headers, validators, OAuth builders, sealed sessions),
// chosen one by one (see index.ts).
export { buildTrackerHeaders, assertOrgFitsTokenKind } from './headers.js';
export {
  assertToken,
  normalizeOrg,
  assertUrl,
  assertAppPath,
  endpointUrl,
  type AssertUrlOptions,
  type AssertAppPathOptions,
} from './validate.js';
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
export { MIN_SECRET_BYTES, assertSessionSecrets } from './session/keys.js';
export {
  sealSession,
  unsealSession,
  createSessionSealer,
  DEFAULT_SESSION_TTL_SECONDS,
  type SessionData,
  type SealOptions,
  type UnsealOptions,
  type SessionKeyOptions,
  type SessionSealer,
} from './session/seal.js';
