import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '@tracker-auth-tools/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';

let fake: FakeYandex;
let script: string;

beforeAll(async () => {
  fake = await startFakeYandex();
  // Bundle the child script from TypeScript sources so it runs on plain `node`, no build needed.
  ({ script } = await bundleForNode(fileURLToPath(new URL('../fixtures/exit-child.ts', import.meta.url)), 'tracker-auth-exit-'));
});
afterAll(() => fake.close());

/**
 * Run the child; kill it if it is still alive `limitMs` after it printed its result (or after
 * `startLimitMs` without any result), so slow machines do not make the control case flaky.
 */
function runChild(env: Record<string, string>, limitMs: number, startLimitMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    // A safety net, not a timing assertion: a process held open by a timer never exits at all.
    let guard = setTimeout(kill, startLimitMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      clearTimeout(guard);
      guard = setTimeout(kill, limitMs);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe('a process using the library exits by itself', () => {
  it('after using every fetching token source, a retried failure and a pending background refresh', async () => {
    // One IAM failure on the way: the retry path (backoff sleep) runs in the child too.
    fake.faults.inject('iam.tokens', { status: 503 });
    const { code, stdout, stderr, killed } = await runChild(
      {
        FAKE_URL: fake.url,
        FAKE_CLOUD_ORG_ID: fake.demo.cloudOrgId,
        FAKE_SA_KEY: JSON.stringify(fake.demo.serviceAccount.keyWithNotice),
        FAKE_OAUTH_TOKEN: fake.demo.oauthToken,
      },
      10_000,
    );
    expect(stderr).toBe('');
    expect(killed).toBe(false);
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({ statuses: [200, 200, 200] });
    expect(fake.calls.count('iam.tokens')).toBeGreaterThanOrEqual(4);
  });

  it('control: the same script with one leaked interval timer does not exit (so the check above can fail)', async () => {
    const { killed, stdout } = await runChild(
      {
        FAKE_URL: fake.url,
        FAKE_CLOUD_ORG_ID: fake.demo.cloudOrgId,
        FAKE_SA_KEY: JSON.stringify(fake.demo.serviceAccount.key),
        FAKE_OAUTH_TOKEN: fake.demo.oauthToken,
        CONTROL_LEAK_TIMER: '1',
      },
      3000,
    );
    expect(JSON.parse(stdout.trim())).toEqual({ statuses: [200, 200, 200] });
    expect(killed).toBe(true);
  });
});
