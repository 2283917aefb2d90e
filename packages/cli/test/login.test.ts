/**
 * End to end: `tracker-auth login` with Yandex's device flow against the fake, approved through
 * the fake's test hook, then the commands that use the stored login, then logout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bundleCli,
  createWorld,
  hasScript,
  modeOf,
  myself,
  readLoginFile,
  runCli,
  runWithInput,
  startCli,
  startCliInTerminal,
  stopStarted,
  stripAnsi,
  userCodeOf,
  type CliWorld,
} from './harness.js';

const SPINNER_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;
const hasCurl = spawnSync('curl', ['--version']).status === 0;

let script: string;
let fake: FakeYandex;
let world: CliWorld;

beforeAll(async () => {
  script = await bundleCli();
});

beforeEach(async () => {
  fake = await startFakeYandex({ autoApprove: false });
  // Yandex's interval is 5 s; 1 s keeps the suite quick and still exercises real waiting.
  fake.oauth.setDeviceInterval(1);
  world = createWorld(fake, { TRACKER_ORG_ID: fake.demo.orgId });
});

afterEach(async () => {
  await stopStarted();
  await fake.close();
});


/** Polls the fake has seen (device-flow answers included). */
const tokenCalls = () => fake.requests.filter((r) => r.endpoint === 'oauth.token').length;

