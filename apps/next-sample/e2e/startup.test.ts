/**
 * The built sample refuses to run misconfigured: `next start` exits at boot (instrumentation.ts)
 * with the option named, instead of serving 500s, and prints no secret while doing so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, freePort, startNextExpectingExit } from './processes';

const good = {
  APP_URL: 'http://127.0.0.1:3000',
  TRACKER_ORG_ID: '1234567',
  YANDEX_CLIENT_ID: 'a'.repeat(32),
  YANDEX_CLIENT_SECRET: 'client-secret-that-must-not-be-printed',
  SESSION_SECRET: 'x'.repeat(43),
};

describe('next start with bad configuration', () => {
  beforeAll(() => ensureBuilt());

  it.each([
    ['a short session secret', { SESSION_SECRET: 'short' }, /sessionSecret/],
    ['a missing client id', { YANDEX_CLIENT_ID: '' }, /YANDEX_CLIENT_ID/],
    ['a malformed service token', { TRACKER_OAUTH_TOKEN: 'not a token' }, /token/i],
  ])('%s stops the server at startup', async (_name, override, message) => {
    const { code, output } = await startNextExpectingExit(await freePort(), { ...good, ...override });
    expect(code).toBe(1);
    expect(output).toMatch(/next-sample: cannot start: /);
    expect(output).toMatch(message);
    expect(output).not.toContain(good.YANDEX_CLIENT_SECRET);
    expect(output).not.toContain('not a token');
  });
});
