// `npm start`: runs the built sample with `next start`. With YANDEX_CLIENT_ID set it talks to
// real Yandex (see README.md for the variables); otherwise it starts the fake Yandex from
// @tracker-auth/testing in this process and points the app at it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const port = Number(process.env.PORT ?? 3000);
// Loopback only by default: with the fake, anyone who can reach the app signs in at once (the
// fake approves every sign-in). HOST=0.0.0.0 to serve other machines, with real Yandex.
const host = process.env.HOST ?? '127.0.0.1';
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
let fake;

if (!process.env.YANDEX_CLIENT_ID) {
  const { startFakeYandex } = await import('@tracker-auth/testing');
  const { fakeEnv } = await import('./fake-env.mjs');
  fake = await startFakeYandex();
  const hostInUrl = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  Object.assign(env, fakeEnv(fake, process.env.APP_URL ?? `http://${hostInUrl}:${port}`));
  console.log(`next-sample: using the fake Yandex at ${fake.url} (set YANDEX_CLIENT_ID and friends for real Yandex)`);
} else {
  console.log('next-sample: using real Yandex');
}
// Sign-in started on another address (localhost for 127.0.0.1) is first sent here.
console.log(`next-sample: open ${env.APP_URL ?? `http://${host}:${port}`}`);

const child = spawn(process.execPath, [nextBin, 'start', '-H', host, '-p', String(port)], { cwd: appDir, env, stdio: 'inherit' });
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
child.once('exit', async (code) => {
  await fake?.close();
  process.exit(code ?? 0);
});
