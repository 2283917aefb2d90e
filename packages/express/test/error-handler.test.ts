import { SignInRequiredError, TokenExchangeError, isConfigurationError } from '@tracker-auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerErrorHandler, withHttpStatus } from '../src/index.js';
import { express, listen } from './express.js';
import { thrownBy } from './thrown.js';

let app: Awaited<ReturnType<typeof listen>>;
let plain: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  const server = express();
  server.get('/sign-in-required', (_req, _res, next) => next(new SignInRequiredError('Sign in with Yandex first.')));
  server.get('/upstream-busy', (_req, _res, next) =>
    next(new TokenExchangeError('IAM token exchange failed: POST https://iam.example/iam/v1/tokens', { source: 'iam', status: 503, retryable: true })),
  );
  server.get('/other', (_req, _res, next) => next(new Error('not ours')));
  server.use(trackerErrorHandler({ signInPath: '/auth/sign-in' }));
  server.use((error: Error, _req: unknown, res: import('express').Response, _next: unknown) => {
    res.status(599).json({ fellThrough: error.message });
  });
  app = await listen(server);

  // No trackerErrorHandler: Express's own final handler reads err.status.
  const bare = express();
  bare.get('/sign-in-required', (_req, _res, next) => next(withHttpStatus(new SignInRequiredError('Sign in with Yandex first.'))));
  plain = await listen(bare);
});
afterAll(async () => {
  await app.close();
  await plain.close();
});

describe('trackerErrorHandler', () => {
  it('answers tracker-auth errors with the shared status and JSON shape', async () => {
    const res = await fetch(`${app.url}/sign-in-required`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'SIGN_IN_REQUIRED', message: 'Sign in with Yandex first.' } });

    const busy = await fetch(`${app.url}/upstream-busy`);
    expect(busy.status).toBe(503);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it('sends browsers that must sign in again to signInPath', async () => {
    const res = await fetch(`${app.url}/sign-in-required`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/sign-in');
  });

  it('passes other errors on to the next error handler', async () => {
    const res = await fetch(`${app.url}/other`);
    expect(res.status).toBe(599);
    expect(await res.json()).toEqual({ fellThrough: 'not ours' });
  });

  it('validates signInPath at construction', () => {
    for (const bad of ['auth/sign-in', '//evil.example', 'https://evil.example', '/\\evil.example']) {
      const error = thrownBy(() => trackerErrorHandler({ signInPath: bad }));
      expect(isConfigurationError(error)).toBe(true);
    }
  });
});

describe('withHttpStatus', () => {
  it("gives Express's default error handler the right status", async () => {
    const res = await fetch(`${plain.url}/sign-in-required`);
    expect(res.status).toBe(401);
  });
});
