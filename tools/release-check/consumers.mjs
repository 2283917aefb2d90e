// Fresh projects outside the workspace that install @tracker-auth/* from the throwaway
// registry (only that scope; everything else from the regular registry) and use them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, run, writeJson } from './lib.mjs';
import { frameworkChecks } from './framework-consumers.mjs';

// @tracker-auth/cli is a bin only (its exports map holds just ./package.json): it adds no
// entry point to load, and is checked by running it (cliCheck).
const PACKAGES = ['core', 'testing', 'express', 'nestjs', 'next', 'redis', 'cli'].map((n) => `@tracker-auth/${n}`);

/** Peers of every package at the newest majors we support, so every entry point loads. */
const BASE_PEERS = {
  express: '^5.1.0',
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.1',
  next: '^16.0.0',
  react: '^19.0.0',
  'react-dom': '^19.0.0',
};

export function createProject(dir, registryUrl, { name, type = 'module', dependencies = {}, devDependencies = {} }) {
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'package.json'), { name, version: '1.0.0', private: true, type, dependencies, devDependencies });
  writeFileSync(join(dir, '.npmrc'), `@tracker-auth:registry=${registryUrl}\nfund=false\naudit=false\n`);
}

export async function npmInstall(dir) {
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    quiet: true,
    env: { npm_config_registry: 'https://registry.npmjs.org/', npm_config_userconfig: join(dir, '.npmrc') },
  });
}

/** The `exports` subpaths of an installed package (e.g. '.', './node'). */
function entryPoints(dir, name) {
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
  return Object.keys(pkg.exports ?? { '.': {} })
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? name : `${name}/${k.slice(2)}`));
}

function assertInstalledVersion(dir, version) {
  for (const name of PACKAGES) {
    const path = join(dir, 'node_modules', name, 'package.json');
    if (!existsSync(path)) throw new Error(`${name} was not installed in ${dir}`);
    const installed = JSON.parse(readFileSync(path, 'utf8')).version;
    if (installed !== version) throw new Error(`${name}: installed ${installed}, expected ${version}`);
  }
}

// @tracker-auth/next is server-only: outside a Next server bundle (react-server condition)
// loading it must fail with server-only's message; it is loaded for real by the Next apps.
const SERVER_ONLY = new Set(['@tracker-auth/next']);

async function esmCjs(dir, version) {
  const entries = PACKAGES.flatMap((name) => entryPoints(dir, name));
  const loadable = entries.filter((e) => !SERVER_ONLY.has(e));
  const guarded = entries.filter((e) => SERVER_ONLY.has(e));
  writeFileSync(
    join(dir, 'load.cjs'),
    `const entries = ${JSON.stringify(loadable)};\nfor (const e of entries) {\n  const m = require(e);\n  if (!m || Object.keys(m).length === 0) throw new Error('require(' + e + ') exported nothing');\n  console.log('require', e, Object.keys(m).length, 'exports');\n}\n`,
  );
  writeFileSync(
    join(dir, 'load.mjs'),
    `const entries = ${JSON.stringify(loadable)};\nfor (const e of entries) {\n  const m = await import(e);\n  if (Object.keys(m).length === 0) throw new Error('import(' + e + ') exported nothing');\n  console.log('import', e, Object.keys(m).length, 'exports');\n}\n`,
  );
  await run(process.execPath, ['load.cjs'], { cwd: dir, quiet: true });
  await run(process.execPath, ['load.mjs'], { cwd: dir, quiet: true });
  // A tiny use of the Redis store from both module systems, no Redis needed: options are checked
  // at construction, with core's error class (one copy of core, shared by both packages).
  const redisUse = (load) =>
    `const { createRedisTokenStore } = ${load('@tracker-auth/redis')};\nconst { ConfigurationError } = ${load('@tracker-auth/core')};\n` +
    `try { createRedisTokenStore({ redis: 'http://not-redis', secrets: 'x'.repeat(32) }); throw new Error('no error'); }\n` +
    `catch (error) { if (!(error instanceof ConfigurationError) || error.field !== 'redis') throw error; }\nconsole.log('redis store: options checked');\n`;
  writeFileSync(join(dir, 'redis-use.cjs'), redisUse((name) => `require('${name}')`));
  writeFileSync(join(dir, 'redis-use.mjs'), redisUse((name) => `await import('${name}')`));
  await run(process.execPath, ['redis-use.cjs'], { cwd: dir, quiet: true });
  await run(process.execPath, ['redis-use.mjs'], { cwd: dir, quiet: true });
  // Each guarded entry in its own process: the load is expected to fail, with server-only's message.
  for (const entry of guarded) {
    for (const [flag, code] of [['-e', `require(${JSON.stringify(entry)})`], ['--input-type=module', `await import(${JSON.stringify(entry)})`]]) {
      const args = flag === '-e' ? ['-e', code] : [flag, '-e', code];
      let output = '';
      try {
        await run(process.execPath, args, { cwd: dir, quiet: true, expectFailure: true });
      } catch (error) {
        output = String(error.output ?? error.message);
      }
      if (!/Client Component|server-only/i.test(output)) throw new Error(`${entry} loaded outside a server bundle (${flag}): server-only did not guard it`);
    }
  }
  log(`esm-cjs: require() and import() of ${loadable.length} entry points at ${version}; ${guarded.join(', ')} refuses to load outside a server bundle`);
}

