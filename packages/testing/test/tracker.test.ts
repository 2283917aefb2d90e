import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { cloudBearer, orgHeaders, postJson } from './helpers.js';

const NOT_AUTHORIZED = { errors: {}, errorMessages: ['Not authorized'], statusCode: 401 };
const ORG_403 = { errors: {}, errorMessages: ['Organization is not available, not ready or not found'], errorCode: 620345 };

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual', startTime: Date.UTC(2026, 0, 15, 12) });
});
afterAll(() => fake.close());

const get = (path: string, headers: Record<string, string>) => fetch(`${fake.url}${path}`, { headers });

describe('GET /v2|v3/myself', () => {
  it.each(['/v2/myself', '/v3/myself'])('%s answers one object with the 1.4 fields', async (path) => {
    const res = await get(path, orgHeaders(fake));
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    expect(Array.isArray(me)).toBe(false);
    for (const field of ['self', 'uid', 'login', 'trackerUid', 'passportUid', 'firstName', 'lastName', 'display', 'email', 'external', 'hasLicense', 'dismissed', 'useNewFilters', 'disableNotifications', 'firstLoginDate', 'lastLoginDate', 'welcomeMailSent']) {
      expect(me).toHaveProperty(field);
    }
    // `self` names the version asked: /v3/myself → /v3/users/<uid>, /v2 stays /v2.
    expect(me.self).toBe(`${fake.url}${path.slice(0, 3)}/users/${fake.demo.user.uid}`);
    expect(me.login).toBe(fake.demo.user.login);
  });

  it('accepts the demo OAuth token with the cloud org too', async () => {
    const res = await get('/v3/myself', { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Cloud-Org-ID': fake.demo.cloudOrgId });
    expect(res.status).toBe(200);
  });

  it('reads org headers case-insensitively and lets X-Cloud-Org-Id win over "X-Org-Id: not provided"', async () => {
    const res = await get('/v2/myself', { authorization: `oauth ${fake.demo.oauthToken}`, 'x-org-id': 'not provided', 'X-CLOUD-ORG-ID': fake.demo.cloudOrgId });
    expect(res.status).toBe(200);
  });
});

describe('401: token problems', () => {
  it('no Authorization header', async () => {
    const res = await get('/v3/myself', { 'X-Org-ID': fake.demo.orgId });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(NOT_AUTHORIZED);
  });

  it.each([
    ['unknown token', 'OAuth y0_unknown'],
    ['unknown scheme', 'Token whatever'],
    ['scheme only', 'OAuth'],
    ['an OAuth token sent as Bearer', 'BEARER_DEMO'],
  ])('%s', async (_name, auth) => {
    const value = auth === 'BEARER_DEMO' ? `Bearer ${fake.demo.oauthToken}` : auth;
    const res = await get('/v3/myself', { Authorization: value, 'X-Cloud-Org-ID': fake.demo.cloudOrgId });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(NOT_AUTHORIZED);
  });

  it('an expired OAuth token (fake clock)', async () => {
    const t = fake.oauth.issueToken({ expiresIn: 60 });
    expect((await get('/v3/myself', orgHeaders(fake, t.accessToken))).status).toBe(200);
    fake.clock.advance(61_000);
    const res = await get('/v3/myself', orgHeaders(fake, t.accessToken));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(NOT_AUTHORIZED);
  });

  it('a revoked OAuth token', async () => {
    const t = fake.oauth.issueToken();
    expect(fake.revoke(t.accessToken)).toBe(true);
    expect((await get('/v3/myself', orgHeaders(fake, t.accessToken))).status).toBe(401);
  });

  it('an IAM token past its lifetime', async () => {
    const { iamToken } = fake.iam.issueToken({ login: fake.demo.user.login });
    expect((await get('/v3/myself', cloudBearer(fake, iamToken))).status).toBe(200);
    fake.clock.advance(12 * 3600_000);
    expect((await get('/v3/myself', cloudBearer(fake, iamToken))).status).toBe(401);
  });
});

describe('403: organization rules', () => {
  it.each([
    ['no org header', {}],
    ['unknown X-Org-ID', { 'X-Org-ID': '7654321' }],
    ['unknown X-Cloud-Org-ID', { 'X-Cloud-Org-ID': 'bpf00000000000000000' }],
    ['a 360 id in X-Cloud-Org-ID', { 'X-Cloud-Org-ID': '1234567' }],
  ])('%s → 620345', async (_name, org) => {
    const res = await get('/v3/myself', { Authorization: `OAuth ${fake.demo.oauthToken}`, ...org });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(ORG_403);
  });

  it('Bearer IAM token with a Yandex 360 org only → 403; with the cloud org → 200', async () => {
    const { iamToken } = fake.iam.issueToken({ login: fake.demo.user.login });
    const bad = await get('/v3/myself', { Authorization: `Bearer ${iamToken}`, 'X-Org-ID': fake.demo.orgId });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual(ORG_403);
    expect((await get('/v3/myself', cloudBearer(fake, iamToken))).status).toBe(200);
  });

  it('a user who is not a member of the org → 403', async () => {
    const user = fake.tracker.addUser({ login: 'only.360', orgs: [fake.demo.orgId] });
    const t = fake.oauth.issueToken({ uid: user.uid });
    expect((await get('/v3/myself', orgHeaders(fake, t.accessToken))).status).toBe(200);
    const res = await get('/v3/myself', { Authorization: `OAuth ${t.accessToken}`, 'X-Cloud-Org-ID': fake.demo.cloudOrgId });
    expect(res.status).toBe(403);
  });

  it('orgs can be added and removed', async () => {
    fake.tracker.addOrg({ orgId: '555' });
    expect((await get('/v3/myself', { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': '555' })).status).toBe(200);
    fake.tracker.removeOrg('555');
    expect((await get('/v3/myself', { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': '555' })).status).toBe(403);
  });
});

describe('queues and issues', () => {
  it('GET /v3/queues lists the seeded TEST queue with page headers', async () => {
    const res = await get('/v3/queues', orgHeaders(fake));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-count')).toBe(String(fake.tracker.queues.length));
    const queues = (await res.json()) as Array<{ key: string }>;
    expect(queues.map((q) => q.key)).toContain('TEST');
  });

  it('GET /v2/queues/TEST and 404 for an unknown queue', async () => {
    const ok = await get('/v2/queues/TEST', orgHeaders(fake));
    expect(((await ok.json()) as { key: string }).key).toBe('TEST');
    const missing = await get('/v3/queues/NOPE', orgHeaders(fake));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errors: {}, statusCode: 404 });
  });

  it('GET /v3/issues/TEST-1 and a 404 for a missing issue', async () => {
    const res = await get('/v3/issues/TEST-1', orgHeaders(fake));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'TEST-1', queue: { key: 'TEST' }, status: { key: 'open' } });
    const missing = await get('/v3/issues/TEST-999', orgHeaders(fake));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: {}, errorMessages: ['Issue does not exist.'], statusCode: 404 });
  });

  it.each(['/v3/issues/', '/v3/issues', '/v2/issues/'])('POST %s creates an issue (201) that GET then returns', async (path) => {
    const res = await postJson(`${fake.url}${path}`, { queue: 'TEST', summary: 'Created in a test', description: 'body' }, orgHeaders(fake));
    expect(res.status).toBe(201);
    const issue = (await res.json()) as { key: string; summary: string; createdBy: { id: string } };
    expect(issue.key).toMatch(/^TEST-\d+$/);
    expect(issue.createdBy.id).toBe(String(fake.demo.user.uid));
    const back = await get(`/v3/issues/${issue.key}`, orgHeaders(fake));
    expect(await back.json()).toMatchObject({ key: issue.key, summary: 'Created in a test', description: 'body' });
  });

  it('accepts queue as { key }', async () => {
    const res = await postJson(`${fake.url}/v3/issues/`, { queue: { key: 'TEST' }, summary: 'x' }, orgHeaders(fake));
    expect(res.status).toBe(201);
  });

  it('422 for missing fields or an unknown queue; 400 for a broken body', async () => {
    const missing = await postJson(`${fake.url}/v3/issues/`, { queue: 'TEST' }, orgHeaders(fake));
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ errors: { summary: expect.any(String) }, statusCode: 422 });
    const unknown = await postJson(`${fake.url}/v3/issues/`, { queue: 'NOPE', summary: 's' }, orgHeaders(fake));
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ errors: { queue: expect.any(String) } });
    const broken = await fetch(`${fake.url}/v3/issues/`, { method: 'POST', headers: { ...orgHeaders(fake), 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
  });

  it('a read-only token reads but gets 403 on writes (create and edit)', async () => {
    const ro = orgHeaders(fake, fake.demo.readOnlyOAuthToken);
    expect((await get('/v3/issues/TEST-1', ro)).status).toBe(200);
    const create = await postJson(`${fake.url}/v3/issues/`, { queue: 'TEST', summary: 'nope' }, ro);
    expect(create.status).toBe(403);
    expect(await create.json()).toMatchObject({ errors: {}, statusCode: 403 });
    const edit = await fetch(`${fake.url}/v3/issues/TEST-1`, { method: 'PATCH', headers: { ...ro, 'content-type': 'application/json' }, body: '{"summary":"x"}' });
    expect(edit.status).toBe(403);
  });

  it('PATCH edits an issue and bumps its version', async () => {
    const res = await fetch(`${fake.url}/v3/issues/TEST-2`, { method: 'PATCH', headers: { ...orgHeaders(fake), 'content-type': 'application/json' }, body: '{"summary":"Edited"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ summary: 'Edited', version: 2 });
  });

  it('a token without tracker rights gets 403 on reads', async () => {
    const t = fake.oauth.issueToken({ scopes: ['login:email'] });
    expect((await get('/v3/myself', orgHeaders(fake, t.accessToken))).status).toBe(403);
  });

  it('an IAM token writes (IAM tokens carry the account rights)', async () => {
    const { iamToken } = fake.iam.issueToken({ login: fake.demo.user.login });
    const res = await postJson(`${fake.url}/v3/issues/`, { queue: 'TEST', summary: 'via IAM' }, cloudBearer(fake, iamToken));
    expect(res.status).toBe(201);
  });

  it('unknown paths → 404, wrong methods → 405 (Tracker error body)', async () => {
    const res = await get('/v3/nothing-here', orgHeaders(fake));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errors: {}, statusCode: 404 });
    const wrong = await fetch(`${fake.url}/v3/myself`, { method: 'DELETE', headers: orgHeaders(fake) });
    expect(wrong.status).toBe(405);
  });
});

describe('POST /v3/issues/_search pagination', () => {
  it('pages with perPage/page, X-Total-Count, X-Total-Pages and Link rel=next until the end', async () => {
    const total = fake.tracker.issues.filter((i) => i.queue === 'TEST').length;
    const keys: string[] = [];
    let next: string | undefined = `${fake.url}/v3/issues/_search?perPage=2`;
    let pages = 0;
    while (next) {
      const res: Response = await postJson(next, { filter: { queue: 'TEST' } }, orgHeaders(fake));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe(String(total));
      expect(res.headers.get('x-total-pages')).toBe(String(Math.ceil(total / 2)));
      keys.push(...((await res.json()) as Array<{ key: string }>).map((i) => i.key));
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(total / 2));
    expect(keys).toEqual(fake.tracker.issues.filter((i) => i.queue === 'TEST').map((i) => i.key));
  });

  it('Link also carries rel="first" and a rel="seek" template with {&page}', async () => {
    const res = await postJson(`${fake.url}/v3/issues/_search?perPage=2&page=2`, { queue: 'TEST' }, orgHeaders(fake));
    const link = res.headers.get('link') ?? '';
    expect(link).toContain(`<${fake.url}/v3/issues/_search?perPage=2&page=1>; rel="first"`);
    expect(link).toContain(`<${fake.url}/v3/issues/_search?perPage=2{&page}>; rel="seek"`);
  });

  it('malformed percent-encoding in a path is a 404, not a crash', async () => {
    expect((await get('/v3/issues/%E0%A4%A', orgHeaders(fake))).status).toBe(404);
  });

  it('defaults to 50 per page with no next link', async () => {
    const res = await postJson(`${fake.url}/v2/issues/_search`, { queue: 'TEST' }, orgHeaders(fake));
    expect(res.headers.get('link')).not.toContain('rel="next"');
    expect(res.headers.get('x-total-pages')).toBe('1');
  });

  it('filters by keys and by a "Queue: X" query; a page past the end is empty', async () => {
    const byKeys = await postJson(`${fake.url}/v3/issues/_search`, { keys: ['TEST-1', 'TEST-3'] }, orgHeaders(fake));
    expect(((await byKeys.json()) as Array<{ key: string }>).map((i) => i.key)).toEqual(['TEST-1', 'TEST-3']);
    fake.tracker.addQueue({ key: 'OTHER' });
    fake.tracker.addIssue({ queue: 'OTHER', summary: 'elsewhere' });
    const byQuery = await postJson(`${fake.url}/v3/issues/_search`, { query: 'Queue: OTHER' }, orgHeaders(fake));
    expect(((await byQuery.json()) as Array<{ key: string }>).map((i) => i.key)).toEqual(['OTHER-1']);
    const past = await postJson(`${fake.url}/v3/issues/_search?perPage=2&page=99`, { queue: 'TEST' }, orgHeaders(fake));
    expect(await past.json()).toEqual([]);
  });

  it('400 for a bad perPage', async () => {
    const res = await postJson(`${fake.url}/v3/issues/_search?perPage=0`, {}, orgHeaders(fake));
    expect(res.status).toBe(400);
  });
});
