// One runner per runtime: bundle the scenario for it, run it there against the fake, and hand
// back the scenario's result. A runtime whose npm package is not installed on this platform
// (its optional platform package missing, or its binary not runnable) is reported as skipped
// with the reason; every other failure throws.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runToExit } from '@tracker-auth-tools/test-harness';
import { bundleScenario } from './bundle.mjs';

export { removeBundles } from './bundle.mjs';

const require = createRequire(import.meta.url);
const RUN_TIMEOUT_MS = 60_000;

/**
 * @typedef {{ runtime: string, nodeGlobals: Record<string, string>, steps: Record<string, { ok: boolean, value?: any, error?: { name: string, code?: string, message: string, stack?: string } }> }} ScenarioResult
 * @typedef {{ skipped: false, version: string, bundleBytes: number, result: ScenarioResult } | { skipped: true, reason: string }} RunOutcome
 * @typedef {{ name: string, run: (input: object) => Promise<RunOutcome> }} Runner
 */

/** @param {string} reason @returns {RunOutcome} */
const skip = (reason) => ({ skipped: true, reason });

/**
 * @param {string} version @param {{ bytes: number }} bundle @param {ScenarioResult} result
 * @returns {RunOutcome}
 */
const ran = (version, bundle, result) => ({ skipped: false, version, bundleBytes: bundle.bytes, result });

/** The directory of an installed package, or undefined. @param {string} name */
function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** The version of an installed package. @param {string} name @param {string} [from] resolve from this package */
function packageVersion(name, from) {
  const req = from ? createRequire(require.resolve(`${from}/package.json`)) : require;
  return /** @type {{ version: string }} */ (req(`${name}/package.json`)).version;
}

/**
 * The first candidate binary that runs `--version`, with its first output line.
 * @param {string[]} candidates absolute paths
 * @returns {{ path: string, version: string } | { reason: string }}
 */
function runnableBinary(candidates) {
  const tried = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      tried.push(`${path}: missing`);
      continue;
    }
    const probe = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { path, version: probe.stdout.trim().split('\n')[0] ?? '' };
    tried.push(`${path}: ${probe.error?.message ?? `exit ${probe.status}`}`);
  }
  return { reason: `no runnable binary for ${process.platform}-${process.arch} (${tried.join('; ') || 'no candidates'})` };
}

/** The scenario input as one base64url argument. @param {object} input */
const asArgument = (input) => Buffer.from(JSON.stringify(input)).toString('base64url');

/**
 * The marked result line of a CLI run, or an error with the run's output.
 * @param {string} name @param {{ code: number | null, signal: string | null, output: string }} run
 * @returns {ScenarioResult}
 */
function resultOf(name, run) {
  const line = run.output.split('\n').find((l) => l.startsWith('SCENARIO_RESULT '));
  if (run.code !== 0 || !line) throw new Error(`${name} exited ${run.code ?? run.signal} without a result:\n${run.output}`);
  return JSON.parse(line.slice('SCENARIO_RESULT '.length));
}

// A date this workerd supports (it refuses dates after its own build); no compatibility flags,
// so no nodejs_compat: the default entry must not need Node's APIs.
const WORKERD_COMPATIBILITY_DATE = '2026-04-01';

/**
 * The workerd binary miniflare would start, checked to run; or why not.
 * @returns {{ path: string, version: string } | { reason: string }}
 */
function workerdBinary() {
  if (!packageDir('miniflare')) return { reason: 'miniflare is not installed' };
  let binaryPath;
  try {
    // The workerd package throws on load when its platform package is missing.
    binaryPath = /** @type {{ default: string }} */ (createRequire(require.resolve('miniflare/package.json'))('workerd')).default;
  } catch (error) {
    return { reason: `workerd: ${/** @type {Error} */ (error).message.split('\n')[0]}` };
  }
  const binary = runnableBinary([binaryPath]);
  return 'reason' in binary ? { reason: `workerd: ${binary.reason}` } : binary;
}

/** Vercel's edge-runtime: the Edge Runtime's globals in a Node vm context, in this process. */
/** @type {Runner} */
export const edgeRuntime = {
  name: 'edge-runtime',
  async run(input) {
    if (!packageDir('edge-runtime')) return skip('edge-runtime is not installed');
    const { EdgeRuntime } = await import('edge-runtime');
    const bundle = await bundleScenario({ name: 'edge', entry: 'global', format: 'iife', platform: 'browser', conditions: ['edge-light', 'worker', 'browser'] });
    const runtime = new EdgeRuntime({ initialCode: readFileSync(bundle.file, 'utf8') });
    const json = await runtime.evaluate(`__runTrackerScenario(${JSON.stringify(JSON.stringify(input))})`);
    return ran(`edge-runtime ${packageVersion('edge-runtime')}`, bundle, JSON.parse(json));
  },
};

