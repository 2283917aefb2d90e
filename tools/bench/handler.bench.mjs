// @ts-check
/**
 * Hot path 3: the proxy's own per-request CPU, without sockets. The core proxy handler
 * (`createTrackerProxy`, web Request → Response) gets a stub `fetch` answering a small JSON
 * body at once; the baseline is a minimal web handler doing what any proxy must (read the
 * path, add the auth headers, call the same stub, copy status + content type). Both get a
 * fresh incoming Request with its own AbortSignal, as the Node bridge builds one.
 *
 * Diagnostics in the same rounds:
 * - the proxy with `AbortSignal.any` swapped, for the duration of each call, for plain
 *   listener forwarding (what combining the client's and the timeout's signals costs);
 * - the signal plumbing alone: a timeout controller + timer, with and without `AbortSignal.any`,
 *   and `new Request()` with and without a signal (undici follows a given signal per request).
 *
 *   node handler.bench.mjs [--rounds=15] [--time-ms=100] [--dist]
 */
import { pathToFileURL } from 'node:url';
import { measure, pairedRatio } from './lib/micro.mjs';
import { fixed, intOption, machineLine, table, times } from './lib/stats.mjs';
import { forwardingAny } from './lib/forwarding-any.mjs';
import { loadTargets, targetsLabel } from './lib/targets.mjs';

const TRACKER = 'http://127.0.0.1:9';
const MOUNT = '/api/tracker';
const URL_IN = `http://localhost${MOUNT}/v3/issues/TEST-1`;
const TOKEN = 'y0_benchmark-token-not-a-secret';
const ORG_ID = '1234567';
const BODY = JSON.stringify({ id: '1', key: 'TEST-1', summary: 'Benchmark issue' });

/** @type {import('@tracker-auth/core').FetchLike} */
const stubFetch = async () =>
  new Response(BODY, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(BODY.length), 'x-total-count': '1' } });

/** An incoming request as `toWebRequest` builds it: headers plus a signal of its own. */
const incoming = () => new Request(URL_IN, { headers: { accept: 'application/json', host: 'localhost' }, signal: new AbortController().signal });

/**
 * @param {{ rounds?: number, timeMs?: number }} [options]
 * @returns {Promise<{ markdown: string }>}
 */
export async function runHandlerBench(options = {}) {
  const rounds = options.rounds ?? intOption('rounds', 'BENCH_ROUNDS', 15);
  const timeMs = options.timeMs ?? intOption('time-ms', 'BENCH_TIME_MS', 100);
  const lib = await loadTargets();
  const auth = lib.createTrackerAuth({ credentials: lib.oauthToken(TOKEN), org: { orgId: ORG_ID } });
  const proxy = lib.createTrackerProxy({ auth, allowAnonymous: true, trackerUrl: TRACKER, basePath: MOUNT, fetch: stubFetch });
  const authHeaders = { Authorization: `OAuth ${TOKEN}`, 'X-Org-ID': ORG_ID };

  const check = await proxy(incoming());
  if (check.status !== 200 || !(await check.text()).includes('TEST-1')) throw new Error(`the proxy answered ${check.status}, not the stub's JSON`);

  const realAny = AbortSignal.any;
  /** @type {import('./lib/micro.mjs').MicroCase[]} */
  const cases = [
    {
      name: 'baseline: minimal web handler',
      async: true,
      fn: async () => {
        const request = incoming();
        const path = new URL(request.url).pathname.slice(MOUNT.length);
        const upstream = await stubFetch(TRACKER + path, { headers: { accept: request.headers.get('accept') ?? '*/*', ...authHeaders } });
        const response = new Response(upstream.body, { status: upstream.status, headers: { 'content-type': upstream.headers.get('content-type') ?? '' } });
        return response.arrayBuffer();
      },
    },
    {
      name: 'createTrackerProxy() handler',
      async: true,
      fn: async () => (await proxy(incoming())).arrayBuffer(),
    },
    {
      name: 'diagnostic: the same, AbortSignal.any → listener forwarding',
      async: true,
      fn: async () => {
        AbortSignal.any = forwardingAny;
        try {
          return await (await proxy(incoming())).arrayBuffer();
        } finally {
          AbortSignal.any = realAny;
        }
      },
    },
    {
      name: 'signals: timeout controller + timer',
      async: false,
      fn: () => {
        const client = new AbortController();
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(), 30_000);
        clearTimeout(timer);
        return [client, timeout];
      },
    },
    {
      name: 'signals: … + AbortSignal.any([client, timeout])',
      async: false,
      fn: () => {
        const client = new AbortController();
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(), 30_000);
        const signal = AbortSignal.any([client.signal, timeout.signal]);
        clearTimeout(timer);
        return signal;
      },
    },
    { name: 'signals: new Request(url)', async: false, fn: () => new Request(URL_IN) },
    { name: 'signals: new Request(url, { signal })', async: false, fn: () => new Request(URL_IN, { signal: new AbortController().signal }) },
  ];
  const results = await measure(cases, { rounds, timeMs, warmupMs: Math.min(timeMs, 300) });
  const [base, ours, oursForwarding, timerOnly, timerAny, requestPlain, requestSignal] = results;
  if (!base || !ours || !oursForwarding || !timerOnly || !timerAny || !requestPlain || !requestSignal) throw new Error('missing results');

  const us = (/** @type {number} */ ns) => fixed(ns / 1000, 2);
  const rows = [
    [base.name, us(base.nsPerOp), '1.00×', ''],
    [ours.name, us(ours.nsPerOp), times(pairedRatio(ours, base)), `+${us(ours.nsPerOp - base.nsPerOp)} µs per request`],
    [oursForwarding.name, us(oursForwarding.nsPerOp), times(pairedRatio(oursForwarding, base)), `${times(pairedRatio(oursForwarding, ours))} of the proxy as shipped`],
    [timerOnly.name, us(timerOnly.nsPerOp), '', ''],
    [timerAny.name, us(timerAny.nsPerOp), '', `${times(pairedRatio(timerAny, timerOnly))} of the line above`],
    [requestPlain.name, us(requestPlain.nsPerOp), '', ''],
    [requestSignal.name, us(requestSignal.nsPerOp), '', `${times(pairedRatio(requestSignal, requestPlain))} of the line above`],
  ];
  const markdown = [
    `Proxy handler without sockets (stub fetch), ${rounds} rounds × ${timeMs} ms per case (${targetsLabel()}); ${await machineLine()}`,
    '',
    table(['case', 'µs/op (median)', 'vs baseline', 'note'], rows),
  ].join('\n');
  return { markdown };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown } = await runHandlerBench();
  console.log(markdown);
}
