import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthCallbackError, OAuthResponseError, httpStatusForError } from '../errors.js';
import { parseCallback, type CodeCallback, type TokenCallback } from './callback.js';

const STATE = 'Zm9vYmFyYmF6cXV4LXN0YXRlLXZhbHVlLTEyMzQ1Njc4';
const CODE = '7654321';
const TOKEN = 'y0_AgAAAAB-callback-SECRET-token';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseCallback: code flow (query)', () => {
  it('returns the code and state', () => {
    const result = parseCallback(`https://app.example/cb?code=${CODE}&state=${STATE}`, { expectedState: STATE });
    expect(result).toMatchObject({ type: 'code', code: CODE, state: STATE });
  });

  it('accepts a URL object and a path with query (Express req.originalUrl)', () => {
    expect(parseCallback(new URL(`http://x/cb?code=${CODE}&state=${STATE}`), { expectedState: STATE }).type).toBe('code');
    expect((parseCallback(`/auth/cb?code=${CODE}&state=${STATE}`, { expectedState: STATE }) as CodeCallback).code).toBe(CODE);
  });

  it('accepts no state when none was sent (expectedState: false)', () => {
    expect(parseCallback(`https://app.example/cb?code=${CODE}`, { expectedState: false })).toMatchObject({ code: CODE, state: undefined });
  });

  it('prints without the code', () => {
    const result = parseCallback(`https://app.example/cb?code=${CODE}&state=${STATE}`, { expectedState: STATE });
    expect(JSON.stringify(result)).not.toContain(CODE);
    expect(inspect(result)).not.toContain(CODE);
  });
});

