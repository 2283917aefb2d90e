/**
 * createTrackerContexts: the per-auth client bundle adapters hand to apps (Express
 * `req.tracker`, NestJS `TrackerService`), against the fake Tracker over HTTP.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { ConfigurationError } from '../../src/errors.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { createTrackerContexts } from '../../src/web/tracker-context.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});

const authOf = (token: string) => createTrackerAuth({ credentials: oauthToken(token), org: { orgId: fake.demo.orgId } });

describe('createTrackerContexts', () => {
  it('gives a client on the options, headers and verifyAccess bound to the auth', async () => {
    const contextOf = createTrackerContexts({ trackerUrl: fake.url });
    const auth = authOf(fake.demo.oauthToken);
    const context = contextOf(auth);
    expect(context.auth).toBe(auth);
    expect(await context.headers()).toEqual({ Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': fake.demo.orgId });
    expect((await context.verifyAccess()).login).toBe(fake.demo.user.login);
    expect(((await context.client.get('myself').json()) as { login: string }).login).toBe(fake.demo.user.login);
  });

  it('one context (and client) per auth while the auth lives; another auth gets its own', () => {
    const contextOf = createTrackerContexts({ trackerUrl: fake.url });
    const auth = authOf(fake.demo.oauthToken);
    expect(contextOf(auth)).toBe(contextOf(auth));
    expect(contextOf(auth).client).toBe(contextOf(auth).client);
    expect(contextOf(authOf(fake.demo.oauthToken))).not.toBe(contextOf(auth));
  });

  it('checks the client options at construction, not at the first request', () => {
    expect(() => createTrackerContexts({ trackerUrl: 'not a url' })).toThrow(expect.objectContaining({ field: 'trackerUrl' }));
    expect(() => createTrackerContexts({ timeoutMs: -1 })).toThrow(ConfigurationError);
    expect(() => createTrackerContexts('client' as never)).toThrow(expect.objectContaining({ field: 'client' }));
    expect(() => createTrackerContexts()).not.toThrow();
  });
});
