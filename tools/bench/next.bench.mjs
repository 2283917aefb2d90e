// @ts-check
/**
 * The Next.js route-handler proxy under load against a hand-written `fetch` pass-through route
 * in the same app, production build (`next build` + `next start`):
 *
 *   pass    app/api/pass/[...path]/route.js: fetch(upstream + path) with the auth headers (baseline)
 *   proxy   app/api/tracker/[...path]/route.js: createTrackerRouteHandler() of @tracker-auth/next
 *
 * The app is written to tools/bench/.cache/next-app (git-ignored) and built once per run; it
 * imports the built `@tracker-auth/next` (run `npx nx run @tracker-auth/next:build` first). The
 * upstream is the same minimal server as proxy.bench.mjs (its own process, one port per route).
 * Rounds are interleaved; ratios are medians of per-round ratios. Only 127.0.0.1 is contacted.
 *
 *   node next.bench.mjs [--rounds=3] [--duration=5] [--connections=10] [--warmup=2]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, startChild, stopChild } from './lib/children.mjs';
import { fixed, intOption, machineLine, median, table, times } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = join(here, '.cache', 'next-app');
const nextBin = join(here, '..', '..', 'node_modules', 'next', 'dist', 'bin', 'next');
const TOKEN = 'y0_benchmark-token-not-a-secret';
const ORG_ID = '1234567';
const PATH = '/v3/issues/TEST-1';

/** Write the app: two catch-all routes reading their upstream from the environment. */
function writeApp() {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(join(appDir, 'app'), { recursive: true });
  const route = (/** @type {string} */ dir, /** @type {string} */ code) => {
    mkdirSync(join(appDir, 'app', 'api', dir, '[...path]'), { recursive: true });
    writeFileSync(join(appDir, 'app', 'api', dir, '[...path]', 'route.js'), code);
  };
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  // Its own tsconfig without paths: otherwise the bundler finds this package's, whose paths map
  // @tracker-auth/* to src/, and the measurement would not be of the built packages.
  writeFileSync(
    join(appDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', lib: ['dom', 'esnext'], allowJs: true, skipLibCheck: true, strict: false, noEmit: true, module: 'esnext', moduleResolution: 'bundler', isolatedModules: true, jsx: 'react-jsx' },
      include: ['**/*.js'],
      exclude: ['node_modules'],
    }),
  );
  writeFileSync(join(appDir, 'next.config.mjs'), `export default { output: undefined, turbopack: { root: ${JSON.stringify(join(here, '..', '..'))} } };\n`);
  writeFileSync(join(appDir, 'app', 'layout.js'), 'export default function Layout({ children }) { return children; }\n');
  route(
    'pass',
    `export const dynamic = 'force-dynamic';
const upstream = process.env.BENCH_UPSTREAM_PASS;
const auth = { Authorization: 'OAuth ${TOKEN}', 'X-Org-ID': '${ORG_ID}' };
// The least a pass-through does: forward the path with the auth headers, stream the body back.
export async function GET(request) {
  const url = new URL(request.url);
  const response = await fetch(upstream + url.pathname.slice('/api/pass'.length) + url.search, { headers: { accept: request.headers.get('accept') ?? '*/*', ...auth } });
  return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream' } });
}
`,
  );
  route(
    'tracker',
    `import { createTrackerAuth, oauthToken } from '@tracker-auth/core';
import { createTrackerRouteHandler } from '@tracker-auth/next';
export const dynamic = 'force-dynamic';
const auth = createTrackerAuth({ credentials: oauthToken('${TOKEN}'), org: { orgId: '${ORG_ID}' } });
export const { GET } = createTrackerRouteHandler({ auth, allowAnonymous: true, trackerUrl: process.env.BENCH_UPSTREAM_PROXY });
`,
  );
}

