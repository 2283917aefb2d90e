import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { authorizeLocation, orgHeaders, postForm } from './helpers.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.oauth.setAutoApprove(true);
  fake.oauth.setAuthorizeHook(undefined);
});

function authorizeUrl(params: Record<string, string>): string {
  return `${fake.url}/authorize?${new URLSearchParams({ client_id: fake.demo.app.clientId, ...params })}`;
}

describe('GET /authorize, code flow', () => {
  it('redirects to redirect_uri with ?code and the state passed through', async () => {
    const { status, location } = await authorizeLocation(authorizeUrl({ response_type: 'code', redirect_uri: fake.demo.app.redirectUri, state: 'st&ate=1', scope: 'tracker:read tracker:write' }));
    expect(status).toBe(302);
    const target = new URL(location ?? '');
    expect(`${target.origin}${target.pathname}`).toBe(fake.demo.app.redirectUri);
    expect(target.searchParams.get('code')).toMatch(/^\d{7}$/);
    expect(target.searchParams.get('state')).toBe('st&ate=1');
  });

  it('redirect URIs match exactly, as at Yandex; only an app with anyLoopbackPort (the demo app) lets a portless loopback URI match any port', async () => {
    const any = await authorizeLocation(authorizeUrl({ response_type: 'code', redirect_uri: 'http://127.0.0.1:43210/callback' }));
    expect(any.location).toMatch(/^http:\/\/127\.0\.0\.1:43210\/callback\?code=\d{7}$/);
    const exact = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/cb'] });
    const refused = await authorizeLocation(`${fake.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: exact.clientId, redirect_uri: 'http://127.0.0.1:43210/cb' })}`);
    expect(refused.status).toBe(400);
    const optedIn = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1/cb'], anyLoopbackPort: true });
    const allowed = await authorizeLocation(`${fake.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: optedIn.clientId, redirect_uri: 'http://127.0.0.1:43210/cb' })}`);
    expect(allowed.status).toBe(302);
    const app = fake.oauth.registerApp({ redirectUris: ['http://127.0.0.1:3000/cb'] });
    const bad = await authorizeLocation(`${fake.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: 'http://127.0.0.1:3001/cb' })}`);
    expect(bad.status).toBe(400);
  });

  it('without redirect_uri it uses the app’s first registered one', async () => {
    const { location } = await authorizeLocation(authorizeUrl({ response_type: 'code' }));
    expect(location?.startsWith(`${fake.demo.app.redirectUri}?code=`)).toBe(true);
  });

  it('untrusted client or redirect → an error page (400), never a redirect', async () => {
    const unknown = await authorizeLocation(`${fake.url}/authorize?response_type=code&client_id=nope`);
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeNull();
    expect(unknown.text).toContain('invalid_client');
    const missing = await authorizeLocation(`${fake.url}/authorize?response_type=code`);
    expect(missing.status).toBe(400);
    const evil = await authorizeLocation(authorizeUrl({ response_type: 'code', redirect_uri: 'https://evil.example/cb' }));
    expect(evil.status).toBe(400);
    expect(evil.location).toBeNull();
  });

  it.each([
    ['bad response_type', { response_type: 'id_token' }, 'unsupported_response_type'],
    ['scope the app may not request', { response_type: 'code', scope: 'cloud_api:disk.read' }, 'invalid_scope'],
    ['bad code_challenge_method', { response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' }, 'invalid_request'],
    ['bad device_id', { response_type: 'code', device_id: 'x' }, 'invalid_request'],
  ])('%s → redirect with error=%s and the state', async (_n, params, error) => {
    const { status, location } = await authorizeLocation(authorizeUrl({ ...params, state: 's1' }));
    expect(status).toBe(302);
    const target = new URL(location ?? '');
    expect(target.searchParams.get('error')).toBe(error);
    expect(target.searchParams.get('state')).toBe('s1');
  });

  it('login_hint picks the signing-in user', async () => {
    fake.tracker.addUser({ login: 'second.user' });
    const { location } = await authorizeLocation(authorizeUrl({ response_type: 'code', login_hint: 'second.user' }));
    const code = new URL(location ?? '').searchParams.get('code') as string;
    const res = await postForm(`${fake.url}/token`, { grant_type: 'authorization_code', code, client_id: fake.demo.app.clientId, client_secret: fake.demo.app.clientSecret });
    const { access_token } = (await res.json()) as { access_token: string };
    const me = await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, access_token) });
    expect(((await me.json()) as { login: string }).login).toBe('second.user');
  });
});

