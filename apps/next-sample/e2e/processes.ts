/**
 * Real processes for the e2e: a free port, `next build` when the app was not built yet, and
 * `next start` as a child process with its output kept for failure messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** A TCP port that was free a moment ago (Next needs the number before it listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const baseEnv = (): NodeJS.ProcessEnv => ({ ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' });

/**
 * `next build`, unless `.next/BUILD_ID` exists (Nx runs the app's `build` target before `test`;
 * a bare `npx vitest run` builds here instead).
 */
export function ensureBuilt(): void {
  if (existsSync(`${appDir}.next/BUILD_ID`)) return;
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: appDir, env: baseEnv(), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

export interface StartedNext {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on `port` with `env`; resolves once the server answers HTTP. */
export async function startNext(port: number, env: Record<string, string>): Promise<StartedNext> {
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      // Any HTTP answer means the server is up (the page itself is checked by the browser).
      const response = await fetch(`${url}/signed-out`, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, output: () => output, stop };
}

/** `next start` expected to stop by itself (bad configuration): exit code and output. */
export async function startNextExpectingExit(port: number, env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

/** `next build` of another app directory (relative to the sample); never throws. */
export function buildOther(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [nextBin, 'build', dir], { cwd: appDir, env: baseEnv(), encoding: 'utf8' });
  return { status: result.status, output: stripAnsi(`${result.stdout}\n${result.stderr}`) };
}

/** Next colours its output when it thinks a terminal (or FORCE_COLOR) asks for it. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
