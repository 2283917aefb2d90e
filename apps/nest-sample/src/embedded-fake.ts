/**
 * Without Tracker credentials in the environment the sample runs against an in-process fake
 * Yandex (@tracker-auth/testing): its demo token, organization and OAuth app become the
 * configuration defaults.
 */
import { randomBytes } from 'node:crypto';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';

export interface EmbeddedFake {
  fake: FakeYandex;
  /** Configuration defaults pointing every upstream at the fake. */
  defaults: Record<string, string>;
}

export async function startEmbeddedFake(appUrl: string): Promise<EmbeddedFake> {
  const fake = await startFakeYandex();
  const app = fake.oauth.registerApp({ redirectUris: [`${appUrl}/auth/callback`], name: 'nest-sample' });
  return {
    fake,
    defaults: {
      TRACKER_OAUTH_TOKEN: fake.demo.oauthToken,
      TRACKER_ORG_ID: fake.demo.orgId,
      TRACKER_API_URL: fake.url,
      YANDEX_OAUTH_URL: fake.url,
      YANDEX_IAM_URL: fake.url,
      YANDEX_CLIENT_ID: app.clientId,
      YANDEX_CLIENT_SECRET: app.clientSecret ?? '',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
  };
}
