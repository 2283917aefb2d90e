/**
 * The root `npm start` (tools/demo/start.mjs): starts the fake and the sample, prints the URL
 * to open, and stops both on SIGTERM. The build step is skipped here (the test target already
 * depends on the build).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Browser, freePort } from './harness.js';

const launcher = fileURLToPath(new URL('../../../tools/demo/start.mjs', import.meta.url));

describe('demo launcher (npm start)', () => {
  it('starts the fake and the sample, prints the URL, serves sign-in, and stops both on SIGTERM', async () => {
    const [port, fakePort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [launcher], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), FAKE_PORT: String(fakePort), DEMO_SKIP_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        if (output.includes('Press Ctrl+C to stop')) resolve();
      });
      child.once('exit', () => reject(new Error(`launcher exited early:\n${output}`)));
    });

    const appUrl = `http://127.0.0.1:${port}`;
    expect(output).toContain(`Open ${appUrl}`);
    expect(output).toContain(`Fake Yandex: http://127.0.0.1:${fakePort}`);

    const { hops, response } = await new Browser().follow(`${appUrl}/auth/login`);
    expect(hops.at(-1)!.status).toBe(200);
    expect(await response.text()).toContain('<code id="login">');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(appUrl)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${fakePort}/v3/myself`)).rejects.toThrow();
  });
});
