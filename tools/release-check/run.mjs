#!/usr/bin/env node
// Release check: proves a stranger can install what we publish.
//
// 1. Copies the workspace (with built dist/) to a temp folder, so nothing here is modified.
// 2. Starts a throwaway registry (verdaccio) on 127.0.0.1.
// 3. Runs the real `changeset version` + `changeset publish` in the copy against it.
// 4. In fresh projects outside the workspace, installs the packages from that registry and
//    runs the consumer checks (consumers.mjs).
// 5. Adds a changeset, releases again, and proves every version moved in lockstep and the
//    consumers install the new version.
//
// Usage: node tools/release-check/run.mjs [--keep] [--only=esm-cjs,types,...]
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConsumerChecks } from './consumers.mjs';
import { checkPackedFiles } from './pack-scan.mjs';
import { log, run, startRegistry } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const keep = process.argv.includes('--keep');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const changesetBin = join(root, 'node_modules/@changesets/cli/bin.js');
const verdaccioBin = join(root, 'node_modules/verdaccio/bin/verdaccio');

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'tracker-auth-release-'));
let registry;

function publicPackages(repo) {
  return readdirSync(join(repo, 'packages'))
    .map((name) => join(repo, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

function copyWorkspace(from, to) {
  const skip = new Set(['node_modules', '.git', '.nx', '.next', '.tmp', 'coverage']);
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const base = src.slice(from.length + 1).split('/');
      return !base.some((part) => skip.has(part)) && !src.endsWith('.tgz');
    },
  });
  // The copy uses the workspace's installed tools; relative workspace links stay valid for
  // what `changeset` needs (it reads package.json files, npm publish packs each folder).
  symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'), 'dir');
}

async function release(repo, label) {
  const env = { npm_config_userconfig: registry.npmrc, npm_config_registry: registry.url, CI: 'true' };
  log(`${label}: changeset version`);
  await run(process.execPath, [changesetBin, 'version'], { cwd: repo, env, quiet: true });
  log(`${label}: changeset publish → ${registry.url}`);
  const out = await run(process.execPath, [changesetBin, 'publish'], { cwd: repo, env, quiet: true });
  const packages = publicPackages(repo);
  const versions = new Set(packages.map(({ pkg }) => pkg.version));
  if (versions.size !== 1) throw new Error(`versions are not in lockstep: ${packages.map(({ pkg }) => `${pkg.name}@${pkg.version}`).join(', ')}`);
  const [version] = versions;
  for (const { pkg, dir } of packages) {
    const view = await fetch(`${registry.url}${pkg.name.replace('/', '%2f')}`).then((r) => r.json());
    if (!view.versions?.[version]) throw new Error(`${pkg.name}@${version} is not in the registry after publish:\n${out.slice(-3000)}`);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (dep.startsWith('@tracker-auth/') && range !== version && range !== `^${version}`) {
        throw new Error(`${pkg.name} depends on ${dep}@${range}, expected ${version} after versioning`);
      }
    }
    if (!existsSync(join(dir, 'CHANGELOG.md'))) throw new Error(`${pkg.name} has no CHANGELOG.md after changeset version`);
  }
  log(`${label}: published ${packages.map(({ pkg }) => pkg.name).join(', ')} at ${version}`);
  return { version, packages };
}

async function main() {
  log(`work folder ${work}`);
  log('building packages');
  await run('npx', ['nx', 'run-many', '-t', 'build', '--projects=@tracker-auth/*', '--outputStyle=static'], { cwd: root, quiet: true });

  const repo = join(work, 'repo');
  copyWorkspace(root, repo);
  await run('git', ['init', '-q', '-b', 'main'], { cwd: repo, quiet: true });
  await run('git', ['add', '-A'], { cwd: repo, quiet: true });
  await run('git', ['-c', 'user.name=release-check', '-c', 'user.email=release-check@localhost', 'commit', '-qm', 'snapshot'], { cwd: repo, quiet: true });

  registry = await startRegistry(join(work, 'registry'), verdaccioBin);
  log(`registry at ${registry.url}`);

  const first = await release(repo, 'release 1');
  await checkPackedFiles(first.packages, { log });
  await runConsumerChecks({ work: join(work, 'consumers-1'), registryUrl: registry.url, version: first.version, root, only });

  // Second release: one patch changeset on core must bump every package (fixed group).
  mkdirSync(join(repo, '.changeset'), { recursive: true });
  writeFileSync(join(repo, '.changeset', 'release-check-bump.md'), '---\n"@tracker-auth/core": patch\n---\n\nRelease check: a second release moves every package in lockstep.\n');
  await run('git', ['add', '-A'], { cwd: repo, quiet: true });
  await run('git', ['-c', 'user.name=release-check', '-c', 'user.email=release-check@localhost', 'commit', '-qm', 'bump'], { cwd: repo, quiet: true });
  const second = await release(repo, 'release 2');
  if (second.version === first.version) throw new Error(`the second release did not change the version (${first.version})`);
  await runConsumerChecks({ work: join(work, 'consumers-2'), registryUrl: registry.url, version: second.version, root, only: new Set(['esm-cjs']) });

  log(`passed: ${first.version} then ${second.version} in ${Math.round((Date.now() - started) / 1000)} s`);
}

try {
  await main();
} catch (error) {
  console.error('[release-check] FAILED:', error?.stack ?? error);
  process.exitCode = 1;
} finally {
  await registry?.stop();
  if (!keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
