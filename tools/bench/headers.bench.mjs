// @ts-check
/**
 * Hot path 1: auth headers with a cached token. Measured as ratios against baselines run in
 * the same process and rounds (an object literal built per call, and the same literal from an
 * async function, since `headers()`/`getToken()` are async), never as absolute times.
 *
 * The service-account source gets its one IAM token from the fake Yandex on 127.0.0.1; the
 * run then checks that no further IAM exchange happened, i.e. a cached call parses no key,
 * signs no JWT and opens no connection.
 *
 *   node headers.bench.mjs [--rounds=15] [--time-ms=100] [--dist]
 */
import { pathToFileURL } from 'node:url';
import { measure, pairedRatio } from './lib/micro.mjs';
import { fixed, intOption, machineLine, table, times } from './lib/stats.mjs';
import { loadTargets, targetsLabel } from './lib/targets.mjs';

/**
 * @param {{ rounds?: number, timeMs?: number }} [options]
 * @returns {Promise<{ markdown: string, iamCallsDuringBench: number }>}
 */
export async function runHeadersBench(options = {}) {
  const rounds = options.rounds ?? intOption('rounds', 'BENCH_ROUNDS', 15);
  const timeMs = options.timeMs ?? intOption('time-ms', 'BENCH_TIME_MS', 100);
  const lib = await loadTargets();
  const fake = await lib.startFakeYandex();
  try {
    const { demo } = fake;
    const oauthAuth = lib.createTrackerAuth({ credentials: lib.oauthToken(demo.oauthToken), org: { orgId: demo.orgId } });
    const saSource = lib.iamFromServiceAccountKey({ key: demo.serviceAccount.key, iamUrl: fake.url });
    const saAuth = lib.createTrackerAuth({ credentials: saSource, org: { cloudOrgId: demo.cloudOrgId } });

    // Fill the caches (one IAM exchange), then count every later exchange.
    const first = await saAuth.headers();
    if (!first.Authorization.startsWith('Bearer ')) throw new Error('service-account auth did not produce a Bearer header');
    await oauthAuth.headers();
    const iamBefore = fake.calls.count('iam.tokens');

    const token = demo.oauthToken;
    const orgId = demo.orgId;
    const cachedAccess = await saSource.getToken();
    const access = { token, kind: /** @type {const} */ ('oauth') };
    const org = { orgId };

    /** @type {import('./lib/micro.mjs').MicroCase[]} */
    const cases = [
      { name: 'baseline: header object literal', async: false, fn: () => ({ Authorization: 'OAuth ' + token, 'X-Org-ID': orgId }) },
      { name: 'baseline: literal from an async function', async: true, fn: async () => ({ Authorization: 'OAuth ' + token, 'X-Org-ID': orgId }) },
      { name: 'baseline: cached object from an async function', async: true, fn: async () => cachedAccess },
      { name: 'auth.headers(), oauthToken', async: true, fn: () => oauthAuth.headers() },
      { name: 'auth.headers(), service-account IAM (cached)', async: true, fn: () => saAuth.headers() },
      { name: 'iamFromServiceAccountKey getToken() (cached)', async: true, fn: () => saSource.getToken() },
      { name: 'reference: buildTrackerHeaders() (validates + builds)', async: false, fn: () => lib.buildTrackerHeaders(access, org) },
    ];
    const results = await measure(cases, { rounds, timeMs, warmupMs: Math.min(timeMs, 200) });

    // What a cache hit must never repeat: parsing and importing the key (one call per op, few rounds).
    const cold = await measure(
      [{ name: 'reference: iamFromServiceAccountKey({ key }) (parse key, build source)', async: false, fn: () => lib.iamFromServiceAccountKey({ key: demo.serviceAccount.key, iamUrl: fake.url }) }],
      { rounds: Math.min(rounds, 3), timeMs: Math.min(timeMs, 200), warmupMs: 50 },
    );
    const iamCallsDuringBench = fake.calls.count('iam.tokens') - iamBefore;

    const byName = new Map([...results, ...cold].map((r) => [r.name, r]));
    const get = (/** @type {string} */ name) => {
      const r = byName.get(name);
      if (!r) throw new Error(`no result for ${name}`);
      return r;
    };
    const literal = get('baseline: header object literal');
    const asyncLiteral = get('baseline: literal from an async function');
    const asyncCached = get('baseline: cached object from an async function');
    /** @type {Array<[string, import('./lib/micro.mjs').MicroResult]>} */
    const against = [
      ['auth.headers(), oauthToken', asyncLiteral],
      ['auth.headers(), service-account IAM (cached)', asyncLiteral],
      ['iamFromServiceAccountKey getToken() (cached)', asyncCached],
      ['reference: buildTrackerHeaders() (validates + builds)', literal],
    ];
    const rows = [
      [literal.name, fixed(literal.nsPerOp), '1.00×', ''],
      [asyncLiteral.name, fixed(asyncLiteral.nsPerOp), times(pairedRatio(asyncLiteral, literal)), ''],
      [asyncCached.name, fixed(asyncCached.nsPerOp), times(pairedRatio(asyncCached, literal)), ''],
      ...against.map(([name, baseline]) => {
        const r = get(name);
        return [r.name, fixed(r.nsPerOp), times(pairedRatio(r, literal)), `${times(pairedRatio(r, baseline))} vs "${baseline.name.replace('baseline: ', '')}"`];
      }),
      ...cold.map((r) => [r.name, fixed(r.nsPerOp, 0), times(r.nsPerOp / literal.nsPerOp), '(not paired)']),
    ];
    const markdown = [
      `Auth headers, ${rounds} rounds × ${timeMs} ms per case (${targetsLabel()}); ${await machineLine()}`,
      '',
      table(['case', 'ns/op (median)', 'vs literal', 'vs its async baseline'], rows),
      '',
      `IAM token exchanges during the cached runs: ${iamCallsDuringBench} (must be 0: a cached getToken() signs no JWT and calls no upstream)`,
    ].join('\n');
    return { markdown, iamCallsDuringBench };
  } finally {
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown, iamCallsDuringBench } = await runHeadersBench();
  console.log(markdown);
  if (iamCallsDuringBench !== 0) process.exitCode = 1;
}
