/**
 * A caller's signal firing at any moment of a Tracker client call ends that call with
 * `AbortedError` and never crashes the process. The reported crash: Node's fetch rejects,
 * unhandled, when a signal fires after `response.clone()` (which ky's afterResponse hooks do)
 * left a body unread, e.g. while the client waits out a 503's Retry-After.
 *
 * Each scenario runs in a child process (abort-child.ts, bundled from the sources) with plain
 * `node` and its real fetch, so an unhandled rejection shows as Node's default handling shows
 * it: exit code 1 and a stack trace on stderr.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleForNode, runToExit } from '@tracker-auth-tools/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import type { TrackerAuth } from '../../src/types.js';
import { startLocalServer, type LocalServer } from '../oauth/local-server.js';

let dir: string;
let script: string;

beforeAll(async () => {
  ({ dir, script } = await bundleForNode(fileURLToPath(new URL('./abort-child.ts', import.meta.url)), 'tracker-auth-abort-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runToExit(process.execPath, [script, scenario]);
}

async function expectClean(scenario: string): Promise<{ results: Record<string, unknown>; requests: number }> {
  const { code, stdout, stderr } = await runChild(scenario);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout.trim()) as { results: Record<string, unknown>; requests: number };
}

const ABORTED = 'AbortedError:ABORTED';

describe('aborting a Tracker client call never crashes the process', () => {
  it('while waiting out a 503 Retry-After (GET and POST): AbortedError, no retry sent', async () => {
    const { results, requests } = await expectClean('retry-wait-503');
    expect(results).toEqual({ get: ABORTED, post: ABORTED });
    expect(requests).toBe(2);
  });

  it('while waiting out a 429, with a reason of the caller and a user afterResponse hook: AbortedError', async () => {
    const { results, requests } = await expectClean('retry-wait-429');
    expect(results).toEqual({ post: ABORTED });
    expect(requests).toBe(1);
  });

  it('during the 401 replay: while invalidate() runs', async () => {
    const { results, requests } = await expectClean('replay-invalidate');
    expect(results).toEqual({ post: ABORTED });
    expect(requests).toBe(1);
  });

  it('during the 401 replay: while the fresh token is fetched, and while the replay is in flight', async () => {
    const { results, requests } = await expectClean('replay-refresh-and-flight');
    expect(results).toEqual({ refresh: ABORTED, flight: ABORTED });
    // First call: the 401 only; second: the 401 and the replay that never got an answer.
    expect(requests).toBe(3);
  });

  it('while the request is in flight, and after an answer whose body the caller has not read', async () => {
    const { results, requests } = await expectClean('in-flight-and-unread');
    expect(results).toEqual({ flight: ABORTED, unread: 200 });
    expect(requests).toBe(2);
  });

  it('for many concurrent calls waiting to retry, aborted by one shared signal and one by one', async () => {
    const { results, requests } = await expectClean('many-concurrent');
    expect(results).toEqual({ together: [ABORTED], oneByOne: [ABORTED] });
    expect(requests).toBe(80);
  });
});

describe('a failed attempt before a retry', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('has its response body released instead of holding the connection through the wait', async () => {
    let firstClosed!: () => void;
    const closed = new Promise<void>((resolve) => (firstClosed = resolve));
    let n = 0;
    server = await startLocalServer((_req, res) => {
      if (++n === 1) {
        // A 503 whose body never ends: only the client giving it up closes this connection.
        res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '0' });
        res.write('{"errorMessages":["busy"');
        res.once('close', firstClosed);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      }
    });
    const auth: TrackerAuth = {
      org: { orgId: '1' },
      credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: 'token-1', kind: 'oauth' }) },
      headers: async () => ({ Authorization: 'OAuth token-1', 'X-Org-ID': '1' }),
      invalidate: async () => undefined,
    };
    expect(await createTrackerClient(auth, { trackerUrl: server.url }).get('myself').json()).toEqual({ ok: true });
    // Never settles (test timeout) if the client kept the first body unread.
    await closed;
    expect(n).toBe(2);
  });
});
