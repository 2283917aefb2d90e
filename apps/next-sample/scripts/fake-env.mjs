// Points the sample at a running fake Yandex: registers an OAuth app whose redirect URI is this
// app's callback, adds a service-account user with its own token, and returns the environment
// variables the app reads (see README.md). Used by `npm start` and by the e2e test.
import { randomBytes } from 'node:crypto';

/**
 * @param {import('@tracker-auth/testing').FakeYandex} fake
 * @param {string} appUrl public origin of the Next app, e.g. http://127.0.0.1:3000
 * @returns {Record<string, string>}
 */
export function fakeEnv(fake, appUrl) {
  const app = fake.oauth.registerApp({ redirectUris: [`${appUrl}/api/auth/callback`], name: 'next-sample' });
  const robot = fake.tracker.addUser({ login: 'robot-next-sample', firstName: 'Sample', lastName: 'Robot' });
  const serviceToken = fake.oauth.issueToken({ uid: robot.uid, scopes: ['tracker:read', 'tracker:write'] });
  return {
    APP_URL: appUrl,
    TRACKER_API_URL: fake.url,
    YANDEX_OAUTH_URL: fake.url,
    TRACKER_ORG_ID: fake.demo.orgId,
    YANDEX_CLIENT_ID: app.clientId,
    YANDEX_CLIENT_SECRET: app.clientSecret ?? '',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TRACKER_OAUTH_TOKEN: serviceToken.accessToken,
  };
}
