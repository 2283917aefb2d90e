// @ts-check
/**
 * Hot path 2: the Tracker proxy under load, as ratios against a bare node:http handler that
 * forwards with fetch, measured in the same run:
 *
 *   bare         node:http handler → fetch (undici, pooled) → upstream      (the baseline)
 *   express-bare Express + the same fetch handler                           (Express's own cost)
 *   hpm          Express + http-proxy-middleware 3 with a keep-alive agent  (the usual choice)
 *   hpm-default  the same with http-proxy's defaults (a connection per request)
 *   express      Express + trackerProxy() of @tracker-auth/express          (ours: Node transport)
 *   express-core Express + createTrackerProxy() (fetch transport) through the Node bridge
 *   core         node:http + createTrackerProxy() via toWebRequest/sendWebResponse (fetch transport)
 *   core-node    node:http + createNodeTrackerProxy() (ours: Node transport, undici.stream on a Pool)
 *   nest         NestJS (Express platform) + createTrackerProxyController() (ours: Node transport)
 *   t-stream     transport option: bare node:http handler → undici.stream on a Pool, into res
 *   t-request    transport option: bare handler → undici.request on a Pool + stream.pipeline
 *   t-agent      transport option: bare handler → node:http request, keep-alive Agent + pipeline
 *
 * All of them add the same auth headers (a cached OAuth token) and forward to the same minimal
 * upstream (a child process, one port per candidate so every candidate's TCP connections are
 * counted on their own). autocannon runs in another child process with a fixed number of
 * connections; rounds are interleaved (bare, hpm, express, core, bare, …) to cancel drift on
 * the shared cores. Only 127.0.0.1 is contacted; every run stops by itself.
 *
 *   node proxy.bench.mjs [--rounds=3] [--duration=5] [--connections=10] [--warmup=2] [--dist]
 *   BENCH_CANDIDATES=express,core node proxy.bench.mjs   (a subset; bare always runs)
 *   BENCH_DIAG_FORWARDING_ANY=1 …   (diagnostic: AbortSignal.any swapped for listener forwarding)
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { ask, startChild, stopChild } from './lib/children.mjs';
import { applyForwardingAnyIfAsked } from './lib/forwarding-any.mjs';
import { fixed, intOption, machineLine, median, table, times } from './lib/stats.mjs';
import { loadNestTargets, loadTargets, targetsLabel } from './lib/targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MOUNT = '/api/tracker';
const PATH = '/v3/issues/TEST-1';
const TOKEN = 'y0_benchmark-token-not-a-secret';
const ORG_ID = '1234567';
const AUTH_HEADERS = Object.freeze({ Authorization: `OAuth ${TOKEN}`, 'X-Org-ID': ORG_ID });

/**
 * @typedef {object} Candidate
 * @property {string} name
 * @property {string} label
 * @property {() => import('node:http').Server | Promise<import('node:http').Server>} create
 */

/** @typedef {{ requests: number, rps: number, p50: number, p99: number, errors: number, timeouts: number, non2xx: number, durationSec: number }} LoadResult */

/**
 * A plain handler forwarding to `upstream` with fetch (undici's pooled keep-alive dispatcher),
 * adding the auth headers and buffering the small body.
 * @param {string} upstream
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function forwardWithFetch(upstream) {
  return (req, res) => {
    const url = /** @type {{ originalUrl?: string }} */ (req).originalUrl ?? req.url ?? '/';
    fetch(upstream + url.slice(MOUNT.length), { headers: { accept: req.headers.accept ?? '*/*', ...AUTH_HEADERS } })
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'content-length': body.length });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  };
}

/**
 * The transport options for the Node proxy, each as the least a pass-through does with it (same
 * auth headers, the upstream's status, type and length passed back), to pick one by cost.
 * @param {'t-stream' | 't-request' | 't-agent'} kind
 * @param {string} upstream
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function forwardWithTransport(kind, upstream) {
  const url = new URL(upstream);
  const pathOf = (/** @type {import('node:http').IncomingMessage} */ req) => (req.url ?? '/').slice(MOUNT.length);
  /** @param {import('node:http').ServerResponse} res */
  const fail = (res) => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  };
  if (kind === 't-agent') {
    const agent = new Agent({ keepAlive: true });
    return (req, res) => {
      const out = httpRequest(
        { host: url.hostname, port: url.port, path: pathOf(req), agent, headers: { accept: req.headers.accept ?? '*/*', ...AUTH_HEADERS } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/octet-stream', 'content-length': up.headers['content-length'] ?? '' });
          pipeline(up, res, () => undefined);
        },
      );
      out.on('error', () => fail(res));
      out.end();
    };
  }
  const pool = new Pool(url.origin);
  if (kind === 't-request') {
    return (req, res) => {
      pool
        .request({ path: pathOf(req), method: 'GET', headers: { accept: req.headers.accept ?? '*/*', ...AUTH_HEADERS } })
        .then((up) => {
          res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/octet-stream'), 'content-length': String(up.headers['content-length'] ?? '') });
          pipeline(up.body, res, () => undefined);
        })
        .catch(() => fail(res));
    };
  }
  return (req, res) => {
    pool
      .stream({ path: pathOf(req), method: 'GET', headers: { accept: req.headers.accept ?? '*/*', ...AUTH_HEADERS } }, ({ statusCode, headers }) => {
        res.writeHead(statusCode, { 'content-type': String(headers['content-type'] ?? 'application/octet-stream'), 'content-length': String(headers['content-length'] ?? '') });
        return res;
      })
      .catch(() => fail(res));
  };
}

