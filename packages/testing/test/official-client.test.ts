// The request shapes of the official Python client (yandex_tracker_client 2.10) succeed
// against the fake: it always sends X-Org-Id (literally "not provided" without an org id),
// adds X-Cloud-Org-Id for cloud orgs, and calls GET /v2/myself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(() => fake.close());

/** The session headers `Connection.__init__` sets (requests adds its own User-Agent). */
function pythonClientHeaders(auth: string, org: { orgId?: string; cloudOrgId?: string }): Record<string, string> {
  return {
    'User-Agent': 'python-requests/2.32.3',
    'Accept-Encoding': 'gzip, deflate',
    Accept: '*/*',
    Connection: 'keep-alive',
    Authorization: auth,
    'X-Org-Id': org.orgId ?? 'not provided',
    ...(org.cloudOrgId !== undefined ? { 'X-Cloud-Org-Id': org.cloudOrgId } : {}),
    'Content-Type': 'application/json',
  };
}

const myself = (headers: Record<string, string>) => fetch(`${fake.url}/v2/myself`, { headers });

describe('official Python client request shapes', () => {
  it('TrackerClient(token=…, org_id=…): Authorization: OAuth <t> + X-Org-Id → GET /v2/myself 200', async () => {
    const res = await myself(pythonClientHeaders(`OAuth ${fake.demo.oauthToken}`, { orgId: fake.demo.orgId }));
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    expect(me.login).toBe(fake.demo.user.login);
    expect(me.self).toBe(`${fake.url}/v2/users/${fake.demo.user.uid}`);
  });

  it('TrackerClient(iam_token=…, cloud_org_id=…): Bearer <iam> + "X-Org-Id: not provided" + X-Cloud-Org-Id → 200 (X-Cloud-Org-Id wins)', async () => {
    const { iamToken } = fake.iam.issueToken({ login: fake.demo.user.login });
    const res = await myself(pythonClientHeaders(`Bearer ${iamToken}`, { cloudOrgId: fake.demo.cloudOrgId }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { login: string }).login).toBe(fake.demo.user.login);
  });

  it('TrackerClient(token=…, cloud_org_id=…): OAuth + "X-Org-Id: not provided" + X-Cloud-Org-Id → 200', async () => {
    const res = await myself(pythonClientHeaders(`OAuth ${fake.demo.oauthToken}`, { cloudOrgId: fake.demo.cloudOrgId }));
    expect(res.status).toBe(200);
  });

  it('mixed-case header names (x_org_id param → X-ORG-ID) are read case-insensitively', async () => {
    const res = await myself({ AUTHORIZATION: `OAuth ${fake.demo.oauthToken}`, 'X-ORG-ID': fake.demo.orgId, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const cloud = fake.iam.issueToken({ login: fake.demo.user.login }).iamToken;
    const res2 = await myself({ authorization: `Bearer ${cloud}`, 'x-ORG-id': 'not provided', 'X-CLOUD-ORG-ID': fake.demo.cloudOrgId });
    expect(res2.status).toBe(200);
  });

  it('a wrong cloud org id is not rescued by X-Org-Id (X-Cloud-Org-Id wins either way) → 403 620345', async () => {
    const res = await myself(pythonClientHeaders(`OAuth ${fake.demo.oauthToken}`, { orgId: fake.demo.orgId, cloudOrgId: 'bpf00000000000000000' }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errorCode: 620345 });
  });

  it('"OAuth not provided" (no token) → 401 with the body the client shows as [\'Not authorized\']', async () => {
    const res = await myself(pythonClientHeaders('OAuth not provided', { orgId: fake.demo.orgId }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: {}, errorMessages: ['Not authorized'], statusCode: 401 });
  });
});
