/**
 * errorAnswer: the one place adapters get an error's HTTP answer from (Nest's exception filter
 * writes it through the platform; toErrorResponse wraps it in a Response). Statuses a platform
 * cannot send become 500; a 405 names what is allowed; nothing but the fixed message of a
 * foreign error is sent.
 */
import { describe, expect, it } from 'vitest';
import { AbortedError, RequestRejectedError, SignInRequiredError, TrackerHttpError } from '../../src/errors.js';
import { errorAnswer, toErrorResponse } from '../../src/web/error-response.js';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
};

describe('errorAnswer', () => {
  it('a tracker-auth error keeps its status, code and message, with the JSON headers', () => {
    expect(errorAnswer(new SignInRequiredError('Sign in with Yandex first.'))).toEqual({
      status: 401,
      body: { error: { code: 'SIGN_IN_REQUIRED', message: 'Sign in with Yandex first.' } },
      headers: JSON_HEADERS,
    });
  });

  it("Tracker's 4xx passes through with its details", () => {
    const error = new TrackerHttpError('Tracker answered HTTP 422', {
      status: 422,
      method: 'POST',
      url: 'https://tracker.example/v3/issues',
      errors: { queue: 'Queue does not exist' },
    });
    const answer = errorAnswer(error);
    expect(answer.status).toBe(422);
    expect(answer.body.error.details).toEqual({ errors: { queue: 'Queue does not exist' }, errorMessages: [] });
  });

  it('an aborted call (499, not sendable everywhere) answers 500', () => {
    const answer = errorAnswer(new AbortedError('The client went away.'));
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('ABORTED');
  });

  it('a 405 names the allowed methods in `allow`', () => {
    const answer = errorAnswer(new RequestRejectedError('METHOD_NOT_ALLOWED', 'TRACE is not served.', 'GET, POST'));
    expect(answer.status).toBe(405);
    expect(answer.headers).toEqual({ ...JSON_HEADERS, allow: 'GET, POST' });
    expect(errorAnswer(new RequestRejectedError('BAD_REQUEST', 'Bad Host.')).headers).toEqual(JSON_HEADERS);
  });

  it('anything else is a generic 500 that says nothing of the error', () => {
    const answer = errorAnswer(new Error('db password hunter2 leaked'));
    expect(answer).toEqual({ status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } }, headers: JSON_HEADERS });
  });
});

describe('toErrorResponse is errorAnswer as a Response', () => {
  it('same status, body and headers; extra headers added, an error’s allow kept', async () => {
    const error = new RequestRejectedError('METHOD_NOT_ALLOWED', 'Use GET.', 'GET');
    const response = toErrorResponse(error, { 'x-extra': '1', allow: 'POST' });
    const answer = errorAnswer(error);
    expect(response.status).toBe(answer.status);
    expect(await response.json()).toEqual(answer.body);
    expect(Object.fromEntries(response.headers)).toEqual({ ...answer.headers, 'x-extra': '1' });
  });

  it('an aborted call answers 500 here too', () => {
    expect(toErrorResponse(new AbortedError('gone')).status).toBe(500);
  });
});
