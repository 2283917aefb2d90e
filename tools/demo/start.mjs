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
import { spawn } from 'node:child_process';
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

/** @type {import('node:child_process').ChildProcess | undefined} the build, while it runs */
let building;
/** @type {import('node:child_process').ChildProcess | undefined} */
let sample;
let fake;
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (building) {
    // The build runs in a process group of its own (npx → nx → workers): stop all of it.
    try {
      process.kill(-building.pid, 'SIGTERM');
    } catch {
      building.kill('SIGTERM');
    }
    return; // build() exits once Nx has stopped
  }
  if (sample && sample.exitCode === null && sample.signalCode === null) {
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

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));

// `npm start` runs this script through `sh -c`, and npm passes a SIGTERM or SIGINT it gets to
// that shell only: the shell dies and this process lives on, re-parented. Stop when the parent
// changes, so stopping `npm start` (a process manager, a container runtime) stops the demo too.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) void stop(0);
}, 250).unref();

for (const [name, value] of [['PORT', port], ['FAKE_PORT', fakePort]]) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) die(`${name} must be a TCP port (1-65535)`);
}

// 1. Build the packages and the sample (cached: a no-op when nothing changed). The first build
// takes a while, so each project is reported as Nx starts it, with a tick every 10 s.
if (env.DEMO_SKIP_BUILD !== '1') await build();

async function build() {
  const projects = ['@tracker-auth/core', '@tracker-auth/express', '@tracker-auth/testing', 'express-sample'];
  say(`demo: building ${projects.join(', ')} (cached by Nx: the first run takes about a minute)…`);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const child = spawn('npx', ['nx', 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' },
    detached: true,
  });
  building = child;
  let output = '';
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (output += chunk));
  child.stdout.on('data', (chunk) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // Nx prints "> nx run <project>:<target>" as each task starts ("[local cache]" when reused).
      const task = /^\s*>\s+nx run (\S+?):(\S+)(.*)$/.exec(line);
      if (task) say(`demo:   ${task[1]}:${task[2]}${/cache/.test(task[3]) ? ' (cached)' : ''} (${seconds()} s)`);
    }
  });
  const tick = setInterval(() => say(`demo:   still building… (${seconds()} s)`), 10_000);
  const status = await new Promise((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));
  clearInterval(tick);
  building = undefined;
  if (stopping) process.exit(0);
  if (status !== 0) {
    process.stderr.write(output);
    die('the build failed (output above). Did you run `npm ci` (or `npm install`) first?');
  }
  say(`demo: built in ${seconds()} s.`);
}
const serverEntry = join(root, 'apps', 'express-sample', 'dist', 'server.js');
if (!existsSync(serverEntry)) die(`${serverEntry} is missing: run \`npx nx run express-sample:build\``);

// 2. The fake Yandex, in this process (skipped when real credentials are configured).
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
  if (stopping) {
    await fake.close();
    process.exit(0);
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
sample = spawn(process.execPath, [serverEntry], { cwd: dirname(dirname(serverEntry)), env: sampleEnv, stdio: ['ignore', 'pipe', 'inherit'] });
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

sample.on('exit', (code, signal) => {
  if (stopping) return;
  // Ctrl+C in a terminal reaches the whole process group: the sample may stop first, cleanly.
  if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') {
    void stop(0);
    return;
  }
  process.stderr.write(`demo: the sample stopped (${signal ?? `exit code ${code}`}${ready ? '' : '; its message is above'}).\n`);
  void stop(code || 1);
});
