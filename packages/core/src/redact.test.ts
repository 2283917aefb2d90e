import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, hideSecrets, isSecretKey, redactHeaders, redactSecrets, redactUrl } from './redact.js';

const TOKEN = 'y0_secret-token-value';

describe('isSecretKey', () => {
  it('matches secret names in any spelling and leaves others alone', () => {
    for (const key of ['refresh_token', 'refreshToken', 'Refresh-Token', 'client_secret', 'code_verifier', 'privateKey', 'code']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['expires_in', 'scope', 'state', 'token_type', 'orgId']) expect(isSecretKey(key), key).toBe(false);
  });
});

describe('redactHeaders', () => {
  it('keeps the scheme word, hides credentials and cookies, lower-cases names, drops empty values', () => {
    expect(redactHeaders({ Authorization: `OAuth ${TOKEN}`, Cookie: `s=${TOKEN}`, 'X-Org-ID': '123', 'X-Empty': undefined })).toEqual({
      authorization: `OAuth ${REDACTED}`,
      cookie: REDACTED,
      'x-org-id': '123',
    });
    expect(redactHeaders(new Headers({ authorization: `Bearer ${TOKEN}` }))).toEqual({ authorization: `Bearer ${REDACTED}` });
    expect(redactHeaders([['Authorization', TOKEN]])).toEqual({ authorization: REDACTED });
  });
});

describe('redactUrl', () => {
  it('hides secret query and fragment fields and userinfo, keeps the rest', () => {
    const out = redactUrl(`https://user:pw@example.test/cb?code=${TOKEN}&state=abc#access_token=${TOKEN}&expires_in=3600`);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('pw');
    expect(out).toContain('state=abc');
    expect(out).toContain('expires_in=3600');
  });

  it('returns [REDACTED] for unparseable input instead of echoing it', () => {
    expect(redactUrl(`not a url ${TOKEN}`)).toBe(REDACTED);
  });
});

describe('redactSecrets', () => {
  it('replaces secret-named primitives and objects, keeps null/undefined and other fields, cuts cycles', () => {
    const value: Record<string, unknown> = {
      access_token: TOKEN,
      privateKey: { pem: TOKEN },
      refresh_token: null,
      code: undefined,
      expires_in: 3600,
      nested: [{ client_secret: TOKEN, scope: 'tracker:read' }],
      headers: { Authorization: `OAuth ${TOKEN}` },
      url: new URL(`https://example.test/?code=${TOKEN}`),
    };
    value.self = value;
    const out = redactSecrets(value) as Record<string, unknown>;
    expect(out).toMatchObject({
      access_token: REDACTED,
      privateKey: REDACTED,
      refresh_token: null,
      code: undefined,
      expires_in: 3600,
      nested: [{ client_secret: REDACTED, scope: 'tracker:read' }],
      headers: { authorization: `OAuth ${REDACTED}` },
      self: '[Circular]',
    });
    expect(JSON.stringify(out)).not.toContain(TOKEN);
    // The input is untouched.
    expect(value.access_token).toBe(TOKEN);
  });
});

describe('hideSecrets', () => {
  it('makes JSON.stringify and util.inspect show only the summary, without new enumerable keys', () => {
    const target = hideSecrets({ token: TOKEN, kind: 'oauth' }, () => ({ kind: 'oauth' }), 'Thing');
    expect(JSON.stringify(target)).toBe('{"kind":"oauth"}');
    expect(inspect(target)).toBe('Thing {"kind":"oauth"}');
    expect(Object.keys(target)).toEqual(['token', 'kind']);
    expect(target.token).toBe(TOKEN);
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret and leaves short values alone', async () => {
    const { scrubSecrets } = await import('./redact.js');
    const text = 'code y0_SECRETVALUE rejected; y0_SECRETVALUE again; id ab';
    expect(scrubSecrets(text, ['y0_SECRETVALUE', 'ab', undefined])).toBe('code [REDACTED] rejected; [REDACTED] again; id ab');
  });
});

describe('quoteUpstream', () => {
  it('makes one line, scrubs the call secrets and credential shapes, and caps the length', async () => {
    const { quoteUpstream } = await import('./redact.js');
    expect(quoteUpstream('bad\r\nX-Forged: 1\tsecret-value-1 and y0_AgAAAAAAxxxxxxxxxxxxxxxxxxxx', ['secret-value-1'])).toBe(
      'bad X-Forged: 1 [REDACTED] and [REDACTED]',
    );
    expect(quoteUpstream('a'.repeat(20), [], 5)).toBe('aaaaa…');
    expect(quoteUpstream('  \n ')).toBe('');
  });
});
