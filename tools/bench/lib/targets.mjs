// @ts-check
/**
 * The code under measurement. By default it is bundled from the packages' `src/` with esbuild
 * (the same compiler tsup uses for `dist/`), so a run measures the code in the work tree even
 * while another `dist/` is being rebuilt. `--dist` (or BENCH_FROM=dist) imports the built
 * package entries instead, exactly what an app installs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/**
 * @typedef {typeof import('@tracker-auth/core')
 *   & Pick<typeof import('@tracker-auth/core/node'), 'toWebRequest' | 'toWebRequestAndSignal' | 'sendWebResponse' | 'createNodeTrackerProxy'>
 *   & Pick<typeof import('@tracker-auth/express'), 'trackerProxy'>
 *   & Pick<typeof import('@tracker-auth/testing'), 'startFakeYandex'>} Targets
 */

const ENTRY = `
export * from '@tracker-auth/core';
export { toWebRequest, toWebRequestAndSignal, sendWebResponse, createNodeTrackerProxy } from '@tracker-auth/core/node';
export { trackerProxy } from '@tracker-auth/express';
export { startFakeYandex } from '@tracker-auth/testing';
`;

/** True when the built `dist/` entries were asked for instead of a bundle of `src/`. */
export function fromDist() {
  return process.argv.includes('--dist') || process.env.BENCH_FROM === 'dist';
}

/**
 * Load core, the Express adapter and the fake, from one esbuild bundle of `src/` (one copy of
 * core, so the adapter and the bench share it) or from `dist/`.
 * @returns {Promise<Targets>}
 */
export async function loadTargets() {
  if (fromDist()) {
    const [core, node, express, testing] = await Promise.all([
      import('@tracker-auth/core'),
      import('@tracker-auth/core/node'),
      import('@tracker-auth/express'),
      import('@tracker-auth/testing'),
    ]);
    return {
      ...core,
      toWebRequest: node.toWebRequest,
      toWebRequestAndSignal: node.toWebRequestAndSignal,
      sendWebResponse: node.sendWebResponse,
      createNodeTrackerProxy: node.createNodeTrackerProxy,
      trackerProxy: express.trackerProxy,
      startFakeYandex: testing.startFakeYandex,
    };
  }
  const { build } = await import('esbuild');
  const outDir = join(here, '..', '.cache');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `targets-${process.pid}.mjs`);
  await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // tsconfig.base.json maps every @tracker-auth/* name to its src/ entry.
    tsconfig: join(root, 'tsconfig.base.json'),
    external: ['ky', 'express', 'undici'],
    outfile,
    logLevel: 'warning',
  });
  try {
    return /** @type {Targets} */ (await import(pathToFileURL(outfile).href));
  } finally {
    rmSync(outfile, { force: true });
  }
}

/**
 * The NestJS adapter's proxy route and module, loaded apart (its decorators need the NestJS
 * package's tsconfig): bundled from `src/` with its own copy of core, or from `dist/`.
 * Typed loosely: the NestJS sources need decorator settings this package's typecheck does not have.
 * @returns {Promise<{ TrackerAuthModule: { forRoot(options: object): any }, createTrackerProxyController(options: object): any }>}
 */
export async function loadNestTargets() {
  const nestPackage = '@tracker-auth/nestjs';
  if (fromDist()) return import(nestPackage);
  const { build } = await import('esbuild');
  const outDir = join(here, '..', '.cache');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `nest-targets-${process.pid}.mjs`);
  await build({
    stdin: { contents: "export { TrackerAuthModule, createTrackerProxyController } from '@tracker-auth/nestjs';", resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(root, 'packages', 'nestjs', 'tsconfig.json'),
    external: ['ky', 'express', 'undici', '@nestjs/*', 'reflect-metadata'],
    outfile,
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** Where the code came from, for the report header. */
export function targetsLabel() {
  return fromDist() ? 'built dist/ entries' : 'src/ bundled with esbuild';
}
