// Size budget of the BUILT @tracker-auth/core, run by `check-exports` (and so by `npm test`).
//
// Each case is an app importing a few names, bundled with esbuild the way an edge function or a
// browser bundle would be: minified, ky external (apps share their own copy), gzip -9. The same
// import is also bundled from src/; the dist bundle may cost at most 10% more, so the build stays
// as tree-shakable as the sources. Sizes are in kB of 1000 bytes, as size-limit reports them.
//
//   node scripts/size.mjs           check and print the table
//   node scripts/size.mjs --why     also list the modules that weigh most in every case
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_OVER_SRC = 0.1;

/**
 * Representative imports and their min+gz limits in kB. `names: '*'` is the whole entry.
 * `budgetKb` fails the check; `targetKb`, where set, is the smaller size the project aims for
 * and is only reported. The whole entry grew past its target with user mode, events,
 * pagination and the proxy split (see the "Bundle size" section of the README); its limit sits
 * just above what it measures, so that the size passes of 2026-11-30 are not given back unnoticed.
 */
export const SIZE_BUDGETS = [
  { label: 'buildTrackerHeaders', names: ['buildTrackerHeaders'], budgetKb: 3.5 },
  { label: 'createTrackerAuth + oauthToken', names: ['createTrackerAuth', 'oauthToken'], budgetKb: 5 },
  {
    label: 'createTrackerAuth + createTrackerClient + iamFromServiceAccountKey',
    names: ['createTrackerAuth', 'createTrackerClient', 'iamFromServiceAccountKey'],
    budgetKb: 13,
  },
  { label: 'all of @tracker-auth/core', names: '*', budgetKb: 33.5, targetKb: 30 },
];

/** Bundles `names` from the built package (`from: 'dist'`) or from its sources (`'src'`). */
async function measure(names, from) {
  const contents = names === '*' ? `export * from '@tracker-auth/core';` : `export { ${names.join(', ')} } from '@tracker-auth/core';`;
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'js', sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['ky'],
    write: false,
    metafile: true,
    logLevel: 'error',
    // dist: resolve through the package's exports map, as an installed copy; never the tsconfig
    // paths that map the name to src/ during development.
    ...(from === 'src' ? { tsconfig: join(packageDir, 'tsconfig.json') } : { tsconfigRaw: {} }),
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const heaviest = Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => ({ file: relative(packageDir, join(packageDir, file)), bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length, heaviest };
}

const kb = (bytes) => (bytes / 1000).toFixed(2);

export async function checkSizes({ why = false } = {}) {
  const rows = [];
  const failures = [];
  for (const { label, names, budgetKb, targetKb } of SIZE_BUDGETS) {
    const dist = await measure(names, 'dist');
    const src = await measure(names, 'src');
    const ratio = dist.gz / src.gz;
    const problems = [];
    if (dist.gz > budgetKb * 1000) problems.push(`${kb(dist.gz)} kB is over the ${budgetKb} kB budget`);
    if (ratio > 1 + MAX_OVER_SRC) problems.push(`dist costs ${((ratio - 1) * 100).toFixed(1)}% more than src (limit ${MAX_OVER_SRC * 100}%)`);
    rows.push({ label, dist, src, ratio, budgetKb, targetKb, ok: problems.length === 0 });
    if (problems.length > 0 || why) {
      const top = dist.heaviest
        .slice(0, 8)
        .map(({ file, bytes }) => `${file} ${kb(bytes)} kB min`)
        .join(', ');
      if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}\n    heaviest modules: ${top}`);
      else console.log(`${label}: heaviest modules: ${top}`);
    }
  }
  const header = ['import', 'dist min', 'dist min+gz', 'src min+gz', 'dist/src', 'budget', 'target', ''];
  const lines = rows.map((r) => [
    r.label,
    `${kb(r.dist.min)} kB`,
    `${kb(r.dist.gz)} kB`,
    `${kb(r.src.gz)} kB`,
    r.ratio.toFixed(3),
    `${r.budgetKb} kB`,
    r.targetKb === undefined ? '' : `${r.targetKb} kB`,
    !r.ok ? 'OVER' : r.targetKb !== undefined && r.dist.gz > r.targetKb * 1000 ? 'ok (over target)' : 'ok',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  return failures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('@tracker-auth/core bundle size (esbuild --minify, ky external, gzip -9):');
  const failures = await checkSizes({ why: process.argv.includes('--why') });
  if (failures.length > 0) {
    console.error(`\nsize budget exceeded:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}
