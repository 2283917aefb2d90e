import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, isConfigurationError } from './errors.js';
import { buildTrackerHeaders } from './headers.js';
import { assertAppPath, assertToken, assertUrl, endpointUrl, normalizeOrg } from './validate.js';

/** A distinctive value every bad input below carries; it must never come back out. */
const S = 'SeCrEt7x9Q';

interface BadInput {
  name: string;
  run: () => unknown;
  code: 'INVALID_TOKEN' | 'INVALID_ORG' | 'INVALID_URL';
  field: string;
}

const tok = (value: unknown) => () => assertToken(value, 'credentials.token');
const org = (value: unknown) => () => normalizeOrg(value);
const url = (value: unknown) => () => assertUrl(value, 'oauthUrl');

const BAD_INPUTS: BadInput[] = [
  // tokens
  { name: 'token: undefined', run: tok(undefined), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: null', run: tok(null), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: number', run: tok(12345), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: object carrying the secret', run: tok({ token: `y0_${S}` }), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: empty', run: tok(''), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: spaces only', run: tok('   '), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: trailing newline', run: tok(`y0_${S}\n`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: CRLF header injection', run: tok(`y0_${S}\r\nX-Evil: 1`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: bare CR', run: tok(`y0_${S}\rX`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: NUL byte', run: tok(`y0_${S}\u0000`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: tab', run: tok(`y0_${S}\tx`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: DEL', run: tok(`y0_${S}\u007f`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: inner space', run: tok(`y0_${S} more`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: leading space', run: tok(` y0_${S}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: with OAuth scheme', run: tok(`OAuth y0_${S}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: with Bearer scheme', run: tok(`Bearer t1.${S}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: with lower-case bearer scheme', run: tok(`bearer t1.${S}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: with "OAuth:" prefix', run: tok(`OAuth:y0_${S}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: non-ASCII', run: tok(`y0_${S}ж`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: unicode line separator', run: tok(`y0_${S}\u2028x`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  { name: 'token: too long', run: tok(`y0_${S}${'a'.repeat(9000)}`), code: 'INVALID_TOKEN', field: 'credentials.token' },
  {
    name: 'headers: token object with bad token',
    run: () => buildTrackerHeaders({ token: `y0_${S}\n`, kind: 'oauth' }, { orgId: '1' }),
    code: 'INVALID_TOKEN',
    field: 'token.token',
  },
  // organizations
  { name: 'org: undefined', run: org(undefined), code: 'INVALID_ORG', field: 'org' },
  { name: 'org: a string', run: org(S), code: 'INVALID_ORG', field: 'org' },
  { name: 'org: empty object', run: org({}), code: 'INVALID_ORG', field: 'org' },
  { name: 'org: both kinds', run: org({ orgId: '123', cloudOrgId: `bpf${S}` }), code: 'INVALID_ORG', field: 'org' },
  { name: 'org: misspelled key', run: org({ orgID: S }), code: 'INVALID_ORG', field: 'org' },
  { name: 'orgId: empty', run: org({ orgId: '' }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: letters', run: org({ orgId: `bpf${S}` }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: trailing newline', run: org({ orgId: '123\n' }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: CRLF injection', run: org({ orgId: `1\r\nX-${S}: 1` }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: space', run: org({ orgId: '123 456' }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: negative number', run: org({ orgId: -5 }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'orgId: boolean', run: org({ orgId: true }), code: 'INVALID_ORG', field: 'org.orgId' },
  { name: 'cloudOrgId: empty', run: org({ cloudOrgId: '' }), code: 'INVALID_ORG', field: 'org.cloudOrgId' },
  { name: 'cloudOrgId: whitespace', run: org({ cloudOrgId: ' bpf3crucp1v2zjbqn4kk' }), code: 'INVALID_ORG', field: 'org.cloudOrgId' },
  { name: 'cloudOrgId: control character', run: org({ cloudOrgId: `bpf${S}\u0007` }), code: 'INVALID_ORG', field: 'org.cloudOrgId' },
  { name: 'cloudOrgId: digits (a 360 id)', run: org({ cloudOrgId: '1234567' }), code: 'INVALID_ORG', field: 'org.cloudOrgId' },
  { name: 'cloudOrgId: punctuation', run: org({ cloudOrgId: `bpf/${S}` }), code: 'INVALID_ORG', field: 'org.cloudOrgId' },
  {
    name: 'headers: IAM with a Yandex 360 org',
    run: () => buildTrackerHeaders({ token: `t1.${S}`, kind: 'iam' }, { orgId: '1' }),
    code: 'INVALID_ORG',
    field: 'org',
  },
  // URLs
  { name: 'url: number', run: url(443), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: empty', run: url(''), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: relative', run: url(`/oauth/${S}`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: ftp scheme', run: url(`ftp://${S}.example`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: javascript scheme', run: url(`javascript:alert('${S}')`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: credentials', run: url(`https://user:${S}@oauth.yandex.ru`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: query', run: url(`https://oauth.yandex.ru/?token=${S}`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: fragment', run: url(`https://oauth.yandex.ru/#${S}`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: newline', run: url(`https://oauth.yandex.ru/${S}\n`), code: 'INVALID_URL', field: 'oauthUrl' },
  { name: 'url: space', run: url(`https://oauth.yandex.ru/ ${S}`), code: 'INVALID_URL', field: 'oauthUrl' },
];

describe('bad inputs at the boundary', () => {
  it('has at least 30 cases', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_INPUTS)('$name → $code', ({ run, code, field }) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect(isConfigurationError(caught)).toBe(true);
    const error = caught as ConfigurationError;
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    // The message names the field and says what to do.
    expect(error.message).toContain(field);
    expect(error.message).toMatch(/;\s.+/);
    // …and never repeats the value.
    expect(error.message).not.toContain(S);
    expect(JSON.stringify(error)).not.toContain(S);
    expect(inspect(error)).not.toContain(S);
    expect(String(error.stack)).not.toContain(S);
  });
});

describe('assertToken', () => {
  it('returns OAuth and IAM tokens unchanged', () => {
    expect(assertToken('y0_AgAAAAAA-bc_d', 't')).toBe('y0_AgAAAAAA-bc_d');
    const iam = `t1.9euelZqSk5DLkY6ckJCSz4_Kl5yOkO3rnpWax5CLmpDGl4qRzp3Ml8fJjJvl8_cJd.${'A'.repeat(86)}`;
    expect(assertToken(iam, 't')).toBe(iam);
  });

  it('explains the scheme-word mistake', () => {
    expect(() => assertToken('OAuth y0_x', 'TRACKER_TOKEN')).toThrow(/TRACKER_TOKEN starts with OAuth\/Bearer; pass the token alone/);
  });
});

describe('normalizeOrg', () => {
  it('returns a fresh object with exactly one key', () => {
    const input = { orgId: '1234567', cloudOrgId: undefined, extra: 'x' };
    const result = normalizeOrg(input);
    expect(result).toEqual({ orgId: '1234567' });
    expect(Object.keys(result)).toEqual(['orgId']);
    expect(result).not.toBe(input);
  });

  it('accepts a Yandex Cloud id and treats null as absent', () => {
    expect(normalizeOrg({ orgId: null, cloudOrgId: 'bpf3crucp1v2zjbqn4kk' })).toEqual({ cloudOrgId: 'bpf3crucp1v2zjbqn4kk' });
  });

  it('accepts a numeric orgId from JSON config', () => {
    expect(normalizeOrg({ orgId: 7654321 })).toEqual({ orgId: '7654321' });
  });

  it('uses the given field path', () => {
    expect(() => normalizeOrg({}, 'options.org')).toThrow(expect.objectContaining({ field: 'options.org' }));
    expect(() => normalizeOrg({ orgId: 'x' }, 'options.org')).toThrow(expect.objectContaining({ field: 'options.org.orgId' }));
  });

  it('suggests the other key when an id is in the wrong one', () => {
    expect(() => normalizeOrg({ orgId: 'bpf3crucp1v2zjbqn4kk' })).toThrow(/pass it as cloudOrgId/);
    expect(() => normalizeOrg({ cloudOrgId: '1234567' })).toThrow(/pass it as orgId/);
  });
});

describe('assertUrl', () => {
  it('accepts http and https base URLs and returns a URL', () => {
    expect(assertUrl('https://oauth.yandex.ru', 'x').href).toBe('https://oauth.yandex.ru/');
    expect(assertUrl(new URL('http://127.0.0.1:8080/oauth'), 'x').pathname).toBe('/oauth');
  });

  it('allows a query only when asked, and other schemes only when asked', () => {
    expect(assertUrl('https://app.example/cb?x=1', 'redirectUri', { allowQuery: true }).search).toBe('?x=1');
    expect(assertUrl('com.example.app:/cb', 'redirectUri', { anyScheme: true }).protocol).toBe('com.example.app:');
    expect(() => assertUrl('https://app.example/cb#x', 'redirectUri', { allowQuery: true })).toThrow(/fragment/);
  });
});

describe('endpointUrl', () => {
  it('keeps the base path prefix', () => {
    expect(endpointUrl('http://127.0.0.1:3000/oauth', 'authorize').href).toBe('http://127.0.0.1:3000/oauth/authorize');
    expect(endpointUrl('http://127.0.0.1:3000/oauth/', '/token').href).toBe('http://127.0.0.1:3000/oauth/token');
    expect(endpointUrl('https://oauth.yandex.ru', 'authorize').href).toBe('https://oauth.yandex.ru/authorize');
  });
});

describe('assertAppPath', () => {
  it('returns good paths unchanged and the fallback for undefined', () => {
    expect(assertAppPath('/auth/login', 'signInPath')).toBe('/auth/login');
    expect(assertAppPath('/', 'signInPath')).toBe('/');
    expect(assertAppPath('/a/b%20c/~x:y@z', 'signInPath')).toBe('/a/b%20c/~x:y@z');
    expect(assertAppPath(undefined, 'signInPath', { fallback: '/api/auth/sign-in' })).toBe('/api/auth/sign-in');
  });

  it.each([
    ['no fallback for undefined', undefined],
    ['not a string', 42],
    ['empty', ''],
    ['relative', 'app/sign-in'],
    ['protocol-relative', '//evil.example'],
    ['backslash', '/\\evil.example'],
    ['double slash inside', '/auth//login'],
    ['dot segment', '/auth/../admin'],
    ['single dot segment', '/auth/.'],
    ['query', '/auth/login?x=1'],
    ['fragment', '/auth/login#x'],
    ['space', '/auth/log in'],
    ['bad escape', '/auth/%zz'],
    ['absolute URL', 'https://evil.example/'],
  ])('refuses %s with a ConfigurationError naming the field', (_, value) => {
    const error = (() => {
      try {
        assertAppPath(value, 'signInPath');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', field: 'signInPath' });
    if (typeof value === 'string' && value.length > 3) expect((error as Error).message).not.toContain(value);
  });

  it('refuses escapes when percentEncoded is false, and keeps a given message', () => {
    expect(() => assertAppPath('/a%20b', 'paths.login', { percentEncoded: false, message: 'custom: paths.login' })).toThrow(
      new ConfigurationError('INVALID_OPTION', 'paths.login', 'custom: paths.login'),
    );
    expect(assertAppPath('/a-b', 'paths.login', { percentEncoded: false })).toBe('/a-b');
  });
});