/** Candidate names, in the order they run in every round. */
export const CANDIDATES = ['bare', 'express-bare', 'hpm', 'hpm-default', 'express', 'express-core', 'core', 'core-node', 'nest', 't-stream', 't-request', 't-agent'];

/**
 * @param {import('./lib/targets.mjs').Targets} lib
 * @param {(name: string) => string} upstreamOf  the upstream base URL of a candidate
 * @returns {Candidate[]}
 */
function candidates(lib, upstreamOf) {
  return [
    {
      name: 'bare',
      label: 'bare node:http + fetch (baseline)',
      create: () => createServer(forwardWithFetch(upstreamOf('bare'))),
    },
    {
      name: 'express-bare',
      label: 'Express + the same fetch handler',
      create: () => {
        const app = express();
        const forward = forwardWithFetch(upstreamOf('express-bare'));
        app.use(MOUNT, (req, res) => forward(req, res));
        return createServer(app);
      },
    },
    {
      name: 'hpm',
      label: 'Express + http-proxy-middleware 3, keep-alive agent',
      create: () => {
        const app = express();
        // http-proxy's default is agent: false plus `Connection: close` (a new upstream TCP
        // connection per request); a keep-alive agent is the fair comparison.
        const agent = new Agent({ keepAlive: true });
        app.use(MOUNT, createProxyMiddleware({ target: upstreamOf('hpm'), changeOrigin: true, agent, headers: { ...AUTH_HEADERS } }));
        return createServer(app);
      },
    },
    {
      name: 'hpm-default',
      label: 'Express + http-proxy-middleware 3, default options',
      create: () => {
        const app = express();
        app.use(MOUNT, createProxyMiddleware({ target: upstreamOf('hpm-default'), changeOrigin: true, headers: { ...AUTH_HEADERS } }));
        return createServer(app);
      },
    },
    {
      name: 'express',
      label: 'Express + trackerProxy() (ours)',
      create: () => {
        const auth = lib.createTrackerAuth({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } });
        const app = express();
        app.use(MOUNT, lib.trackerProxy({ auth, allowAnonymous: true, trackerUrl: upstreamOf('express') }));
        return createServer(app);
      },
    },
    {
      name: 'express-core',
      label: 'Express + createTrackerProxy() (fetch transport) via the Node bridge, no adapter',
      create: () => {
        const auth = lib.createTrackerAuth({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } });
        const proxy = lib.createTrackerProxy({ auth, allowAnonymous: true, trackerUrl: upstreamOf('express-core') });
        const app = express();
        // What trackerProxy() does minus its own code: splits the adapter's cost from Express's.
        app.use(MOUNT, (req, res, next) => {
          proxy(lib.toWebRequest(req, { res }), { path: req.originalUrl.slice(req.baseUrl.length), basePath: req.baseUrl })
            .then((response) => lib.sendWebResponse(res, response))
            .catch(next);
        });
        return createServer(app);
      },
    },
    {
      name: 'core',
      label: 'node:http + createTrackerProxy() (fetch transport) via the Node bridge',
      create: () => {
        const auth = lib.createTrackerAuth({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } });
        const proxy = lib.createTrackerProxy({ auth, allowAnonymous: true, trackerUrl: upstreamOf('core'), basePath: MOUNT });
        return createServer((req, res) => {
          proxy(lib.toWebRequest(req, { res }))
            .then((response) => lib.sendWebResponse(res, response))
            .catch(() => {
              if (!res.headersSent) res.writeHead(500);
              res.end();
            });
        });
      },
    },
    {
      name: 'core-node',
      label: 'node:http + createNodeTrackerProxy() (ours, Node transport)',
      create: () => {
        const auth = lib.createTrackerAuth({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } });
        const proxy = lib.createNodeTrackerProxy({ auth, allowAnonymous: true, trackerUrl: upstreamOf('core-node'), basePath: MOUNT });
        return createServer((req, res) => void proxy(req, res));
      },
    },
    {
      name: 'nest',
      label: 'NestJS + createTrackerProxyController() (ours, Node transport)',
      create: async () => {
        await import('reflect-metadata');
        const [{ Module }, { NestFactory }, nest] = await Promise.all([import('@nestjs/common'), import('@nestjs/core'), loadNestTargets()]);
        class AppModule {}
        Module({
          imports: [nest.TrackerAuthModule.forRoot({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } })],
          controllers: [nest.createTrackerProxyController({ path: MOUNT, allowAnonymous: true, trackerUrl: upstreamOf('nest') })],
        })(AppModule);
        const app = await NestFactory.create(AppModule, { logger: false });
        await app.init();
        return app.getHttpServer();
      },
    },
    { name: 't-stream', label: 'transport option: node:http + undici.stream (Pool) into res', create: () => createServer(forwardWithTransport('t-stream', upstreamOf('t-stream'))) },
    { name: 't-request', label: 'transport option: node:http + undici.request (Pool) + pipeline', create: () => createServer(forwardWithTransport('t-request', upstreamOf('t-request'))) },
    { name: 't-agent', label: 'transport option: node:http + http.request (keep-alive Agent) + pipeline', create: () => createServer(forwardWithTransport('t-agent', upstreamOf('t-agent'))) },
  ];
}

