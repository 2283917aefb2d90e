#!/usr/bin/env node
/**
 * `npm start`: the demo. Builds what it needs (Nx cache makes repeat runs fast), starts the fake
 * Yandex and the Express sample, prints the URL to open, and stops both on Ctrl+C / SIGTERM.
 *
 * Environment (all optional):
 *   PORT=3000        port of the sample app
 *   FAKE_PORT=3999   port of the fake Yandex
 *   HOST=127.0.0.1   interface both bind to
 *   YANDEX_CLIENT_ID (+ YANDEX_CLIENT_SECRET, SESSION_SECRET, TRACKER_ORG_ID or
 *   TRACKER_CLOUD_ORG_ID): use real Yandex instead of the fake (see apps/express-sample/README.md)
 *   DEMO_SKIP_BUILD=1  do not run the build step (when dist/ is known to be fresh)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const host = env.HOST?.trim() || '127.0.0.1';
const port = Number(env.PORT || 3000);
const fakePort = Number(env.FAKE_PORT || 3999);
const real = Boolean(env.YANDEX_CLIENT_ID?.trim()) && !env.FAKE_YANDEX_URL?.trim();
const appUrl = (env.APP_URL?.trim() || `http://${host}:${port}`).replace(/\/+$/, '');

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

function die(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

for (const [name, value] of [['PORT', port], ['FAKE_PORT', fakePort]]) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) die(`${name} must be a TCP port (1-65535)`);
}

// 1. Build the packages and the sample (cached: a no-op when nothing changed).
if (env.DEMO_SKIP_BUILD !== '1') {
  say('demo: building @tracker-auth/core, @tracker-auth/express, @tracker-auth/testing and the Express sample (cached by Nx)…');
  const projects = ['@tracker-auth/core', '@tracker-auth/express', '@tracker-auth/testing', 'express-sample'];
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    process.stderr.write(build.stdout ?? '');
    process.stderr.write(build.stderr ?? '');
    die('the build failed (output above). Did you run `npm ci` (or `npm install`) first?');
  }
}
const serverEntry = join(root, 'apps', 'express-sample', 'dist', 'server.js');
if (!existsSync(serverEntry)) die(`${serverEntry} is missing: run \`npx nx run express-sample:build\``);

// 2. The fake Yandex, in this process (skipped when real credentials are configured).
let fake;
const sampleEnv = { ...env, HOST: host, PORT: String(port), APP_URL: appUrl };
if (real) {
  say('demo: YANDEX_CLIENT_ID is set: using real Yandex, not starting the fake.');
} else {
  const testingEntry = join(root, 'packages', 'testing', 'dist', 'index.js');
  const { startFakeYandex } = await import(pathToFileURL(testingEntry).href);
  try {
    fake = await startFakeYandex({
      port: fakePort,
      host,
      seed: 'tracker-auth-demo',
      demoRedirectUris: [`${appUrl}/auth/callback`],
    });
  } catch (error) {
    die(`cannot start the fake Yandex on ${host}:${fakePort} (${error.code ?? error.message}); set FAKE_PORT to a free port`);
  }
  Object.assign(sampleEnv, {
    FAKE_YANDEX_URL: fake.url,
    YANDEX_CLIENT_ID: fake.demo.app.clientId,
    YANDEX_CLIENT_SECRET: fake.demo.app.clientSecret ?? '',
    TRACKER_ORG_ID: fake.demo.orgId,
    FAKE_DEMO_LOGIN: fake.demo.user.login,
    // The app's own credential for /service (service mode): a robot token the fake issued.
    TRACKER_OAUTH_TOKEN: fake.demo.oauthToken,
  });
  for (const name of ['TRACKER_IAM_TOKEN', 'TRACKER_IAM_FROM_OAUTH_TOKEN', 'TRACKER_SERVICE_ACCOUNT_KEY', 'TRACKER_SERVICE_ACCOUNT_KEY_FILE', 'TRACKER_USE_METADATA']) {
    delete sampleEnv[name];
  }
  delete sampleEnv.TRACKER_CLOUD_ORG_ID;
  delete sampleEnv.REDIRECT_URI;
}

// 3. The sample, as a child process (exactly what `npm start -w express-sample` runs).
const sample = spawn(process.execPath, [serverEntry], { cwd: dirname(dirname(serverEntry)), env: sampleEnv, stdio: ['ignore', 'pipe', 'inherit'] });
let stopping = false;
let ready = false;

sample.stdout.setEncoding('utf8');
sample.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!ready && chunk.includes('listening on')) {
    ready = true;
    say();
    say('  ┌──────────────────────────────────────────────────────────────');
    say(`  │  Open ${appUrl} and click "Sign in with Yandex".`);
    if (fake) {
      say(`  │  Fake Yandex: ${fake.url} (sign-in is automatic; demo user "${fake.demo.user.login}",`);
      say(`  │  org ${fake.demo.orgId}, queue TEST with a few issues).`);
    } else {
      say('  │  Signing in goes to the real Yandex ID.');
    }
    say('  │  Press Ctrl+C to stop.');
    say('  └──────────────────────────────────────────────────────────────');
  }
});

async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (sample.exitCode === null && sample.signalCode === null) {
    const exited = new Promise((resolve) => sample.once('exit', resolve));
    sample.kill('SIGTERM');
    const timer = setTimeout(() => sample.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await fake?.close().catch(() => undefined);
  say('demo: stopped.');
  process.exit(code);
}

sample.on('exit', (code, signal) => {
  if (stopping) return;
  // Ctrl+C in a terminal reaches the whole process group: the sample may stop first, cleanly.
  if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') {
    void stop(0);
    return;
  }
  process.stderr.write(`demo: the sample stopped (${signal ?? `exit code ${code}`}).\n`);
  void stop(code || 1);
});
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