describe('parseCallback: implicit flow (fragment)', () => {
  it('returns the token set with expiresAt from expires_in', () => {
    const result = parseCallback(
      `https://app.example/cb#access_token=${TOKEN}&token_type=bearer&expires_in=31536000&state=${STATE}`,
      { expectedState: STATE, now: () => 1_000_000 },
    ) as TokenCallback;
    expect(result.type).toBe('token');
    expect({ ...result.tokens }).toEqual({ accessToken: TOKEN, tokenType: 'bearer', expiresAt: 1_000_000 + 31_536_000_000 });
    expect(result.expiresIn).toBe(31_536_000);
    expect(result.state).toBe(STATE);
    expect(inspect(result)).not.toContain(TOKEN);
    expect(inspect(result.tokens)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    // The token set itself stays serializable, so it can be sealed into a session.
    expect(JSON.parse(JSON.stringify(result.tokens)).accessToken).toBe(TOKEN);
  });

  it('reads the debug-token page URL (verification_code)', () => {
    const result = parseCallback(`https://oauth.yandex.ru/verification_code#access_token=${TOKEN}&expires_in=100`, {
      expectedState: false,
    }) as TokenCallback;
    expect(result.tokens.accessToken).toBe(TOKEN);
    expect(result.tokens.tokenType).toBe('bearer');
  });

  it('honours an explicit responseType', () => {
    const error = thrown(() => parseCallback(`https://app.example/cb#access_token=${TOKEN}`, { expectedState: false, responseType: 'code' }));
    expect(error).toMatchObject({ code: 'CALLBACK_INVALID' });
  });
});

describe('parseCallback: state', () => {
  it('STATE_MISSING when the callback has no state but one was sent', () => {
    const error = thrown(() => parseCallback(`https://app.example/cb?code=${CODE}`, { expectedState: STATE }));
    expect(error).toBeInstanceOf(OAuthCallbackError);
    expect(error).toMatchObject({ code: 'STATE_MISSING' });
    expect(httpStatusForError(error)).toBe(400);
  });

  it('STATE_MISSING when the expected state is unknown (cookie gone) — never "accept anything"', () => {
    for (const expectedState of [undefined, '']) {
      expect(thrown(() => parseCallback(`https://app.example/cb?code=${CODE}`, { expectedState }))).toMatchObject({ code: 'STATE_MISSING' });
    }
    expect(thrown(() => parseCallback(`https://app.example/cb?code=${CODE}`, {} as never))).toMatchObject({ code: 'STATE_MISSING' });
  });

  it('STATE_MISMATCH when the state differs, without echoing either value', () => {
    const error = thrown(() => parseCallback(`https://app.example/cb?code=${CODE}&state=ZZattackerZZ`, { expectedState: STATE })) as Error;
    expect(error).toMatchObject({ code: 'STATE_MISMATCH' });
    expect(inspect(error)).not.toContain(STATE);
    expect(inspect(error)).not.toContain(CODE);
    expect(inspect(error)).not.toContain('ZZattackerZZ');
  });

  it('STATE_MISMATCH for a state that only differs in length', () => {
    expect(thrown(() => parseCallback(`https://app.example/cb?code=${CODE}&state=${STATE}x`, { expectedState: STATE }))).toMatchObject({
      code: 'STATE_MISMATCH',
    });
  });

  it('STATE_UNEXPECTED when none was sent but one came back', () => {
    expect(thrown(() => parseCallback(`https://app.example/cb?code=${CODE}&state=x`, { expectedState: false }))).toMatchObject({
      code: 'STATE_UNEXPECTED',
    });
  });

  it('checks state before an upstream error (a forged error page is a mismatch)', () => {
    expect(thrown(() => parseCallback('https://app.example/cb?error=access_denied&state=forged', { expectedState: STATE }))).toMatchObject({
      code: 'STATE_MISMATCH',
    });
  });
});

describe('parseCallback: upstream errors', () => {
  it('access_denied in the query → OAuthResponseError with error and description', () => {
    const error = thrown(() =>
      parseCallback(`https://app.example/cb?error=access_denied&error_description=User%20denied&state=${STATE}`, { expectedState: STATE }),
    ) as OAuthResponseError;
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error.code).toBe('OAUTH_ERROR');
    expect(error.error).toBe('access_denied');
    expect(error.errorDescription).toBe('User denied');
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('access_denied');
    expect(error.message).toContain('refused');
    expect(httpStatusForError(error)).toBe(403);
  });

  it('unauthorized_client in the fragment (implicit flow), even without state', () => {
    const error = thrown(() => parseCallback('https://app.example/cb#error=unauthorized_client', { expectedState: STATE })) as OAuthResponseError;
    expect(error.error).toBe('unauthorized_client');
    expect(error.message).toContain('moderation');
  });

  it('strips control characters from upstream text and bounds its length', () => {
    const long = encodeURIComponent(`bad\r\nline${'x'.repeat(1000)}`);
    const error = thrown(() => parseCallback(`https://app.example/cb?error=server_error&error_description=${long}`, { expectedState: false })) as OAuthResponseError;
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.errorDescription!.length).toBeLessThanOrEqual(301);
  });
});

describe('parseCallback: malformed callbacks', () => {
  it.each([
    ['no code and no error', `https://app.example/cb?state=${STATE}`],
    ['empty code', `https://app.example/cb?code=&state=${STATE}`],
    ['two codes', `https://app.example/cb?code=1&code=2&state=${STATE}`],
    ['two states', `https://app.example/cb?code=1&state=${STATE}&state=${STATE}`],
    ['code with a space', `https://app.example/cb?code=1%202&state=${STATE}`],
    ['bad expires_in', `https://app.example/cb#access_token=${TOKEN}&expires_in=soon&state=${STATE}`],
    ['token with a newline', `https://app.example/cb#access_token=a%0Ab&state=${STATE}`],
  ])('%s → CALLBACK_INVALID', (_name, url) => {
    const error = thrown(() => parseCallback(url, { expectedState: STATE })) as Error;
    expect(error).toMatchObject({ code: 'CALLBACK_INVALID' });
    expect(inspect(error)).not.toContain(TOKEN);
  });

  it.each([[''], ['not a url'], [42]])('unparseable input %j → CALLBACK_INVALID', (input) => {
    expect(thrown(() => parseCallback(input as string, { expectedState: STATE }))).toMatchObject({ code: 'CALLBACK_INVALID' });
  });
});
