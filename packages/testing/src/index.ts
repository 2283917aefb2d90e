/**
 * @tracker-auth/testing — a fake Yandex (Tracker, OAuth, IAM, metadata) for tests and demos.
 * An independent implementation of upstream behaviour (docs/yandex-api.md); it imports
 * nothing of @tracker-auth/*.
 */
export { startFakeYandex } from './fake-yandex.js';
export type { FakeYandex, FakeDemo, FakeUrls } from './fake-yandex.js';
// types.ts holds only the public option/result types and FAKE_ENDPOINTS, all exported.
export * from './types.js';
export type { AuthorizeHook, AuthorizeRequest, PendingConsent } from './oauth-store.js';
export type { FakeIssue, FakeQueue, NewIssue } from './tracker-data.js';
export { IAM_AUDIENCE } from './jwt-verify.js';
export { METADATA_TOKEN_PATH } from './metadata-api.js';
export { generateRsaKeyPair, keyNoticeLine } from './keys.js';
export { signInThroughApp } from './sign-in-through-app.js';
export type { AppSignIn, SignInHop, SignInThroughAppOptions } from './sign-in-through-app.js';