/** @param {import('node:http').Server} server @returns {Promise<number>} */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  });
}

/**
 * @param {{ rounds?: number, durationSec?: number, connections?: number, warmupSec?: number }} [options]
 * @returns {Promise<{ markdown: string, problems: string[] }>}
 */
export async function runProxyBench(options = {}) {
  const rounds = options.rounds ?? intOption('rounds', 'BENCH_ROUNDS', 3);
  const durationSec = options.durationSec ?? intOption('duration', 'BENCH_DURATION', 5);
  const connections = options.connections ?? intOption('connections', 'BENCH_CONNECTIONS', 10);
  const warmupSec = options.warmupSec ?? intOption('warmup', 'BENCH_WARMUP', 2);

  const only = (process.env.BENCH_CANDIDATES ?? '').split(',').filter(Boolean);
  const names = CANDIDATES.filter((name) => name === 'bare' || only.length === 0 || only.includes(name));

  // Diagnostic only (BENCH_DIAG_FORWARDING_ANY=1): what AbortSignal.any costs our proxy end to end.
  const patchedAny = applyForwardingAnyIfAsked();
  const lib = await loadTargets();
  const upstream = await startChild(join(here, 'lib', 'upstream-server.mjs'), [names.join(',')]);
  /** @type {Record<string, number>} */
  const upstreamPorts = upstream.ready.ports;
  const list = candidates(lib, (name) => `http://127.0.0.1:${upstreamPorts[name]}`).filter((c) => names.includes(c.name));
  const load = await startChild(join(here, 'lib', 'load-worker.mjs'));
  /** @type {import('node:http').Server[]} */
  const servers = [];
  try {
    /** @type {Map<string, string>} */
    const urls = new Map();
    for (const c of list) {
      const server = await c.create();
      servers.push(server);
      urls.set(c.name, `http://127.0.0.1:${await listen(server)}${MOUNT}${PATH}`);
    }

    // Every candidate must answer the upstream's JSON before it is timed.
    for (const c of list) {
      const res = await fetch(/** @type {string} */ (urls.get(c.name)), { headers: { accept: 'application/json' } });
      const body = /** @type {{ key?: string }} */ (await res.json().catch(() => ({})));
      if (res.status !== 200 || body.key !== 'TEST-1') throw new Error(`${c.name}: answered ${res.status}, not the upstream's JSON`);
    }

    const stats = async () => /** @type {Record<string, { connections: number, requests: number, maxOpen: number }>} */ ((await ask(upstream.child, { type: 'stats' }, 'stats')).stats);
    /** @param {string} name @param {number} seconds @returns {Promise<LoadResult>} */
    const hit = async (name, seconds) =>
      (await ask(load.child, { type: 'run', url: urls.get(name), connections, durationSec: seconds, headers: { accept: 'application/json' } }, 'result')).result;

    for (const c of list) await hit(c.name, warmupSec);
    // Let the last warm-up's cut-off requests settle before taking the baseline counts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await stats();

    /** @type {Map<string, LoadResult[]>} */
    const results = new Map(list.map((c) => [c.name, []]));
    /** @type {Map<string, number[]>} */
    const cpuPerRequest = new Map(list.map((c) => [c.name, []]));
    /** @type {Map<string, number[]>} */
    const connectionsPerRound = new Map(list.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const c of list) {
        const s0 = (await stats())[c.name]?.connections ?? 0;
        const cpu0 = process.cpuUsage();
        const result = await hit(c.name, durationSec);
        const cpu = process.cpuUsage(cpu0);
        // CPU of this process (the server under test, GC included) per request: unlike req/s it
        // hardly depends on how much of the shared cores other processes took meanwhile.
        cpuPerRequest.get(c.name)?.push((cpu.user + cpu.system) / Math.max(1, result.requests));
        results.get(c.name)?.push(result);
        connectionsPerRound.get(c.name)?.push(((await stats())[c.name]?.connections ?? 0) - s0);
      }
    }
    const after = await stats();

    const baseline = results.get('bare') ?? [];
    const baselineCpu = cpuPerRequest.get('bare') ?? [];
    // The targets for Express are set against http-proxy-middleware with a keep-alive agent.
    const hpm = results.get('hpm');
    const hpmCpu = cpuPerRequest.get('hpm');
    /** @param {number[]} values @param {number[] | undefined} base */
    const vsHpm = (values, base) => (base ? times(median(values.map((x, i) => x / (base[i] ?? Number.NaN)))) : '');
    /** @type {string[]} */
    const problems = [];
    const rows = list.map((c) => {
      const r = results.get(c.name) ?? [];
      const rpsRatio = median(r.map((x, i) => x.rps / (baseline[i]?.rps ?? Number.NaN)));
      const p50Ratio = median(r.map((x, i) => x.p50 / (baseline[i]?.p50 ?? Number.NaN)));
      const p99Ratio = median(r.map((x, i) => x.p99 / (baseline[i]?.p99 ?? Number.NaN)));
      const cpu = cpuPerRequest.get(c.name) ?? [];
      const cpuRatio = median(cpu.map((x, i) => x / (baselineCpu[i] ?? Number.NaN)));
      const failed = r.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0);
      const served = r.reduce((n, x) => n + x.requests, 0);
      const opened = (after[c.name]?.connections ?? 0) - (before[c.name]?.connections ?? 0);
      const upstreamRequests = (after[c.name]?.requests ?? 0) - (before[c.name]?.requests ?? 0);
      if (failed > 0) problems.push(`${c.name}: ${failed} failed requests (errors, timeouts or non-2xx)`);
      // Pooled keep-alive: about `connections` sockets in all; one per request would be thousands.
      // (http-proxy-middleware's defaults close every connection by design: noted, not a failure.)
      if (c.name !== 'hpm-default' && opened > upstreamRequests / 10) problems.push(`${c.name}: ${opened} upstream connections for ${upstreamRequests} requests (no keep-alive pooling?)`);
      return [
        c.label,
        fixed(median(r.map((x) => x.rps)), 0),
        times(rpsRatio),
        fixed(median(r.map((x) => x.p50)), 0),
        times(p50Ratio),
        fixed(median(r.map((x) => x.p99)), 0),
        times(p99Ratio),
        fixed(median(cpu), 0),
        times(cpuRatio),
        vsHpm(r.map((x) => x.rps), hpm?.map((x) => x.rps)),
        vsHpm(r.map((x) => x.p99), hpm?.map((x) => x.p99)),
        vsHpm(cpu, hpmCpu),
        String(failed),
        `${opened} (${(connectionsPerRound.get(c.name) ?? []).join('/')}) for ${upstreamRequests} req; max open ${after[c.name]?.maxOpen ?? 0}; total incl. warm-up ${after[c.name]?.connections ?? 0}`,
        String(served),
      ];
    });
    const markdown = [
      `Proxy, GET ${MOUNT}${PATH}: ${rounds} interleaved rounds × ${durationSec} s, ${connections} connections, ${warmupSec} s warm-up each (${targetsLabel()}${patchedAny ? '; DIAGNOSTIC: AbortSignal.any replaced by listener forwarding' : ''}); ${await machineLine()}`,
      '',
      table(['candidate', 'req/s', 'vs bare', 'p50 ms', 'vs bare', 'p99 ms', 'vs bare', 'server CPU µs/req', 'vs bare', 'req/s vs hpm', 'p99 vs hpm', 'CPU vs hpm', 'failed', 'upstream TCP connections opened (per round)', 'requests'], rows),
      '',
      'Ratios are medians of per-round ratios against the bare handler (or http-proxy-middleware with a keep-alive agent, "hpm") of the same round; req/s, latencies and CPU are medians over rounds. Server CPU is user + system time of the process running the servers, per request served (the upstream and autocannon run in their own processes).',
      problems.length ? `PROBLEMS:\n- ${problems.join('\n- ')}` : 'No failed requests; every candidate except http-proxy-middleware with default options reused pooled keep-alive upstream connections.',
    ].join('\n');
    return { markdown, problems };
  } finally {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))));
    await Promise.all([stopChild(upstream.child), stopChild(load.child)]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown, problems } = await runProxyBench();
  console.log(markdown);
  if (problems.length) process.exitCode = 1;
}
