/**
 * The org header comes from `auth` only. A call that brings its own `X-Org-ID` /
 * `X-Cloud-Org-ID` (any case, any way of passing headers) is refused with a typed error before
 * any token or Tracker call; otherwise Tracker would receive both org headers.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { ConfigurationError, isConfigurationError } from '../../src/errors.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

/** A client for the demo Yandex Cloud organization, with a fresh IAM source (no token yet). */
const cloudClient = () =>
  createTrackerClient(createTrackerAuth({ credentials: iamFromOAuthToken({ oauthToken: fake.demo.oauthToken, iamUrl: fake.url }), org: { cloudOrgId: fake.demo.cloudOrgId } }), {
    trackerUrl: fake.url,
  });

describe('per-request org headers', () => {
  it.each<[string, (tracker: ReturnType<typeof cloudClient>) => Promise<unknown>, string]>([
    ['X-Org-ID in options.headers', (t) => t.get('myself', { headers: { 'X-Org-ID': '999' } }), 'headers.X-Org-ID'],
    ['x-org-id, lower case', (t) => t.get('myself', { headers: { 'x-org-id': '999' } }), 'headers.X-Org-ID'],
    ['X-CLOUD-ORG-ID, upper case', (t) => t.get('myself', { headers: { 'X-CLOUD-ORG-ID': 'bpf00000000000000000' } }), 'headers.X-Cloud-Org-ID'],
    ['a Headers object on a POST', (t) => t.post('issues', { json: { queue: 'TEST', summary: 'x' }, headers: new Headers({ 'X-Org-ID': '999' }) }), 'headers.X-Org-ID'],
    ['header tuples', (t) => t('myself', { headers: [['X-Org-ID', '999']] }), 'headers.X-Org-ID'],
    ['a Request input', (t) => t(new Request(`${fake.url}/v3/myself`, { headers: { 'X-Org-ID': '999' } })), 'headers.X-Org-ID'],
    ['extend() defaults', (t) => t.extend({ headers: { 'X-Org-ID': '999' } }).get('myself'), 'headers.X-Org-ID'],
  ])('%s: rejects with ConfigurationError before any network', async (_name, call, field) => {
    const tracker = cloudClient();
    const error = await call(tracker).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', field });
    expect((error as Error).message).toMatch(/`headers.X-(Cloud-)?Org-ID` comes from `auth`: do not set it/);
    // Refused before the token exchange and before Tracker.
    expect(fake.calls.count('iam.tokens')).toBe(0);
    expect(fake.calls.count('tracker')).toBe(0);
    // `.json()` on the call rejects the same way.
    await expect(tracker.get('myself', { headers: { 'X-Org-ID': '999' } }).json()).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'headers.X-Org-ID' });
  });

  it('calls without them send exactly the configured org header, also on a 401 replay and a 503 retry', async () => {
    const tracker = cloudClient();
    await expect(tracker.get('myself', { headers: { 'Accept-Language': 'en' } }).json()).resolves.toHaveProperty('login');
    fake.faults.inject('tracker', { status: 401, body: { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 } });
    fake.faults.inject('tracker', { status: 503, headers: { 'Retry-After': '0' } });
    await expect(tracker.get('myself').json()).resolves.toHaveProperty('login');
    const sent = fake.requests.filter((r) => r.endpoint === 'tracker');
    expect(sent.map((r) => r.status)).toEqual([200, 401, 503, 200]);
    for (const r of sent) {
      expect(r.headers['x-cloud-org-id']).toBe(fake.demo.cloudOrgId);
      expect(r.headers['x-org-id']).toBeUndefined();
    }
  });
});
