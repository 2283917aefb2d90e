import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { orgHeaders, postForm } from './helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual', autoApprove: false });
});
afterAll(() => fake.close());

const client = () => ({ client_id: fake.demo.app.clientId, client_secret: fake.demo.app.clientSecret });
interface DeviceCode {
  device_code: string;
  user_code: string;
  verification_url: string;
  interval: number;
  expires_in: number;
}
async function start(extra: Record<string, string> = {}): Promise<DeviceCode> {
  const res = await postForm(`${fake.url}/device/code`, { client_id: fake.demo.app.clientId, ...extra });
  expect(res.status).toBe(200);
  return (await res.json()) as DeviceCode;
}
const poll = (code: string, field = 'code') => postForm(`${fake.url}/token`, { grant_type: 'device_code', [field]: code, ...client() });
const err = async (res: Response) => ((await res.json()) as { error: string }).error;

describe('device flow', () => {
  it('POST /device/code answers device_code, user_code, verification_url, interval, expires_in (600)', async () => {
    const d = await start({ scope: 'tracker:read', device_id: 'device-0001', device_name: 'CLI' });
    expect(d.device_code).toMatch(/^[0-9a-f]{32}$/);
    expect(d.user_code).toMatch(/^\d{7}$/);
    expect(d.verification_url).toBe(`${fake.url}/device`);
    expect(d.interval).toBe(5);
    expect(d.expires_in).toBe(600);
  });

  it('authorization_pending → slow_down when polled too fast → token after approve()', async () => {
    const d = await start();
    const first = await poll(d.device_code);
    expect(first.status).toBe(400);
    expect(await err(first)).toBe('authorization_pending');
    expect(await err(await poll(d.device_code))).toBe('slow_down');
    fake.clock.advance(4_000);
    expect(await err(await poll(d.device_code))).toBe('slow_down');
    fake.clock.advance(5_000);
    expect(await err(await poll(d.device_code))).toBe('authorization_pending');
    fake.oauth.approve(d.user_code);
    fake.clock.advance(5_000);
    const ok = await poll(d.device_code);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer' });
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, body.access_token as string) })).status).toBe(200);
    fake.clock.advance(5_000);
    expect(await err(await poll(d.device_code))).toBe('invalid_grant');
  });

  it('accepts the RFC 8628 field name device_code', async () => {
    const d = await start();
    fake.oauth.approve(d.user_code);
    expect((await poll(d.device_code, 'device_code')).status).toBe(200);
  });

  it('deny() → access_denied', async () => {
    const d = await start();
    fake.oauth.deny(d.user_code);
    expect(await err(await poll(d.device_code))).toBe('access_denied');
  });

  it('codes expire after 10 minutes', async () => {
    const d = await start();
    fake.clock.advance(10 * 60_000);
    expect(await err(await poll(d.device_code))).toBe('invalid_grant');
  });

  it('setDeviceInterval changes the advertised and enforced interval', async () => {
    fake.oauth.setDeviceInterval(0);
    try {
      const d = await start();
      expect(d.interval).toBe(0);
      expect(await err(await poll(d.device_code))).toBe('authorization_pending');
      expect(await err(await poll(d.device_code))).toBe('authorization_pending');
    } finally {
      fake.oauth.setDeviceInterval(5);
    }
  });

  it('autoApprove: one authorization_pending round, then the token', async () => {
    fake.oauth.setAutoApprove(true);
    try {
      const d = await start();
      expect(await err(await poll(d.device_code))).toBe('authorization_pending');
      fake.clock.advance(5_000);
      expect((await poll(d.device_code)).status).toBe(200);
    } finally {
      fake.oauth.setAutoApprove(false);
    }
  });

  it('the /device page approves a code from a browser form', async () => {
    const d = await start();
    const pageRes = await fetch(`${fake.url}/device?user_code=${d.user_code}`);
    expect(await pageRes.text()).toContain(`value="${d.user_code}"`);
    const submit = await postForm(`${fake.url}/device`, { user_code: d.user_code, decision: 'allow' });
    expect(submit.status).toBe(200);
    expect((await poll(d.device_code)).status).toBe(200);
    const unknown = await postForm(`${fake.url}/device`, { user_code: '0000000', decision: 'allow' });
    expect(unknown.status).toBe(400);
  });

  it('errors: unknown device code, another client, missing code, unknown client, bad scope', async () => {
    expect(await err(await poll('f'.repeat(32)))).toBe('invalid_grant');
    const d = await start();
    const other = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/d'] });
    const foreign = await postForm(`${fake.url}/token`, { grant_type: 'device_code', code: d.device_code, client_id: other.clientId, client_secret: other.clientSecret as string });
    expect(await err(foreign)).toBe('invalid_grant');
    expect(await err(await postForm(`${fake.url}/token`, { grant_type: 'device_code', ...client() }))).toBe('invalid_request');
    expect(await err(await postForm(`${fake.url}/device/code`, { client_id: 'nope' }))).toBe('invalid_client');
    expect(await err(await postForm(`${fake.url}/device/code`, { client_id: fake.demo.app.clientId, scope: 'disk:read' }))).toBe('invalid_scope');
    expect(() => fake.oauth.approve('9999999')).toThrow(/no pending/);
  });
});
