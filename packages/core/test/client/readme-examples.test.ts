/**
 * Runs every ```js example of readme/60-oauth-grants.md, 70-tracker-client.md,
 * 75-pagination.md and 85-node-bridge.md, as written, against the fake Yandex: each is written to a temporary module and imported, so
 * `@tracker-auth/core` and `@tracker-auth/testing` resolve to the sources (vitest aliases).
 * What the examples print is checked where the README states it in a comment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readmeExampleRunner, readmeExamples as examples } from '../readme-runner.js';

const SECTIONS = ['60-oauth-grants.md', '70-tracker-client.md', '85-node-bridge.md', '75-pagination.md'];
const { run, cleanup } = readmeExampleRunner('client');

afterAll(cleanup);

describe('README examples run as written', () => {
  it('has runnable examples in every section', () => {
    expect(examples(SECTIONS[0]!).length).toBeGreaterThanOrEqual(3);
    expect(examples(SECTIONS[1]!).length).toBeGreaterThanOrEqual(2);
    expect(examples(SECTIONS[2]!).length).toBeGreaterThanOrEqual(1);
    expect(examples(SECTIONS[3]!).length).toBeGreaterThanOrEqual(2);
  });

  it('60-oauth-grants: code exchange', async () => {
    const out = await run(examples(SECTIONS[0]!)[0]!, 'grants-exchange');
    expect(out).toEqual(['bearer string string', 'true']);
  });

  it('60-oauth-grants: device flow', async () => {
    const out = await run(examples(SECTIONS[0]!)[1]!, 'grants-device');
    expect(out[0]).toMatch(/^Open http:\/\/127\.0\.0\.1:\d+\/device and enter \S+$/);
    expect(out[1]).toBe('false');
    expect(out).toContain('waiting for approval (poll 1)');
    expect(out.at(-1)).toBe('string');
  });

  it('60-oauth-grants: user mode', async () => {
    const out = await run(examples(SECTIONS[0]!)[2]!, 'grants-user');
    expect(out).toEqual([expect.any(String), 'true']);
  });

  it('70-tracker-client: client', async () => {
    const out = await run(examples(SECTIONS[1]!)[0]!, 'client');
    expect(out).toHaveLength(3);
    expect(out[1]).toMatch(/^TEST-\d+$/);
    expect(out[2]).toBe('Created from the API');
  });

  it('70-tracker-client: errors', async () => {
    const out = await run(examples(SECTIONS[1]!)[1]!, 'client-errors');
    expect(out).toEqual([
      'true 403 620345',
      'Organization is not available, not ready or not found',
      'true false',
      'Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist',
      'Queue does not exist',
    ]);
  });

  it('85-node-bridge: a Tracker proxy on node:http', async () => {
    const out = await run(examples(SECTIONS[2]!)[0]!, 'node-bridge');
    expect(out).toEqual(['demo.user', '201 Through node:http', '403 FORBIDDEN']);
  });

  it('75-pagination: page mode, scroll with break, pages with a limit', async () => {
    const out = await run(examples(SECTIONS[3]!)[0]!, 'pagination');
    expect(out).toEqual(['250', 'BIG-150 0', '1 100 250', '2 20 250']);
  });

  it('75-pagination: an expired scroll', async () => {
    const out = await run(examples(SECTIONS[3]!)[1]!, 'pagination-expired');
    expect(out).toEqual(['true 403 100']);
  });
});
