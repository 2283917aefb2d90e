/** E2E harness: the built sample as a real process (`node dist/main.js`), on a port of its own. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The sample is a CommonJS package, so its tests are too (vitest provides __dirname).
export const appDir = join(__dirname, '..');
const entry = join(appDir, 'dist', 'main.js');

/** A free TCP port on 127.0.0.1 (the sample needs its URL before it starts, for redirect_uri). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface SampleProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the sample first (npx nx run nest-sample:build)`);
  // Only what the test passes: a developer's own TRACKER_* variables must not leak in.
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

/** Start the sample and wait for its "listening on" line. */
export async function startSample(env: Record<string, string>): Promise<SampleProcess> {
  const { child, output } = launch(env);
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`nest-sample exited early (code ${code}):\n${output()}`)));
  });
  return {
    url,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Start the sample expecting it to refuse to boot; resolves with its exit code and output. */
export async function failingSample(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, output } = launch(env);
  // A sample that boots anyway is stopped, and the test sees its exit by signal (code null).
  const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output: output() };
}

/** name=value of every Set-Cookie of a response. */
export function cookiesOf(response: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return out;
}
