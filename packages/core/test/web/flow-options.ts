/** The options the OAuth-flow suites build their flows from: the fake Yandex, one app, a clock. */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
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

/** What {@link useFlowFake} sets up for a test file; read its fields inside tests and hooks. */
export interface FlowFake {
  /** The file's fake Yandex. */
  fake: FakeYandex;
  /** The OAuth app registered at it. */
  app: { clientId: string; clientSecret: string };
  /** How far the app's clock runs ahead of the fake's (to make tokens look expired to the app only); 0 before each test. */
  skew: number;
  /** The app's clock: `Date.now() + skew`. */
  now: () => number;
}

/**
 * A fake Yandex for the test file with one app registered for `redirectUris` (default
 * {@link REDIRECT}); before each test the skew is 0 and the fake's calls and faults are cleared.
 */
export function useFlowFake(redirectUris: string[] = [REDIRECT]): FlowFake {
  const state = { skew: 0, now: () => Date.now() + state.skew } as FlowFake;
  beforeAll(async () => {
    state.fake = await startFakeYandex();
    const registered = state.fake.oauth.registerApp({ redirectUris });
    state.app = { clientId: registered.clientId, clientSecret: registered.clientSecret! };
  });
  afterAll(async () => {
    await state.fake?.close();
  });
  beforeEach(() => {
    state.skew = 0;
    state.fake.calls.reset();
    state.fake.faults.clear();
  });
  return state;
}