describe('tracker-auth login (device flow)', () => {
  // Elsewhere the terminal test (or its curl step) is skipped when a tool is missing; on CI, whose
  // script installs both, a missing tool must fail rather than quietly test less.
  it.runIf(process.env.CI === 'true')('CI has the tools the terminal test needs (util-linux script, curl)', () => {
    expect({ hasScript, hasCurl }).toEqual({ hasScript: true, hasCurl: true });
  });

  it.runIf(hasScript)('under a terminal: a spinner with the time left, the token stored 0600, then whoami, headers → curl, token, logout', async () => {
    const login = startCliInTerminal(script, world, ['login']);
    const code = await userCodeOf(login);
    // At least one "not yet" answer while the spinner counts down, then the user approves.
    await vi.waitFor(() => expect(tokenCalls()).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    await login.waitForOutput(/Waiting for approval… \d+:\d\d left \(checking every 1 s\)/);
    fake.oauth.approve(code);
    expect((await login.exited).code).toBe(0);
    const screen = login.output();
    expect(screen).toMatch(SPINNER_FRAME);
    expect(screen).toMatch(ANSI);
    expect(screen).toContain(`To sign in, open ${fake.url}/device`);
    expect(stripAnsi(screen)).toContain('Signed in. Login saved to');

    // The token set is stored for this user only, bound to a device (what makes it revocable).
    expect(modeOf(world.loginFile)).toBe(0o600);
    expect(modeOf(world.configDir)).toBe(0o700);
    const stored = readLoginFile(world).login!;
    expect(stored.deviceId).toMatch(/^tracker-auth-cli-[0-9a-f]{16}$/);
    expect(stored.tokens.refreshToken).toEqual(expect.any(String));
    expect(stored.org).toEqual({ orgId: fake.demo.orgId });
    const deviceParams = fake.requests.find((r) => r.endpoint === 'oauth.device')?.params;
    expect(deviceParams).toMatchObject({ device_id: stored.deviceId, device_name: expect.stringContaining('tracker-auth CLI on ') });
    const accessToken: string = stored.tokens.accessToken;
    expect(screen).not.toContain(accessToken);
    expect(screen).not.toContain(stored.tokens.refreshToken);

    const who = await runCli(script, world, ['whoami']);
    expect(who.code).toBe(0);
    expect(who.stdout).toBe(`demo.user (Demo User), uid ${fake.demo.user.uid}, organization X-Org-ID ${fake.demo.orgId}\n`);
    expect(who.output).not.toContain(accessToken);
    const whoJson = await runCli(script, world, ['whoami', '--json']);
    expect(JSON.parse(whoJson.stdout)).toMatchObject({ login: 'demo.user', uid: fake.demo.user.uid, org: { orgId: fake.demo.orgId } });

    const printed = await runCli(script, world, ['token']);
    expect(printed).toMatchObject({ code: 0, stdout: `${accessToken}\n`, stderr: '' });

    const json = await runCli(script, world, ['headers', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ Authorization: `OAuth ${accessToken}`, 'X-Org-ID': fake.demo.orgId });
    expect(await myself(fake, JSON.parse(json.stdout))).toMatchObject({ status: 200, body: { login: 'demo.user' } });
    const env = await runCli(script, world, ['headers', '--format', 'env']);
    expect(env.stdout).toBe(`TRACKER_AUTHORIZATION='OAuth ${accessToken}'\nTRACKER_X_ORG_ID='${fake.demo.orgId}'\n`);

    if (hasCurl) {
      // The curl config travels on a pipe: the token never appears on curl's command line.
      const headers = await runCli(script, world, ['headers', '--format', 'curl']);
      expect(headers.code).toBe(0);
      const curl = await runWithInput('curl', ['-sS', '--fail', '-K', '-', `${fake.urls.tracker}/v3/myself`], headers.stdout);
      expect(curl.code).toBe(0);
      expect(JSON.parse(curl.stdout)).toMatchObject({ login: 'demo.user', uid: fake.demo.user.uid });
    }

    const out = await runCli(script, world, ['logout']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Token revoked at Yandex.');
    expect(fake.requests.filter((r) => r.endpoint === 'oauth.revoke').map((r) => r.status)).toEqual([200]);
    expect(existsSync(world.loginFile)).toBe(false);
    expect((await myself(fake, { Authorization: `OAuth ${accessToken}`, 'X-Org-ID': fake.demo.orgId })).status).toBe(401);

    const after = await runCli(script, world, ['whoami']);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('not logged in');
  });

  it('without a terminal: plain lines, no spinner, no escape codes', async () => {
    const login = startCli(script, world, ['login']);
    const code = await userCodeOf(login);
    await login.waitForOutput(/Waiting for approval; the code expires in (10:00|9:5\d)\./);
    await vi.waitFor(() => expect(tokenCalls()).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    fake.oauth.approve(code);
    expect((await login.exited).code).toBe(0);
    const output = login.output();
    expect(output).not.toMatch(SPINNER_FRAME);
    expect(output).not.toMatch(ANSI);
    expect(output.split('\n').slice(0, 5)).toEqual([
      `To sign in, open ${fake.url}/device`,
      `and enter the code: ${code}`,
      '',
      expect.stringMatching(/^Waiting for approval; the code expires in/),
      expect.stringMatching(/^Signed in\. Login saved to .*login\.json\.$/),
    ]);
    expect(modeOf(world.loginFile)).toBe(0o600);
  });

  it('--json: one JSON object per event, for scripts', async () => {
    const login = startCli(script, world, ['login', '--json']);
    const code = await userCodeOf(login);
    fake.oauth.approve(code);
    expect((await login.exited).code).toBe(0);
    const [first, second, ...rest] = login.output().trim().split('\n').map((line) => JSON.parse(line));
    expect(rest).toEqual([]);
    expect(first).toEqual({ event: 'device_code', verificationUrl: `${fake.url}/device`, userCode: code, interval: 1, expiresAt: expect.stringMatching(/Z$/) });
    expect(second).toMatchObject({ event: 'signed_in', file: world.loginFile, sealed: false, org: { orgId: fake.demo.orgId } });
  });

  it('honours slow_down: the interval grows and the plain output says so', async () => {
    const login = startCli(script, world, ['login']);
    const code = await userCodeOf(login);
    // Yandex now wants 2 s between polls; the CLI still waits the 1 s it was told, gets slow_down, adds 5 s.
    fake.oauth.setDeviceInterval(2);
    await login.waitForOutput(/Yandex asked to check less often: every 6 s now\./);
    fake.oauth.approve(code);
    expect((await login.exited).code).toBe(0);
    expect(fake.requests.filter((r) => r.endpoint === 'oauth.token').some((r) => r.status === 400)).toBe(true);
  });

  it('Ctrl+C while waiting: exit 130, nothing stored', async () => {
    const login = startCli(script, world, ['login']);
    await userCodeOf(login);
    login.child.kill('SIGINT');
    expect((await login.exited).code).toBe(130);
    expect(login.output()).toContain('tracker-auth: Device authorization polling aborted');
    expect(existsSync(world.loginFile)).toBe(false);
  });

  it('a denied code: exit 4, a clear message, nothing stored', async () => {
    const login = startCli(script, world, ['login']);
    fake.oauth.deny(await userCodeOf(login));
    const { code } = await login.exited;
    expect(code).toBe(4);
    expect(login.output()).toContain('tracker-auth: sign-in was denied: the code was refused at Yandex.');
    expect(login.output()).toContain('hint: run `tracker-auth login` again to get a new code.');
    expect(existsSync(world.loginFile)).toBe(false);
  });

  it('an expired code: exit 4, a clear message, nothing stored', async () => {
    const login = startCli(script, world, ['login', '--json']);
    await userCodeOf(login);
    // Yandex's device codes live 10 minutes; the fake's clock jumps past that.
    fake.clock.advance(11 * 60_000);
    const { code } = await login.exited;
    expect(code).toBe(4);
    const error = JSON.parse(login.output().trim().split('\n').at(-1)!).error;
    expect(error).toMatchObject({ name: 'CliError', code: 'denied', exitCode: 4, message: 'the code expired (or is no longer valid) before it was approved.' });
    expect(existsSync(world.loginFile)).toBe(false);
  });
});

describe('errors before any login', () => {
  it.each([['whoami'], ['token'], ['headers'], ['iam-token', '--from-oauth'], ['logout']])('%s without a login: exit 3 and how to sign in', async (...args) => {
    const result = await runCli(script, world, args);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tracker-auth: not logged in: .*\n {2}hint: .*tracker-auth login/);
  });

  it('--json errors are one JSON object on stderr', async () => {
    const result = await runCli(script, world, ['whoami', '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { name: 'CliError', code: 'not-logged-in', message: 'not logged in: no login is stored.', exitCode: 3, hint: expect.stringContaining(world.loginFile) },
    });
  });

  it('usage errors exit 2 and never echo a secret given to a misspelt option', async () => {
    const noClient = await runCli(script, world, ['login'], { env: { YANDEX_CLIENT_ID: '' } });
    expect(noClient.code).toBe(2);
    expect(noClient.stderr).toContain('--client-id is required');
    const format = await runCli(script, world, ['headers', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are curl, json, env');
    const typo = await runCli(script, world, ['login', '--client-secrt=s3cr3t-value']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option '--client-secrt=…'");
    expect(typo.output).not.toContain('s3cr3t-value');
    const badUrl = await runCli(script, world, ['login', '--tracker-url', 'not a url']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('tracker-auth: --tracker-url contains whitespace');
    const shortKey = await runCli(script, world, ['login', '--seal-key', 'short']);
    expect(shortKey.code).toBe(2);
    expect(shortKey.stderr).toContain('--seal-key is shorter than 32 bytes');
  });

  it('--help for every command', async () => {
    for (const command of ['login', 'whoami', 'token', 'headers', 'iam-token', 'logout']) {
      const help = await runCli(script, world, [command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: tracker-auth ${command} [options]`);
      expect(help.stdout).toContain('Exit codes:');
    }
    const root = await runCli(script, world, ['--help']);
    expect(root.stdout).toMatch(/login \[options\][\s\S]*fake/);
  });
});
