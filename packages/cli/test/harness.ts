/**
 * Runs the real `tracker-auth` in child processes: src/cli.ts bundled once into a plain Node
 * script (core from its sources, through the workspace's tsconfig paths), each run with its own
 * config folder and the upstream URLs pointing at a fake Yandex.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToExit, startProcess, stripAnsi, type ExitResult, type StartedProcess } from '@tracker-auth-tools/test-harness';
import type { FakeYandex } from '@tracker-auth/testing';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundle a TypeScript entry for Node. Commander is CommonJS: inside an ES module bundle its
 * `require('node:events')` needs a real `require`, hence the banner.
 */
export async function bundle(entry: string, outFile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: outFile,
    tsconfig: join(packageDir, 'tsconfig.json'),
    banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return outFile;
}

/** The CLI, bundled once per test file into a folder of its own (no node_modules around it). */
export async function bundleCli(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-cli-'));
  return bundle(join(packageDir, 'src/cli.ts'), join(dir, 'cli.mjs'));
}

/** A person's machine: a home, a config folder, the fake's URLs and demo app in the environment. */
export interface CliWorld {
  home: string;
  configDir: string;
  loginFile: string;
  env: NodeJS.ProcessEnv;
}

export function createWorld(fake: FakeYandex, extra: NodeJS.ProcessEnv = {}): CliWorld {
  const home = mkdtempSync(join(tmpdir(), 'tracker-auth-home-'));
  const configHome = join(home, 'config');
  mkdirSync(configHome);
  // Only what a shell would hand over: no CI (the spinner hides from it), nothing of this process.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: configHome,
    YANDEX_OAUTH_URL: fake.urls.oauth,
    TRACKER_API_URL: fake.urls.tracker,
    YANDEX_IAM_URL: fake.urls.iam,
    YANDEX_CLIENT_ID: fake.demo.app.clientId,
    YANDEX_CLIENT_SECRET: fake.demo.app.clientSecret,
    ...extra,
  };
  return { home, configDir: join(configHome, 'tracker-auth'), loginFile: join(configHome, 'tracker-auth', 'login.json'), env };
}

/** Run `tracker-auth <args>` to its end. */
export function runCli(script: string, world: CliWorld, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ExitResult> {
  return runToExit(process.execPath, [script, ...args], { env: { ...world.env, ...options.env }, cwd: options.cwd ?? world.home, timeoutMs: 30_000 });
}

const running = new Set<StartedProcess>();

/** Keep `child` for {@link stopStarted}. */
function track(child: StartedProcess): StartedProcess {
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/** Stop whatever a failed test left running (afterEach). */
export async function stopStarted(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Start `tracker-auth <args>` and keep it running (login waits for approval). */
export function startCli(script: string, world: CliWorld, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): StartedProcess {
  return track(startProcess(process.execPath, [script, ...args], { env: { ...world.env, ...options.env }, cwd: options.cwd ?? world.home, name: `tracker-auth ${args[0]}` }));
}

const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Start `tracker-auth <args>` under a pseudo-terminal: util-linux `script` gives the CLI a TTY
 * on stdin/stdout/stderr and copies what it draws to our pipe (`-e`: its exit code is the CLI's).
 */
export function startCliInTerminal(script: string, world: CliWorld, args: string[]): StartedProcess {
  const command = [process.execPath, script, ...args].map(shellWord).join(' ');
  return track(startProcess('script', ['-qec', command, '/dev/null'], { env: { ...world.env, TERM: 'xterm-256color' }, cwd: world.home, name: 'script tracker-auth' }));
}

/** Whether util-linux `script` is on this machine (Debian: bsdutils). */
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** The stored login file, parsed. */
export function readLoginFile(world: CliWorld): { format: string; version: number; login?: Record<string, any>; sealed?: string } {
  return JSON.parse(readFileSync(world.loginFile, 'utf8'));
}

/** Permission bits of a path, e.g. 0o600. */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The user code a login printed (`enter the code: 1234567`, or the JSON event). */
export async function userCodeOf(child: StartedProcess): Promise<string> {
  const match = await child.waitForOutput(/(?:enter the code: |"userCode":")(\d{7})/);
  return match[1]!;
}

export { stripAnsi };

/** GET /v3/myself at the fake with these headers; status and body. */
export async function myself(fake: FakeYandex, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${fake.urls.tracker}/v3/myself`, { headers });
  return { status: res.status, body: await res.json() };
}

/**
 * Run a command with `input` on its stdin, asynchronously: the fake answers from this very
 * process, so a synchronous spawn would block the server the command talks to.
 */
export function runWithInput(command: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
