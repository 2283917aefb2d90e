// `next build` / `next start` of a test app as real child processes (the Next sample's e2e and
// the Next 15 leg of @tracker-auth/next's matrix), with a given Next binary.
import { runCommand, runToExit, startProcess } from './processes.mjs';

/**
 * The environment Next runs with in tests: production mode, no telemetry, plus `extra`.
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function nextEnv(extra = {}) {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...extra };
}

/**
 * `next build [dir]` in `cwd`; never throws, returns the status, raw streams and the output without colours.
 * @param {string} nextBin path of `next/dist/bin/next`
 * @param {string} cwd
 * @param {string} [dir]
 */
export function nextBuild(nextBin, cwd, dir) {
  return runCommand(process.execPath, [nextBin, 'build', ...(dir ? [dir] : [])], { cwd, env: nextEnv() });
}

/** @param {string} nextBin @param {number} port */
const startArgs = (nextBin, port) => [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'];

/**
 * `next start` on 127.0.0.1:`port`; resolves once `readyPath` answers HTTP (any status).
 * @param {{ nextBin: string, cwd: string, port: number, env?: Record<string, string>, readyPath: string, timeoutMs?: number }} options
 */
export async function nextStart({ nextBin, cwd, port, env = {}, readyPath, timeoutMs = 60_000 }) {
  const server = startProcess(process.execPath, startArgs(nextBin, port), { cwd, env: nextEnv(env), name: 'next start' });
  const url = `http://127.0.0.1:${port}`;
  await server.waitForHttp(`${url}${readyPath}`, { timeoutMs });
  return { url, output: server.output, stop: server.stop };
}

/**
 * `next start` expected to stop by itself (bad configuration): exit code and output; killed
 * (SIGKILL) if still running after `timeoutMs`.
 * @param {{ nextBin: string, cwd: string, port: number, env?: Record<string, string>, timeoutMs?: number }} options
 */
export async function nextStartExpectingExit({ nextBin, cwd, port, env = {}, timeoutMs = 60_000 }) {
  const { code, output } = await runToExit(process.execPath, startArgs(nextBin, port), { cwd, env: nextEnv(env), timeoutMs });
  return { code, output };
}
