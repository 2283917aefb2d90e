// Public exports of the offline area (headers, validators, OAuth builders, sealed sessions),
// chosen one by one (see index.ts).
export { buildTrackerHeaders, assertOrgFitsTokenKind } from './headers.js';
export { assertToken, normalizeOrg, assertUrl, endpointUrl, type AssertUrlOptions } from './validate.js';
