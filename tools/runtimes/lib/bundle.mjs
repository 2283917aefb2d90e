// The scenario bundled for one runtime from core's BUILT default entry (packages/core/dist),
// ky included: what an app's bundler makes of the published package. A `node:` import left in
// the default entry fails the bundle here (platform neutral/browser has no Node built-ins).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Core's built default entry (ESM). */
export const coreDistEntry = join(root, 'packages/core/dist/index.js');

/** Temp dirs of this process's bundles, for {@link removeBundles}. @type {Set<string>} */
const made = new Set();

/** Remove every bundle this process made (and what a runtime cached beside it). */
export function removeBundles() {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/**
 * @typedef {object} BundleTarget
 * @property {string} name file-name prefix
 * @property {'worker' | 'worker-global' | 'cli' | 'global'} entry which scenario entry (scenario/entry-*.mjs)
 * @property {'esm' | 'iife'} format
 * @property {'neutral' | 'browser'} platform
 * @property {string[]} conditions package-export conditions the runtime's own bundler uses
 * @property {Record<string, string>} [define] constants replaced at build time
 */

/**
 * Bundle the scenario for `target` into a fresh temp dir.
 * @param {BundleTarget} target
 * @returns {Promise<{ dir: string, file: string, bytes: number }>}
 */
export async function bundleScenario(target) {
  if (!existsSync(coreDistEntry)) {
    throw new Error(`${coreDistEntry} is missing: build core first (npx nx run @tracker-auth/core:build)`);
  }
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../scenario/entry-${target.entry}.mjs`, import.meta.url))],
    define: target.define ?? {},
    bundle: true,
    format: target.format,
    platform: target.platform,
    conditions: target.conditions,
    // Neutral has no main fields of its own; ky publishes `exports`, these cover the rest.
    mainFields: ['module', 'main'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // The workspace tsconfig maps @tracker-auth/core to src/: bypass it, and take dist.
    tsconfigRaw: {},
    plugins: [
      {
        name: 'core-from-dist',
        setup(b) {
          b.onResolve({ filter: /^@tracker-auth\/core$/ }, () => ({ path: coreDistEntry }));
          b.onResolve({ filter: /^@tracker-auth\/core\// }, (args) => ({ errors: [{ text: `${args.path}: only the default entry runs on these runtimes` }] }));
        },
      },
    ],
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`esbuild produced no output for ${target.name}`);
  const dir = mkdtempSync(join(tmpdir(), `tracker-runtimes-${target.name}-`));
  made.add(dir);
  const file = join(dir, `${target.name}.${target.format === 'esm' ? 'mjs' : 'js'}`);
  writeFileSync(file, text);
  return { dir, file, bytes: Buffer.byteLength(text) };
}
