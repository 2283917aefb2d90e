/**
 * `npm start` (scripts/start.mjs) runs the sample with a fake Yandex that approves every sign-in,
 * so it must not be reachable from other machines: it listens on 127.0.0.1 only and prints the
 * URL to open. (127.0.0.2 is loopback too on Linux: a server on all interfaces answers there,
 * one bound to 127.0.0.1 does not, whatever network this machine has.)
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProcess } from '@tracker-auth-tools/test-harness';
import { appDir, ensureBuilt, freePort } from './processes';

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let started: ReturnType<typeof startProcess> | undefined;
beforeAll(() => ensureBuilt());
afterAll(async () => {
  await started?.stop();
});

it('npm start with the fake binds 127.0.0.1 only and prints the app URL', async () => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' };
  for (const name of ['YANDEX_CLIENT_ID', 'APP_URL', 'HOST']) delete env[name];
  started = startProcess(process.execPath, ['scripts/start.mjs'], { cwd: appDir, env, name: 'npm start' });
  const [, url] = await started.waitForOutput(/next-sample: open (http:\/\/\S+)/);
  expect(url).toBe(`http://127.0.0.1:${port}`);
  await started.waitForHttp(`${url}/signed-out`);
  expect(await accepts('127.0.0.1', port)).toBe(true);
  expect(await accepts('127.0.0.2', port)).toBe(false);
  // The fake it started is on loopback only as well.
  const [, fakeUrl] = /using the fake Yandex at (http:\/\/\S+)/.exec(started.output()) ?? [];
  const fakePort = Number(new URL(fakeUrl!).port);
  expect(await accepts('127.0.0.1', fakePort)).toBe(true);
  expect(await accepts('127.0.0.2', fakePort)).toBe(false);
});