/** @param {string[]} args @param {Record<string, string>} env */
function runNext(args, env = {}) {
  return spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function main() {
  const rounds = intOption('rounds', 'BENCH_ROUNDS', 3);
  const durationSec = intOption('duration', 'BENCH_DURATION', 5);
  const connections = intOption('connections', 'BENCH_CONNECTIONS', 10);
  const warmupSec = intOption('warmup', 'BENCH_WARMUP', 2);

  writeApp();
  const build = runNext(['build']);
  let buildLog = '';
  build.stdout.on('data', (chunk) => (buildLog += chunk));
  build.stderr.on('data', (chunk) => (buildLog += chunk));
  const code = await new Promise((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`next build failed:\n${buildLog}`);

  const upstream = await startChild(join(here, 'lib', 'upstream-server.mjs'), ['pass,proxy']);
  /** @type {Record<string, number>} */
  const ports = upstream.ready.ports;
  const port = await freePort();
  const server = runNext(['start', '-p', String(port), '-H', '127.0.0.1'], {
    BENCH_UPSTREAM_PASS: `http://127.0.0.1:${ports.pass}`,
    BENCH_UPSTREAM_PROXY: `http://127.0.0.1:${ports.proxy}`,
  });
  const load = await startChild(join(here, 'lib', 'load-worker.mjs'));
  try {
    const urls = { pass: `http://127.0.0.1:${port}/api/pass${PATH}`, proxy: `http://127.0.0.1:${port}/api/tracker${PATH}` };
    // next start is ready when it answers.
    for (let i = 0; ; i++) {
      const ok = await fetch(urls.pass).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (i > 300) throw new Error('next start did not answer');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const name of /** @type {const} */ (['pass', 'proxy'])) {
      const res = await fetch(urls[name], { headers: { accept: 'application/json' } });
      const body = /** @type {{ key?: string }} */ (await res.json().catch(() => ({})));
      if (res.status !== 200 || body.key !== 'TEST-1') throw new Error(`${name}: answered ${res.status}, not the upstream's JSON`);
    }
    const hit = async (/** @type {'pass' | 'proxy'} */ name, /** @type {number} */ seconds) =>
      (await ask(load.child, { type: 'run', url: urls[name], connections, durationSec: seconds, headers: { accept: 'application/json' } }, 'result')).result;
    await hit('pass', warmupSec);
    await hit('proxy', warmupSec);
    /** @type {Record<'pass' | 'proxy', any[]>} */
    const results = { pass: [], proxy: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of /** @type {const} */ (['pass', 'proxy'])) results[name].push(await hit(name, durationSec));
    }
    const stats = (await ask(upstream.child, { type: 'stats' }, 'stats')).stats;
    const row = (/** @type {'pass' | 'proxy'} */ name, /** @type {string} */ label) => {
      const r = results[name];
      const failed = r.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0);
      return [
        label,
        fixed(median(r.map((x) => x.rps)), 0),
        times(median(r.map((x, i) => x.rps / results.pass[i].rps))),
        fixed(median(r.map((x) => x.p99)), 0),
        times(median(r.map((x, i) => x.p99 / results.pass[i].p99))),
        String(failed),
        `${stats[name]?.connections ?? 0} for ${stats[name]?.requests ?? 0} req`,
      ];
    };
    console.log(
      [
        `Next.js ${process.env.npm_package_version ? '' : ''}route handlers (next start, production build), GET ${PATH}: ${rounds} interleaved rounds × ${durationSec} s, ${connections} connections; ${await machineLine()}`,
        '',
        table(
          ['route', 'req/s', 'vs pass-through', 'p99 ms', 'vs pass-through', 'failed', 'upstream TCP connections'],
          [row('pass', 'hand-written fetch pass-through route (baseline)'), row('proxy', 'createTrackerRouteHandler() (ours, fetch transport)')],
        ),
      ].join('\n'),
    );
  } finally {
    server.kill('SIGTERM');
    await Promise.all([stopChild(upstream.child), stopChild(load.child)]);
  }
}

await main();
