/**
 * `tracker-auth iam-token` (service-account key and stored login) and `tracker-auth fake`
 * (the testing package found at run time, or a clear message when it is not installed).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeLogin } from '../src/login-file.js';
import { bundle, bundleCli, createWorld, myself, runCli, startCli, stopStarted, type CliWorld } from './harness.js';

let script: string;
let fake: FakeYandex;
let world: CliWorld;

beforeAll(async () => {
  script = await bundleCli();
});

beforeEach(async () => {
  fake = await startFakeYandex();
  world = createWorld(fake);
});

afterEach(async () => {
  await stopStarted();
  await fake.close();
});

const cloudHeaders = (iamToken: string) => ({ Authorization: `Bearer ${iamToken}`, 'X-Cloud-Org-ID': fake.demo.cloudOrgId });

describe('tracker-auth iam-token', () => {
  it('--key: an IAM token from a service-account authorized key, accepted by Tracker', async () => {
    const keyFile = join(world.home, 'key.json');
    writeFileSync(keyFile, JSON.stringify(fake.demo.serviceAccount.key), { mode: 0o600 });
    const plain = await runCli(script, world, ['iam-token', '--key', keyFile]);
    expect(plain.code).toBe(0);
    const iamToken = plain.stdout.trim();
    expect(iamToken).toMatch(/^t1\./);
    expect(await myself(fake, cloudHeaders(iamToken))).toMatchObject({ status: 200 });
    const jwtCall = fake.requests.find((r) => r.endpoint === 'iam.tokens');
    expect(jwtCall?.params).toHaveProperty('jwt');

    const json = await runCli(script, world, ['iam-token', '--key', keyFile, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ iamToken: expect.stringMatching(/^t1\./), expiresAt: expect.stringMatching(/Z$/) });
    expect(json.stdout).not.toContain('PRIVATE KEY');
  });

  it('--from-oauth: the stored login exchanged for an IAM token', async () => {
    const issued = fake.oauth.issueToken({ clientId: fake.demo.app.clientId, deviceId: 'tracker-auth-cli-iam-test' });
    await writeLogin(
      world.loginFile,
      {
        tokens: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, tokenType: 'bearer', expiresAt: Date.now() + issued.expiresIn * 1000 },
        clientId: fake.demo.app.clientId,
        clientSecret: fake.demo.app.clientSecret,
        deviceId: 'tracker-auth-cli-iam-test',
        deviceName: 'iam test',
        savedAt: Date.now(),
      },
      undefined,
    );
    const result = await runCli(script, world, ['iam-token', '--from-oauth']);
    expect(result.code).toBe(0);
    expect(await myself(fake, cloudHeaders(result.stdout.trim()))).toMatchObject({ status: 200, body: { login: 'demo.user' } });
    expect(fake.requests.find((r) => r.endpoint === 'iam.tokens')?.params).toHaveProperty('yandexPassportOauthToken');
  });

  it('usage errors: neither or both sources, a missing key file', async () => {
    expect((await runCli(script, world, ['iam-token'])).code).toBe(2);
    expect((await runCli(script, world, ['iam-token', '--key', 'k.json', '--from-oauth'])).code).toBe(2);
    const missing = await runCli(script, world, ['iam-token', '--key', join(world.home, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/service-account key file ".*nope\.json" \(path\) does not exist/);
  });
});

/** Where `@tracker-auth/testing` resolves from `base` (a file), if anywhere. */
function resolveTesting(base: string): string | undefined {
  try {
    return createRequire(base).resolve('@tracker-auth/testing/package.json');
  } catch {
    return undefined;
  }
}

describe('tracker-auth fake', () => {
  it('without @tracker-auth/testing: exit 1 and how to install it; --help still answers', async () => {
    // The CLI looks for the package from its own file and from the working folder up: a
    // node_modules above either (say, in the temp folder) would start a real fake instead.
    const provider = [script, join(world.home, 'package.json')].map(resolveTesting).find((found) => found !== undefined);
    expect(provider, `${provider} provides @tracker-auth/testing above the test's folders; this case needs none`).toBeUndefined();
    const result = await runCli(script, world, ['fake', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tracker-auth fake needs @tracker-auth/testing, which is not installed.');
    expect(result.stderr).toContain('npm install --save-dev @tracker-auth/testing');
    const help = await runCli(script, world, ['fake', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tracker-auth fake [options]');
  });

  it('with @tracker-auth/testing installed in the project: runs its fake with the same options', async () => {
    // A project that installed the testing package: its bin built from the sources.
    const project = mkdtempSync(join(tmpdir(), 'tracker-auth-project-'));
    const pkgDir = join(project, 'node_modules', '@tracker-auth', 'testing');
    mkdirSync(join(pkgDir, 'dist'), { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@tracker-auth/testing', version: '0.0.0', type: 'module', bin: { 'tracker-auth-fake': './dist/cli.js' }, exports: { './package.json': './package.json' } }));
    await bundle(fileURLToPath(new URL('../../testing/src/cli.ts', import.meta.url)), join(pkgDir, 'dist', 'cli.js'));

    const child = startCli(script, world, ['fake', '--port', '0', '--json'], { cwd: project });
    const line = await child.waitForOutput(/^\{.*\}$/m);
    const summary = JSON.parse(line[0]) as { url: string; orgs: { yandex360: { headers: Record<string, string> } } };
    const res = await fetch(`${summary.url}/v3/myself`, { headers: summary.orgs.yandex360.headers });
    expect(res.status).toBe(200);
    await child.stop();
    const { code, signal } = await child.exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
  });
});
