// @ts-check
/**
 * The Redis token store on the hot path, against core's in-memory store, in the same process
 * and rounds, with a cached IAM token: requests through the core proxy handler (a stub upstream,
 * no sockets: requests per second of the handler), and `auth.headers()` alone (the worst case:
 * nothing else in the call). The store answers a valid token from process memory, so a cached call
 * must cost no Redis round trip: the run counts the commands Redis processed meanwhile (at most
 * about one read per `localCacheMs` per credential) and fails when there are more.
 *
 * Starts its own `redis-server` (Debian's package) on a free 127.0.0.1 port with a temp dir,
 * and stops it.
 *
 *   node redis-store.bench.mjs [--rounds=15] [--time-ms=100] [--dist]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure, pairedRatio } from './lib/micro.mjs';
import { fixed, intOption, machineLine, table, times } from './lib/stats.mjs';
import { fromDist, loadTargets, targetsLabel } from './lib/targets.mjs';

/** The store's default local cache time: a cached token is re-read from Redis at most this often. */
const LOCAL_CACHE_MS = 2000;

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server not found: apt-get install -y redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve(undefined);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  const commands = () => Number(/total_commands_processed:(\d+)/.exec(spawnSync('redis-cli', ['-p', String(port), 'INFO', 'stats'], { encoding: 'utf8' }).stdout)?.[1]);
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `redis://127.0.0.1:${port}`, commands, stop };
}

/** @returns {Promise<typeof import('@tracker-auth/redis')>} */
async function loadRedisStore() {
  if (fromDist()) return import('@tracker-auth/redis');
  const { build } = await import('esbuild');
  const root = join(import.meta.dirname, '..', '..');
  const outfile = join(import.meta.dirname, '.cache', `redis-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'packages/redis/src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.base.json'),
    external: ['ioredis', 'ky'],
    outfile,
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/**
 * @param {{ rounds?: number, timeMs?: number }} [options]
 * @returns {Promise<{ markdown: string, redisCommandsOverBudget: boolean }>}
 */
export async function runRedisStoreBench(options = {}) {
  const rounds = options.rounds ?? intOption('rounds', 'BENCH_ROUNDS', 15);
  const timeMs = options.timeMs ?? intOption('time-ms', 'BENCH_TIME_MS', 100);
  const lib = await loadTargets();
  const { createRedisTokenStore } = await loadRedisStore();
  const [fake, redis] = await Promise.all([lib.startFakeYandex(), startRedis()]);
  const store = createRedisTokenStore({ redis: redis.url, secrets: 'bench-secret-of-at-least-32-bytes!!', onEvent: () => undefined });
  try {
    const { demo } = fake;
    const org = { cloudOrgId: demo.cloudOrgId };
    const memoryAuth = lib.createTrackerAuth({ credentials: lib.iamFromOAuthToken({ oauthToken: demo.oauthToken, iamUrl: fake.url }), org });
    const redisAuth = lib.createTrackerAuth({ credentials: lib.iamFromOAuthToken({ oauthToken: demo.oauthToken, iamUrl: fake.url, store }), org });
    await memoryAuth.headers();
    await redisAuth.headers();
    const iamBefore = fake.calls.count('iam.tokens');
    const commandsBefore = redis.commands();
    const started = Date.now();

    const body = JSON.stringify({ id: '1', key: 'TEST-1' });
    /** @type {import('@tracker-auth/core').FetchLike} */
    const stubFetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } });
    const proxyOf = (/** @type {import('@tracker-auth/core').TrackerAuth} */ auth) =>
      lib.createTrackerProxy({ auth, allowAnonymous: true, trackerUrl: 'http://tracker.invalid', basePath: '/api/tracker', fetch: stubFetch });
    const memoryProxy = proxyOf(memoryAuth);
    const redisProxy = proxyOf(redisAuth);
    const request = () => new Request('http://localhost/api/tracker/v3/issues/TEST-1', { headers: { accept: 'application/json' } });
    for (const proxy of [memoryProxy, redisProxy]) {
      const response = await proxy(request());
      if (response.status !== 200) throw new Error(`the proxy answered ${response.status}`);
    }
    const served = async (/** @type {(r: Request) => Promise<Response>} */ proxy) => (await proxy(request())).text();

    /** @type {import('./lib/micro.mjs').MicroCase[]} */
    const cases = [
      { name: 'proxy request, memory store (baseline)', async: true, fn: () => served(memoryProxy) },
      { name: 'proxy request, Redis store', async: true, fn: () => served(redisProxy) },
      { name: 'auth.headers(), memory store (baseline)', async: true, fn: () => memoryAuth.headers() },
      { name: 'auth.headers(), Redis store', async: true, fn: () => redisAuth.headers() },
    ];
    const results = await measure(cases, { rounds, timeMs, warmupMs: Math.min(timeMs, 200) });
    const elapsedMs = Date.now() - started;
    // The INFO command of the count itself is one of them.
    const redisCommands = redis.commands() - commandsBefore - 1;
    const iamCalls = fake.calls.count('iam.tokens') - iamBefore;
    const pairs = [
      [results[0], results[1]],
      [results[2], results[3]],
    ];
    const calls = results.reduce((sum, r) => sum + (r.samples.length * timeMs * 1e6) / r.nsPerOp, 0);
    const budget = Math.ceil(elapsedMs / LOCAL_CACHE_MS) + 2;
    const markdown = [
      `Redis store vs memory store, cached IAM token, ${rounds} rounds × ${timeMs} ms per case (${targetsLabel()}); ${await machineLine()}`,
      '',
      table(
        ['case', 'ns/op (median)', 'ops/s', 'throughput vs memory store'],
        pairs.flatMap(([memory, viaRedis]) => {
          if (!memory || !viaRedis) throw new Error('missing result');
          return [
            [memory.name, fixed(memory.nsPerOp), fixed(1e9 / memory.nsPerOp, 0), '1.00×'],
            [viaRedis.name, fixed(viaRedis.nsPerOp), fixed(1e9 / viaRedis.nsPerOp, 0), times(1 / pairedRatio(viaRedis, memory))],
          ];
        }),
      ),
      '',
      `Redis commands during ~${fixed(calls, 0)} cached calls over ${fixed(elapsedMs / 1000)} s: ${redisCommands} (budget ${budget}: one read per ${LOCAL_CACHE_MS} ms local cache time); IAM exchanges: ${iamCalls} (must be 0)`,
    ].join('\n');
    return { markdown, redisCommandsOverBudget: redisCommands > budget || iamCalls !== 0 };
  } finally {
    await store.close();
    await Promise.all([fake.close(), redis.stop()]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown, redisCommandsOverBudget } = await runRedisStoreBench();
  console.log(markdown);
  if (redisCommandsOverBudget) process.exitCode = 1;
}
