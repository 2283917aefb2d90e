import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliSummary } from '../src/cli-main.js';

function capture() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) }, get out() { return out; }, get err() { return err; } };
}

describe('runCli (in process)', () => {
  it('--json prints one object with URLs, a token per org kind, org ids, the app and key files', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'fake-cli-test-'));
    const c = capture();
    const { fake, exitCode } = await runCli(['--port', '0', '--json', '--key-dir', keyDir], c.io);
    try {
      expect(exitCode).toBe(0);
      const s = JSON.parse(c.out) as CliSummary;
      expect(s.urls).toEqual({ tracker: s.url, oauth: s.url, iam: s.url, metadata: s.url });
      expect(s.orgId).toBe('1234567');
      expect(s.cloudOrgId).toHaveLength(20);
      expect(s.app).toMatchObject({ clientId: expect.stringMatching(/^[0-9a-f]{32}$/), clientSecret: expect.any(String), redirectUri: 'http://127.0.0.1/callback' });
      for (const kind of ['yandex360', 'cloud'] as const) {
        const res = await fetch(`${s.urls.tracker}/v3/myself`, { headers: s.orgs[kind].headers });
        expect(res.status).toBe(200);
      }
      const key = JSON.parse(readFileSync(s.serviceAccount.keyFile, 'utf8')) as Record<string, string>;
      expect(key).toEqual(fake?.demo.serviceAccount.key);
      expect(key.service_account_id).toBe(s.serviceAccount.serviceAccountId);
      const withNotice = JSON.parse(readFileSync(s.serviceAccount.keyFileWithNotice, 'utf8')) as Record<string, string>;
      expect(withNotice.private_key?.startsWith('PLEASE DO NOT REMOVE THIS LINE!')).toBe(true);
    } finally {
      await fake?.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('prints a human summary by default; --seed makes tokens stable across restarts', async () => {
    const a = capture();
    const first = await runCli(['--port', '0', '--seed', 'abc'], a.io);
    await first.fake?.close();
    const b = capture();
    const second = await runCli(['--port', '0', '--seed', 'abc', '--json'], b.io);
    await second.fake?.close();
    expect(a.out).toContain('Fake Yandex listening on http://127.0.0.1:');
    expect(a.out).toContain(`X-Org-ID: 1234567`);
    expect(a.out).toContain(second.summary?.oauthToken as string);
    expect(second.summary?.app.clientId).toBe(first.summary?.app.clientId);
  });

  it('--redirect-uri and --no-auto-approve reach the fake', async () => {
    const c = capture();
    const { fake, summary } = await runCli(['--port', '0', '--json', '--redirect-uri', 'http://localhost:3000/cb', '--no-auto-approve'], c.io);
    try {
      expect(summary?.app.redirectUri).toBe('http://localhost:3000/cb');
      const res = await fetch(`${fake?.url}/authorize?response_type=code&client_id=${summary?.app.clientId}`, { redirect: 'manual' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Allow');
    } finally {
      await fake?.close();
    }
  });

  it('--help → usage, exit 0; bad flags and ports → exit 2; a busy port → exit 1', async () => {
    const h = capture();
    expect((await runCli(['--help'], h.io)).exitCode).toBe(0);
    expect(h.out).toContain('Usage: tracker-auth-fake');
    const bad = capture();
    expect((await runCli(['--bogus'], bad.io)).exitCode).toBe(2);
    expect(bad.err).toContain('Usage');
    expect((await runCli(['--port', 'abc'], capture().io)).exitCode).toBe(2);

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const busy = capture();
    try {
      expect((await runCli(['--port', String(port)], busy.io)).exitCode).toBe(1);
      expect(busy.err).toContain('already in use');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('tracker-auth-fake bin (a real process)', () => {
  let dir: string;
  let bin: string;
  beforeAll(async () => {
    // Bundle src/cli.ts the way tsup does, so this test needs no prior build.
    dir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
    bin = join(dir, 'cli.mjs');
    await build({ entryPoints: [fileURLToPath(new URL('../src/cli.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bin, logLevel: 'silent' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints JSON, serves requests, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let buf = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
      child.on('exit', () => reject(new Error(`bin exited early: ${buf}`)));
    });
    const s = JSON.parse(line) as CliSummary;
    const res = await fetch(`${s.url}/v3/myself`, { headers: s.orgs.yandex360.headers });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
