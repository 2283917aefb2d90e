/**
 * `next build` / `next start` of a test app as real child processes (Next 15 leg): a free
 * port, readiness by polling, output kept for failure messages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  ...extra,
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Run `next build [dir]` with the given Next binary; never throws, returns status and output. */
export function nextBuild(nextBin: string, cwd: string, dir?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [nextBin, 'build', ...(dir ? [dir] : [])], { cwd, env: env(), encoding: 'utf8' });
  // Next colours its output when FORCE_COLOR (set by some runners) asks for it.
  // eslint-disable-next-line no-control-regex
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, '') };
}

export interface RunningNext {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on a free port; resolves once it answers HTTP. */
export async function nextStart(nextBin: string, cwd: string, extraEnv: Record<string, string>, port: number): Promise<RunningNext> {
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd,
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/_next/static/not-there`, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, output: () => output, stop };
}