/** Cloudflare's workerd, driven by miniflare: a module Worker, no nodejs_compat flag. */
/** @type {Runner} */
export const workerd = {
  name: 'workerd',
  async run(input) {
    const probe = workerdBinary();
    if ('reason' in probe) return skip(probe.reason);
    const version = `workerd ${packageVersion('workerd', 'miniflare')} (miniflare ${packageVersion('miniflare')})`;
    const { Miniflare } = await import('miniflare');
    const bundle = await bundleScenario({ name: 'worker', entry: 'worker', format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'] });
    const mf = new Miniflare({ modules: true, modulesRoot: bundle.dir, scriptPath: bundle.file, compatibilityDate: WORKERD_COMPATIBILITY_DATE });
    try {
      const res = await mf.dispatchFetch('http://worker.test/', { method: 'POST', body: JSON.stringify(input) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`the Worker answered ${res.status}: ${text}`);
      return ran(version, bundle, JSON.parse(text));
    } finally {
      await mf.dispose();
    }
  },
};

/**
 * workerd with everything built at global scope (entry-worker-global.mjs) and `concurrency`
 * requests dispatched at once; the status and body of each answer.
 * @param {object} input @param {number} concurrency
 * @returns {Promise<{ skipped: true, reason: string } | { skipped: false, answers: { status: number, body: string }[], loginPage: { status: number, location: string | null } }>}
 */
export async function runWorkerdGlobalScope(input, concurrency) {
  const probe = workerdBinary();
  if ('reason' in probe) return { skipped: true, reason: probe.reason };
  const { Miniflare } = await import('miniflare');
  const bundle = await bundleScenario({
    name: 'worker-global',
    entry: 'worker-global',
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    define: { SCENARIO_INPUT: JSON.stringify(input) },
  });
  const mf = new Miniflare({ modules: true, modulesRoot: bundle.dir, scriptPath: bundle.file, compatibilityDate: WORKERD_COMPATIBILITY_DATE });
  try {
    const answers = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const res = await mf.dispatchFetch('http://app.test/me');
        return { status: res.status, body: await res.text() };
      }),
    );
    const login = await mf.dispatchFetch('http://app.test/auth/sign-in', { redirect: 'manual' });
    await login.arrayBuffer();
    return { skipped: false, answers, loginPage: { status: login.status, location: login.headers.get('location') } };
  } finally {
    await mf.dispose();
  }
}

/** Deno from npm (`deno`, binary in `@deno/<platform>`), with network access to 127.0.0.1 only. */
/** @type {Runner} */
export const deno = {
  name: 'deno',
  async run(input) {
    const platform = `${process.platform}-${process.arch}`;
    const candidates = [`@deno/${platform}-glibc`, `@deno/${platform}`, 'deno']
      .map((name) => packageDir(name))
      .filter((dir) => dir !== undefined)
      .map((dir) => join(/** @type {string} */ (dir), process.platform === 'win32' ? 'deno.exe' : 'deno'));
    const binary = runnableBinary(candidates);
    if ('reason' in binary) return skip(`deno: ${binary.reason}`);
    const bundle = await bundleScenario({ name: 'deno', entry: 'cli', format: 'esm', platform: 'neutral', conditions: ['deno', 'worker', 'browser'] });
    const args = ['run', '--quiet', '--no-prompt', '--no-config', '--no-lock', '--allow-net=127.0.0.1', bundle.file, asArgument(input)];
    const env = { PATH: process.env.PATH ?? '', HOME: bundle.dir, DENO_DIR: join(bundle.dir, 'deno-dir'), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
    const run = await runToExit(binary.path, args, { cwd: bundle.dir, env, timeoutMs: RUN_TIMEOUT_MS });
    return ran(binary.version, bundle, resultOf('deno', run));
  },
};

/** Bun from npm (`bun`, binary in `@oven/bun-<platform>`; its postinstall moves it into `bun/bin`). */
/** @type {Runner} */
export const bun = {
  name: 'bun',
  async run(input) {
    const arch = process.arch === 'arm64' ? 'aarch64' : process.arch;
    const exe = process.platform === 'win32' ? 'bun.exe' : 'bun';
    const candidates = [];
    const platformDir = packageDir(`@oven/bun-${process.platform}-${arch}`);
    if (platformDir) candidates.push(join(platformDir, 'bin', exe));
    const bunDir = packageDir('bun');
    if (bunDir) candidates.push(join(bunDir, 'bin', 'bun.exe'));
    const binary = runnableBinary(candidates);
    if ('reason' in binary) return skip(`bun: ${binary.reason}`);
    const bundle = await bundleScenario({ name: 'bun', entry: 'cli', format: 'esm', platform: 'neutral', conditions: ['bun', 'worker', 'browser'] });
    const env = { PATH: process.env.PATH ?? '', HOME: bundle.dir, NO_COLOR: '1', DO_NOT_TRACK: '1', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' };
    const run = await runToExit(binary.path, [bundle.file, asArgument(input)], { cwd: bundle.dir, env, timeoutMs: RUN_TIMEOUT_MS });
    return ran(`bun ${binary.version}`, bundle, resultOf('bun', run));
  },
};

/** Every runtime of the matrix, in the order the README's table lists them. @type {Runner[]} */
export const runners = [edgeRuntime, workerd, deno, bun];
