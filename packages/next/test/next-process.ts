/**
 * `next build` / `next start` of a test app as real child processes (Next 15 leg): a free
 * port, readiness by polling, output kept for failure messages.
 */
import { nextBuild as build, nextStart as start, type RunningNext } from '@tracker-auth-tools/test-harness';

export { freePort, type RunningNext } from '@tracker-auth-tools/test-harness';

/** Run `next build [dir]` with the given Next binary; never throws, returns status and output. */
export function nextBuild(nextBin: string, cwd: string, dir?: string): { status: number | null; output: string } {
  const { status, output } = build(nextBin, cwd, dir);
  return { status, output };
}

/** `next start` on a free port; resolves once it answers HTTP. */
export function nextStart(nextBin: string, cwd: string, extraEnv: Record<string, string>, port: number): Promise<RunningNext> {
  return start({ nextBin, cwd, port, env: extraEnv, readyPath: '/_next/static/not-there' });
}
