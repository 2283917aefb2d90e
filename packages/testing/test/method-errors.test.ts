import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(() => fake.close());

it('IAM refuses GET with a google.rpc body (code 3)', async () => {
  const res = await fetch(`${fake.url}/iam/v1/tokens`);
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ code: 3 });
});

it('metadata refuses POST (405)', async () => {
  const res = await fetch(`${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`, { method: 'POST', headers: { 'Metadata-Flavor': 'Google' } });
  expect(res.status).toBe(405);
});

it('/authorize refuses POST; the consent and device forms refuse non-form bodies', async () => {
  expect((await fetch(`${fake.url}/authorize`, { method: 'POST' })).status).toBe(405);
  const consent = await fetch(`${fake.url}/authorize/consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(consent.status).toBe(400);
  expect((await fetch(`${fake.url}/authorize/consent`)).status).toBe(400);
  const device = await fetch(`${fake.url}/device`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(device.status).toBe(400);
});

it('/device/code and /revoke_token refuse GET (405) with an OAuth error body', async () => {
  for (const path of ['/device/code', '/revoke_token']) {
    const res = await fetch(`${fake.url}${path}`);
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  }
});

it('the /device page renders an empty code form', async () => {
  const res = await fetch(`${fake.url}/device`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('name="user_code"');
});

it('HTML pages escape what they echo', async () => {
  const res = await fetch(`${fake.url}/verification_code?code=${encodeURIComponent('<script>x</script>')}`);
  const html = await res.text();
  expect(html).not.toContain('<script>x</script>');
  expect(html).toContain('&#60;script&#62;');
});
