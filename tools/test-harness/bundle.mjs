// A TypeScript entry bundled into one .mjs file, so a child process can run it on plain `node`
// (its real fetch, its default unhandled-rejection handling) with no build step.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundle `entry` (an absolute path) for Node 20 into `<tmp>/<prefix>XXXXXX/child.mjs`.
 * @param {string} entry
 * @param {string} prefix name prefix of the temporary directory
 * @returns {Promise<{ dir: string, script: string }>}
 */
export async function bundleForNode(entry, prefix) {
  // Loaded on demand: only the tests that bundle pay for esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const script = join(dir, 'child.mjs');
  writeFileSync(script, text);
  return { dir, script };
}