describe('GET /authorize, implicit (token) flow', () => {
  it('puts access_token, token_type=bearer, expires_in and state in the fragment', async () => {
    const { status, location } = await authorizeLocation(authorizeUrl({ response_type: 'token', state: 'xyz' }));
    expect(status).toBe(302);
    const target = new URL(location ?? '');
    expect(target.search).toBe('');
    const frag = new URLSearchParams(target.hash.slice(1));
    expect(frag.get('token_type')).toBe('bearer');
    expect(Number(frag.get('expires_in'))).toBeGreaterThan(0);
    expect(frag.get('state')).toBe('xyz');
    const token = frag.get('access_token') as string;
    expect((await fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake, token) })).status).toBe(200);
  });

  it('a refusal puts error=access_denied in the fragment', async () => {
    fake.oauth.setAuthorizeHook(() => 'deny');
    const { location } = await authorizeLocation(authorizeUrl({ response_type: 'token', state: 'q' }));
    const frag = new URLSearchParams(new URL(location ?? '').hash.slice(1));
    expect(frag.get('error')).toBe('access_denied');
    expect(frag.get('state')).toBe('q');
  });

  it('/verification_code as redirect: the page shows the code', async () => {
    const redirect = `${fake.url}/verification_code`;
    const { location } = await authorizeLocation(authorizeUrl({ response_type: 'code', redirect_uri: redirect }));
    expect(location?.startsWith(`${redirect}?code=`)).toBe(true);
    const page = await fetch(location as string);
    expect(page.headers.get('content-type')).toContain('text/html');
    const code = new URL(location as string).searchParams.get('code') as string;
    expect(await page.text()).toContain(`<code id="code">${code}</code>`);
    const implicit = await authorizeLocation(authorizeUrl({ response_type: 'token', redirect_uri: redirect }));
    expect(implicit.location).toMatch(/\/verification_code#access_token=/);
  });
});

describe('approve/deny hook and consent page', () => {
  it('the hook sees the request and can deny (code flow → ?error=access_denied)', async () => {
    let seen: { clientId: string; scopes: string[]; user: { login: string } } | undefined;
    fake.oauth.setAuthorizeHook((req) => {
      seen = req;
      return 'deny';
    });
    const { location } = await authorizeLocation(authorizeUrl({ response_type: 'code', scope: 'tracker:read', state: 'z' }));
    const target = new URL(location ?? '');
    expect(target.searchParams.get('error')).toBe('access_denied');
    expect(target.searchParams.get('code')).toBeNull();
    expect(seen?.clientId).toBe(fake.demo.app.clientId);
    expect(seen?.scopes).toEqual(['tracker:read']);
    expect(seen?.user.login).toBe(fake.demo.user.login);
  });

  it('autoApprove off: an HTML page with Allow/Deny; Allow redirects with a working code', async () => {
    fake.oauth.setAutoApprove(false);
    const res = await fetch(authorizeUrl({ response_type: 'code', state: 'c1' }), { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('value="allow"');
    expect(html).toContain('value="deny"');
    const requestId = /name="request_id" value="([0-9a-f]+)"/.exec(html)?.[1] as string;
    expect(fake.oauth.pendingConsents().map((c) => c.id)).toContain(requestId);

    const allow = await fetch(`${fake.url}/authorize/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, decision: 'allow' }).toString(),
    });
    expect(allow.status).toBe(302);
    const target = new URL(allow.headers.get('location') ?? '');
    expect(target.searchParams.get('state')).toBe('c1');
    const code = target.searchParams.get('code') as string;
    const tok = await postForm(`${fake.url}/token`, { grant_type: 'authorization_code', code, client_id: fake.demo.app.clientId, client_secret: fake.demo.app.clientSecret });
    expect(tok.status).toBe(200);

    // the consent is answered once
    const again = await fetch(`${fake.url}/authorize/consent`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `request_id=${requestId}&decision=allow` });
    expect(again.status).toBe(400);
  });

  it('Deny on the consent page → access_denied', async () => {
    fake.oauth.setAutoApprove(false);
    const html = await (await fetch(authorizeUrl({ response_type: 'code' }))).text();
    const requestId = /name="request_id" value="([0-9a-f]+)"/.exec(html)?.[1] as string;
    const deny = await fetch(`${fake.url}/authorize/consent`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `request_id=${requestId}&decision=deny` });
    expect(new URL(deny.headers.get('location') ?? '').searchParams.get('error')).toBe('access_denied');
  });

  it('fake.oauth.approve(consentId) returns the redirect URL; deny() too', async () => {
    fake.oauth.setAutoApprove(false);
    await fetch(authorizeUrl({ response_type: 'code', state: 'p' }));
    await fetch(authorizeUrl({ response_type: 'token', state: 'q' }));
    const [first, second] = fake.oauth.pendingConsents().slice(-2);
    const approved = fake.oauth.approve(first?.id as string) as string;
    expect(new URL(approved).searchParams.get('code')).toMatch(/^\d{7}$/);
    const denied = fake.oauth.deny(second?.id as string) as string;
    expect(new URL(denied).hash).toContain('error=access_denied');
    expect(() => fake.oauth.approve(first?.id as string)).toThrow(/no pending/);
  });
});