/** The `tracker-auth` bin as a consumer runs it: `npx` from the project, answering offline. */
async function cliCheck(dir, version) {
  const help = await run('npx', ['--no-install', 'tracker-auth', '--help'], { cwd: dir, quiet: true });
  for (const command of ['login', 'whoami', 'token', 'headers', 'iam-token', 'logout', 'fake']) {
    if (!new RegExp(`^\\s+${command}\\b`, 'm').test(help)) throw new Error(`npx tracker-auth --help does not list ${command}:\n${help}`);
  }
  const shown = (await run('npx', ['--no-install', 'tracker-auth', '--version'], { cwd: dir, quiet: true })).trim();
  if (shown !== version) throw new Error(`npx tracker-auth --version printed ${shown}, expected ${version}`);
  // With @tracker-auth/testing installed next to it, `fake` hands --help to tracker-auth-fake.
  const fakeHelp = await run('npx', ['--no-install', 'tracker-auth', 'fake', '--help'], { cwd: dir, quiet: true });
  if (!fakeHelp.includes('Usage: tracker-auth-fake')) throw new Error(`npx tracker-auth fake --help did not reach tracker-auth-fake:\n${fakeHelp}`);
  // No login in a fresh config folder: "not logged in" is exit 3.
  const home = join(dir, '.cli-home');
  mkdirSync(home, { recursive: true });
  let exit = 0;
  try {
    await run('npx', ['--no-install', 'tracker-auth', 'whoami', '--json'], { cwd: dir, quiet: true, expectFailure: true, env: { XDG_CONFIG_HOME: home } });
  } catch (error) {
    exit = /exited with (\d+)/.exec(error.message)?.[1];
  }
  if (String(exit) !== '3') throw new Error(`npx tracker-auth whoami without a login exited ${exit}, expected 3`);
  log(`cli: npx tracker-auth --help, --version (${version}), fake --help, whoami without a login (exit 3)`);
}

async function typecheck(dir) {
  const entries = PACKAGES.flatMap((name) => entryPoints(dir, name));
  writeFileSync(
    join(dir, 'consumer.ts'),
    entries.map((e, i) => `import * as m${i} from '${e}';\nexport const n${i}: number = Object.keys(m${i}).length;`).join('\n') +
      `\nimport { createTrackerAuth, oauthToken, type TrackerAuth } from '@tracker-auth/core';\n` +
      `export const auth: TrackerAuth = createTrackerAuth({ credentials: oauthToken('y0_consumer_typecheck_token_value_1234567890'), org: { orgId: '123' } });\n` +
      `import { createRedisTokenStore, type RedisTokenStore } from '@tracker-auth/redis';\n` +
      `import type { TokenStore } from '@tracker-auth/core';\n` +
      `export const store: TokenStore = createRedisTokenStore({ redis: { host: '127.0.0.1', lazyConnect: true }, secrets: ['s'.repeat(32)], prefix: 'consumer:' }) satisfies RedisTokenStore;\n`,
  );
  // The same imports from a CommonJS file (`.cts`): `require` resolves every `.d.cts`, where a plain
  // import of an ESM-only dependency (ky, NestJS 12) fails with TS1479 unless it is type-only with
  // resolution-mode "import".
  writeFileSync(
    join(dir, 'consumer-cjs.cts'),
    entries
      .map((e, i) => `import * as m${i} from '${e}';\nexport const n${i}: number = Object.keys(m${i}).length;`)
      .join('\n') +
      `\nimport { createTrackerAuth, createTrackerClient, oauthToken, type TrackerAuth } from '@tracker-auth/core';\n` +
      `export const auth: TrackerAuth = createTrackerAuth({ credentials: oauthToken('y0_consumer_typecheck_token_value_1234567890'), org: { orgId: '123' } });\n` +
      `export const client = createTrackerClient(auth);\n`,
  );
  for (const [label, compilerOptions, file] of [
    ['node16', { module: 'node16', moduleResolution: 'node16' }, 'consumer.ts'],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'consumer.ts'],
    ['node16-cjs', { module: 'node16', moduleResolution: 'node16' }, 'consumer-cjs.cts'],
  ]) {
    writeJson(join(dir, `tsconfig.${label}.json`), {
      compilerOptions: { ...compilerOptions, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], lib: ['es2023', 'dom'], jsx: 'react-jsx', experimentalDecorators: true },
      files: [file],
    });
    await run(join(dir, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${label}.json`], { cwd: dir, quiet: true });
    log(`types: consumer typechecks under ${label} (skipLibCheck: false)`);
  }
}

export async function runConsumerChecks({ work, registryUrl, version, root, only }) {
  const want = (name) => !only || only.has(name);
  const base = join(work, 'base');
  const ours = Object.fromEntries(PACKAGES.map((n) => [n, version]));
  createProject(base, registryUrl, {
    name: 'consumer-base',
    dependencies: { ...ours, ...BASE_PEERS },
    devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0', '@types/react': '^19.0.0', '@types/express': '^5.0.0' },
  });
  log(`installing ${version} into a fresh project`);
  await npmInstall(base);
  assertInstalledVersion(base, version);
  if (want('esm-cjs')) await esmCjs(base, version);
  if (want('types')) await typecheck(base);
  if (want('cli')) await cliCheck(base, version);
  await frameworkChecks({ work, registryUrl, version, root, want, createProject, npmInstall });
  return readdirSync(work);
}
