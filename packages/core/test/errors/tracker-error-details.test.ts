/**
 * Tracker's field errors reach the caller: a 422 for an unknown queue (the fake answers as
 * Tracker documents, `{"errors":{"queue":…},"errorMessages":[],"statusCode":422}`) becomes a
 * TrackerHttpError whose message says what Tracker said, and whose web error body carries the
 * `errors` map and `errorMessages` as `details`, without Tracker's origin or a credential.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { TrackerHttpError, isTrackerHttpError } from '../../src/errors.js';
import { toErrorBody, toErrorResponse } from '../../src/web/error-response.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { sendJson, startLocalServer } from '../oauth/local-server.js';

let fake: FakeYandex;
beforeAll(async () => {
  fake = await startFakeYandex();
});
afterAll(async () => {
  await fake.close();
});

const client = () =>
  createTrackerClient(createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } }), { trackerUrl: fake.url });

describe('a 422 for an unknown queue', () => {
  it('TrackerHttpError keeps errors and errorMessages and its message says them', async () => {
    const error = await client().post('issues', { json: { queue: 'NOSUCHQUEUE', summary: 'x' } }).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    const httpError = error as TrackerHttpError;
    expect(httpError.status).toBe(422);
    expect(httpError.errors).toEqual({ queue: 'Queue does not exist' });
    expect(httpError.errorMessages).toEqual([]);
    expect(httpError.message).toBe('Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist');
  });

  it('toErrorResponse answers 422 with details, no origin, no token', async () => {
    const error = await client().post('issues', { json: { queue: 'NOSUCHQUEUE', summary: 'x' } }).json().catch((e: unknown) => e);
    const response = toErrorResponse(error);
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'HTTP_ERROR',
        message: 'Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist',
        details: { errors: { queue: 'Queue does not exist' }, errorMessages: [] },
      },
    });
    expect(text).not.toContain(new URL(fake.url).host);
    expect(text).not.toContain(fake.demo.oauthToken);
  });

  it('errorMessages and field errors are both quoted; a credential echoed in either is scrubbed', async () => {
    const token = 'AQAAAAAechoedInFieldErrors42';
    const server = await startLocalServer((req, res) =>
      sendJson(res, 400, {
        errors: { summary: 'Required field', [`token ${token}`]: `bad ${req.headers.authorization}` },
        errorMessages: ['Validation failed'],
        statusCode: 400,
      }),
    );
    try {
      const tracker = createTrackerClient(createTrackerAuth({ credentials: oauthToken(token), org: { orgId: '1234567' } }), { trackerUrl: server.url });
      const error = await tracker.post('issues', { json: {} }).catch((e: unknown) => e);
      expect(isTrackerHttpError(error)).toBe(true);
      expect((error as Error).message).toBe(
        'Tracker answered HTTP 400: POST /v3/issues: Validation failed; summary: Required field; token [REDACTED]: bad [REDACTED]',
      );
      const body = toErrorBody(error);
      expect(body.error.details).toEqual({
        errors: { summary: 'Required field', 'token [REDACTED]': 'bad [REDACTED]' },
        errorMessages: ['Validation failed'],
      });
      expect(JSON.stringify(body)).not.toContain(token);
    } finally {
      await server.close();
    }
  });

  it('errors without Tracker details have no details; foreign errors stay a generic 500', () => {
    expect(toErrorBody(new TrackerHttpError('Tracker answered HTTP 404: GET /v3/issues/X-1', { status: 404, method: 'GET', url: 'https://t/v3/issues/X-1' }))).toEqual({
      error: { code: 'HTTP_ERROR', message: 'Tracker answered HTTP 404: GET /v3/issues/X-1' },
    });
    expect(toErrorBody(new Error('y0_secret'))).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
  });
});
