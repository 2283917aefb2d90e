/**
 * Real processes for the e2e: a free port, `next build` when the app was not built yet, and
 * `next start` as a child process with its output kept for failure messages.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { nextBuild, nextStart, nextStartExpectingExit, type RunningNext } from '@tracker-auth-tools/test-harness';

export { freePort } from '@tracker-auth-tools/test-harness';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/**
 * `next build`, unless `.next/BUILD_ID` exists (Nx runs the app's `build` target before `test`;
 * a bare `npx vitest run` builds here instead).
 */
export function ensureBuilt(): void {
  if (existsSync(`${appDir}.next/BUILD_ID`)) return;
  const result = nextBuild(nextBin, appDir);
  if (result.status !== 0) {
    throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

export type StartedNext = RunningNext;

/** `next start` on `port` with `env`; resolves once the server answers HTTP. */
export function startNext(port: number, env: Record<string, string>): Promise<StartedNext> {
  // Any HTTP answer means the server is up (the page itself is checked by the browser).
  return nextStart({ nextBin, cwd: appDir, port, env, readyPath: '/signed-out' });
}

/** `next start` expected to stop by itself (bad configuration): exit code and output. */
export function startNextExpectingExit(port: number, env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return nextStartExpectingExit({ nextBin, cwd: appDir, port, env, timeoutMs });
}

/** `next build` of another app directory (relative to the sample); never throws. */
export function buildOther(dir: string): { status: number | null; output: string } {
  const { status, output } = nextBuild(nextBin, appDir, dir);
  return { status, output };
}
