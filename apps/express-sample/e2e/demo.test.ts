/**
 * The root `npm start` (tools/demo/start.mjs): starts the fake and the sample, prints the URL
 * to open, reports a busy port cleanly, and stops both on SIGTERM or SIGINT, also when the
 * signal goes to `npm start` alone. The build step is skipped here (the test target already
 * depends on the build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { Browser, freePorts } from './harness.js';

const launcher = fileURLToPath(new URL('../../../tools/demo/start.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Start `command` with only what the demo needs in its environment; collect its output. */
function launch(command: string, args: string[], env: Record<string, string>): Launched {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DEMO_SKIP_BUILD: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once the banner is out; rejects if the process exits first. */
async function ready(launched: Launched): Promise<void> {
  await Promise.race([
    vi.waitFor(() => expect(launched.output()).toContain('Press Ctrl+C to stop'), { timeout: 30_000, interval: 50 }),
    launched.exited.then(() => {
      throw new Error(`launcher exited early:\n${launched.output()}`);
    }),
  ]);
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
}

describe('demo launcher (npm start)', () => {
  it('starts the fake and the sample, prints the URL, serves sign-in, and stops both on SIGTERM', async () => {
    const [port, fakePort] = await freePorts(2);
    const demo = launch(process.execPath, [launcher], { PORT: String(port), FAKE_PORT: String(fakePort) });
    await ready(demo);

    const appUrl = `http://127.0.0.1:${port}`;
    expect(demo.output()).toContain(`Open ${appUrl}`);
    expect(demo.output()).toContain(`Fake Yandex: http://127.0.0.1:${fakePort}`);

    const { hops, response } = await new Browser().follow(`${appUrl}/auth/sign-in`);
    expect(hops.at(-1)!.status).toBe(200);
    expect(await response.text()).toContain('<code id="login">');

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(await listening(port)).toBe(false);
    expect(await listening(fakePort)).toBe(false);
  });

  it('a busy app port: a clean message naming the port and the fix, exit code 1, the fake stopped', async () => {
    const [port, fakePort] = await freePorts(2);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const demo = launch(process.execPath, [launcher], { PORT: String(port), FAKE_PORT: String(fakePort) });
      expect(await demo.exited).toBe(1);
      const output = demo.output();
      expect(output).toContain(`express-sample: cannot start: port ${port} is already in use on 127.0.0.1`);
      expect(output).toContain('set PORT to a free port');
      expect(output).not.toMatch(/TypeError|at .*\.js:\d+/);
      expect(output).not.toContain('Press Ctrl+C');
      expect(await listening(fakePort)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the \`npm start\` process alone stops the launcher and the sample (both ports free)`, async () => {
      const [port, fakePort] = await freePorts(2);
      // Not a process group of its own being signalled: only npm's pid, as a process manager does.
      const npm = launch('npm', ['start', '--silent'], { PORT: String(port), FAKE_PORT: String(fakePort) });
      await ready(npm);
      expect(await listening(port)).toBe(true);

      npm.child.kill(signal);
      await npm.exited;
      await vi.waitFor(
        async () => {
          expect(await listening(port)).toBe(false);
          expect(await listening(fakePort)).toBe(false);
        },
        { timeout: 10_000, interval: 100 },
      );
      await vi.waitFor(() => expect(npm.output()).toContain('demo: stopped.'), { timeout: 5_000, interval: 50 });
    });
  }

  it('a wrapping shell that dies on SIGTERM (and does not pass it on) still stops the demo', async () => {
    const [port, fakePort] = await freePorts(2);
    // `; true` keeps sh from exec'ing node, as runners without `exec` in the script do: the
    // signal kills the shell only, and the launcher notices it lost its parent.
    const shell = launch('sh', ['-c', `"${process.execPath}" "${launcher}"; true`], { PORT: String(port), FAKE_PORT: String(fakePort) });
    await ready(shell);
    shell.child.kill('SIGTERM');
    await shell.exited;
    await vi.waitFor(
      async () => {
        expect(await listening(port)).toBe(false);
        expect(await listening(fakePort)).toBe(false);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
