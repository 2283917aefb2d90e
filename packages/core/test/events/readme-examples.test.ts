/**
 * Runs every ```js example of readme/90-sign-in-flow.md and readme/96-observability.md as
 * written (each written to a temporary module and imported, so `@tracker-auth/core` and
 * `@tracker-auth/testing` resolve to the sources), and checks what they print against the
 * output the README states in its comments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readmeExampleRunner, readmeExamples as examples } from '../readme-runner.js';

const { run, cleanup } = readmeExampleRunner('events');

afterAll(cleanup);

describe('README examples run as written', () => {
  it('90-sign-in-flow: the host redirect and errorPath', async () => {
    const all = examples('90-sign-in-flow.md');
    expect(all).toHaveLength(1);
    const out = await run(all[0]!, 'sign-in-error-path');
    expect(out).toEqual(['302 http://127.0.0.1:3000/auth/sign-in?returnTo=%2Fissues&tracker_auth_host=1', '303 /sign-in-error?error=state_missing']);
  });

  it('96-observability: a console logger', async () => {
    const all = examples('96-observability.md');
    expect(all).toHaveLength(1);
    const out = await run(all[0]!, 'observability-console');
    expect(out).toEqual([
      'refresh.start credential',
      'refresh.end credential',
      'request.rate-limited GET /v3/myself',
      'request.unauthorized-replay GET /v3/myself',
      'refresh.start credential',
      'refresh.end credential',
    ]);
  });
});
