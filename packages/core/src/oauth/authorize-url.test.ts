import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { buildAuthorizeUrl, type AuthorizeUrlOptions } from './authorize-url.js';
import { createPkce } from './pkce.js';
import { TRACKER_READ, TRACKER_WRITE } from './scopes.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('buildAuthorizeUrl', () => {
  it('defaults to the code flow at https://oauth.yandex.ru/authorize', () => {
    const url = buildAuthorizeUrl({ clientId: 'abc123' });
    expect(url.href).toBe('https://oauth.yandex.ru/authorize?response_type=code&client_id=abc123');
  });

  it('emits every documented parameter in order, lists space-separated as %20', () => {
    const url = buildAuthorizeUrl({
      clientId: 'c0ffee',
      responseType: 'code',
      redirectUri: 'https://app.example/auth/callback?tenant=1',
      deviceId: 'device-0001',
      deviceName: 'Моя машина',
      loginHint: 'user@yandex.ru',
      scope: [TRACKER_READ, TRACKER_WRITE],
      optionalScope: 'login:email login:info',
      forceConfirm: true,
      state: 'st/ate+1',
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
    });
    expect(url.origin + url.pathname).toBe('https://oauth.yandex.ru/authorize');
    expect([...url.searchParams.keys()]).toEqual([
      'response_type',
      'client_id',
      'redirect_uri',
      'device_id',
      'device_name',
      'login_hint',
      'scope',
      'optional_scope',
      'force_confirm',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c0ffee',
      redirect_uri: 'https://app.example/auth/callback?tenant=1',
      device_id: 'device-0001',
      device_name: 'Моя машина',
      login_hint: 'user@yandex.ru',
      scope: 'tracker:read tracker:write',
      optional_scope: 'login:email login:info',
      force_confirm: 'yes',
      state: 'st/ate+1',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    expect(url.search).toContain('scope=tracker%3Aread%20tracker%3Awrite');
    expect(url.search).not.toContain('+');
  });

  it('sends redirect_uri exactly as given (no normalization)', () => {
    expect(buildAuthorizeUrl({ clientId: 'c', redirectUri: 'https://App.Example' }).searchParams.get('redirect_uri')).toBe('https://App.Example');
    expect(buildAuthorizeUrl({ clientId: 'c', redirectUri: new URL('https://app.example/cb') }).searchParams.get('redirect_uri')).toBe(
      'https://app.example/cb',
    );
  });

  it('takes a createPkce() result', async () => {
    const pkce = await createPkce();
    const url = buildAuthorizeUrl({ clientId: 'c', pkce, state: 's' });
    expect(url.searchParams.get('code_challenge')).toBe(pkce.codeChallenge);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.href).not.toContain(pkce.codeVerifier);
  });

  it('defaults the challenge method to S256 and accepts plain', () => {
    expect(buildAuthorizeUrl({ clientId: 'c', codeChallenge: CHALLENGE }).searchParams.get('code_challenge_method')).toBe('S256');
    expect(
      buildAuthorizeUrl({ clientId: 'c', codeChallenge: CHALLENGE, codeChallengeMethod: 'plain' }).searchParams.get('code_challenge_method'),
    ).toBe('plain');
  });

  it('builds the implicit flow and the debug-token URL', () => {
    const url = buildAuthorizeUrl({
      clientId: 'c',
      responseType: 'token',
      redirectUri: 'https://oauth.yandex.ru/verification_code',
    });
    expect(url.searchParams.get('response_type')).toBe('token');
    expect(url.searchParams.get('redirect_uri')).toBe('https://oauth.yandex.ru/verification_code');
  });

  it('omits force_confirm when false, and empty scope lists; removes duplicates', () => {
    const url = buildAuthorizeUrl({ clientId: 'c', forceConfirm: false, scope: [], optionalScope: [TRACKER_READ, TRACKER_READ] });
    expect(url.searchParams.has('force_confirm')).toBe(false);
    expect(url.searchParams.has('scope')).toBe(false);
    expect(url.searchParams.get('optional_scope')).toBe('tracker:read');
  });

  it('uses a configurable base URL and keeps its path prefix (e.g. a fake)', () => {
    expect(buildAuthorizeUrl({ clientId: 'c', oauthUrl: 'http://127.0.0.1:4010/oauth' }).href).toBe(
      'http://127.0.0.1:4010/oauth/authorize?response_type=code&client_id=c',
    );
    expect(buildAuthorizeUrl({ clientId: 'c', oauthUrl: new URL('https://oauth.yandex.com/') }).origin).toBe('https://oauth.yandex.com');
  });

  it('accepts device ids of 6 and 50 characters and a 100-character name', () => {
    expect(() => buildAuthorizeUrl({ clientId: 'c', deviceId: 'a'.repeat(6), deviceName: 'я'.repeat(100) })).not.toThrow();
    expect(() => buildAuthorizeUrl({ clientId: 'c', deviceId: '~'.repeat(50) })).not.toThrow();
    const short = buildAuthorizeUrl({ clientId: 'c', deviceId: 'a'.repeat(6), deviceName: 'я'.repeat(100) }).searchParams;
    expect(short.get('device_id')).toBe('a'.repeat(6));
    expect(short.get('device_name')).toBe('я'.repeat(100));
    expect(buildAuthorizeUrl({ clientId: 'c', deviceId: '~'.repeat(50) }).searchParams.get('device_id')).toBe('~'.repeat(50));
  });

  const bad: [string, Partial<AuthorizeUrlOptions> & Record<string, unknown>, string][] = [
    ['missing clientId', { clientId: undefined }, 'clientId'],
    ['empty clientId', { clientId: '' }, 'clientId'],
    ['clientId with space', { clientId: 'a b' }, 'clientId'],
    ['clientId with newline', { clientId: 'ab\n' }, 'clientId'],
    ['unknown responseType', { responseType: 'id_token' as never }, 'responseType'],
    ['relative redirectUri', { redirectUri: '/callback' }, 'redirectUri'],
    ['redirectUri with fragment', { redirectUri: 'https://app.example/cb#x' }, 'redirectUri'],
    ['deviceId too short', { deviceId: 'abcde' }, 'deviceId'],
    ['deviceId too long', { deviceId: 'a'.repeat(51) }, 'deviceId'],
    ['deviceId not ASCII', { deviceId: 'устройство' }, 'deviceId'],
    ['deviceName without deviceId', { deviceName: 'laptop' }, 'deviceName'],
    ['deviceName too long', { deviceId: 'device1', deviceName: 'x'.repeat(101) }, 'deviceName'],
    ['loginHint with CRLF', { loginHint: 'a\r\nb' }, 'loginHint'],
    ['scope item with space', { scope: ['tracker:read tracker:write'] }, 'scope[0]'],
    ['scope item not a string', { scope: [42 as never] }, 'scope[0]'],
    ['scope with a quote', { scope: 'tracker:"read"' }, 'scope'],
    ['right in both lists', { scope: [TRACKER_READ], optionalScope: [TRACKER_READ] }, 'optionalScope'],
    ['forceConfirm as string', { forceConfirm: 'yes' as never }, 'forceConfirm'],
    ['empty state', { state: '' }, 'state'],
    ['state with newline', { state: 'a\nb' }, 'state'],
    ['short code challenge', { codeChallenge: 'abc' }, 'codeChallenge'],
    ['method without challenge', { codeChallengeMethod: 'S256' }, 'codeChallengeMethod'],
    ['unknown method', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S512' as never }, 'codeChallengeMethod'],
    ['PKCE with the implicit flow', { responseType: 'token', codeChallenge: CHALLENGE }, 'codeChallenge'],
    ['pkce and codeChallenge together', { pkce: { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' }, codeChallenge: CHALLENGE }, 'pkce'],
    ['oauthUrl with a query', { oauthUrl: 'https://oauth.yandex.ru/?x=1' }, 'oauthUrl'],
    ['oauthUrl not http(s)', { oauthUrl: 'ftp://oauth.yandex.ru' }, 'oauthUrl'],
  ];

  it.each(bad)('refuses %s', (_name, patch, field) => {
    let caught: unknown;
    try {
      buildAuthorizeUrl({ clientId: 'c', ...patch } as AuthorizeUrlOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).field).toBe(field);
    expect((caught as ConfigurationError).message).toContain(field);
  });
});
