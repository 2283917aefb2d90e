/** The options both OAuth-flow suites build their flows from: the fake Yandex, one app, a clock. */
import type { FakeYandex } from '@tracker-auth/testing';
import type { OAuthFlowOptions } from '../../src/web/oauth-flow.js';

export const APP = 'http://app.test';
export const REDIRECT = `${APP}/auth/callback`;
export const SECRET = 'a-test-session-secret-of-at-least-32-bytes!';

/** Options for a flow against `fake` as the registered `app`, with the app's clock `now`. */
export function flowOptions(
  fake: FakeYandex,
  app: { clientId: string; clientSecret: string },
  now: () => number,
  overrides: Partial<OAuthFlowOptions> = {},
): OAuthFlowOptions {
  return {
    ...app,
    redirectUri: REDIRECT,
    org: { orgId: fake.demo.orgId },
    sessionSecret: SECRET,
    oauthUrl: fake.url,
    sessionMaxAgeSeconds: 400 * 24 * 60 * 60,
    refresh: { now },
    ...overrides,
  };
}
