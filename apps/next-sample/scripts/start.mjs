// `npm start`: runs the built sample with `next start`. With YANDEX_CLIENT_ID set it talks to
// real Yandex (see README.md for the variables); otherwise it starts the fake Yandex from
// @tracker-auth/testing in this process and points the app at it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const port = Number(process.env.PORT ?? 3000);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
let fake;

if (!process.env.YANDEX_CLIENT_ID) {
  const { startFakeYandex } = await import('@tracker-auth/testing');
  const { fakeEnv } = await import('./fake-env.mjs');
  fake = await startFakeYandex();
  Object.assign(env, fakeEnv(fake, process.env.APP_URL ?? `http://127.0.0.1:${port}`));
  console.log(`next-sample: using the fake Yandex at ${fake.url} (set YANDEX_CLIENT_ID and friends for real Yandex)`);
} else {
  console.log('next-sample: using real Yandex');
}

const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port)], { cwd: appDir, env, stdio: 'inherit' });
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
child.once('exit', async (code) => {
  await fake?.close();
  process.exit(code ?? 0);
});
