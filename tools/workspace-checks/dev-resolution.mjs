// @ts-check
// During development (typecheck, tests, the esbuild bundles of tests, benches and the size
// check) every `@tracker-auth/*` specifier resolves to its package's TypeScript source. The one
// list that says how is `paths` in tsconfig.base.json: tsc and esbuild read it natively and
// vitest.shared.ts derives its aliases from it. This check keeps that list equal to what the
// packages publish: one entry per `exports` subpath, pointing at the existing `src` file that
// tsup builds into that subpath's `dist` file (tsup names outputs after their entries:
// `src/node.ts` → `dist/node.js`), and no entry for a subpath that is not exported.
//
// Usage: node tools/workspace-checks/dev-resolution.mjs   (exit 1 and a list on drift)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * @typedef {{ dir: string, name: string, exports: unknown }} WorkspacePackage `dir` relative to the root, posix
 */

/** The first `import` (else any) string target of one exports entry, e.g. './dist/node.js'. @param {unknown} entry @returns {string | undefined} */
const builtFile = (entry) => {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return undefined;
  const record = /** @type {Record<string, unknown>} */ (entry);
  const keys = ['import', 'default', ...Object.keys(record).filter((k) => k !== 'import' && k !== 'default' && k !== 'types')];
  for (const key of keys) {
    const found = key in record ? builtFile(record[key]) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
};

/**
 * The dev mapping the exports maps call for: specifier → source file (relative to the root).
 * @param {WorkspacePackage[]} packages
 * @returns {{ map: Map<string, string>, problems: string[] }}
 */
export function expectedPaths(packages) {
  /** @type {Map<string, string>} */
  const map = new Map();
  /** @type {string[]} */
  const problems = [];
  for (const pkg of packages) {
    const exportsMap = typeof pkg.exports === 'string' || (pkg.exports && typeof pkg.exports === 'object' && !Object.keys(pkg.exports).some((k) => k.startsWith('.')))
      ? { '.': pkg.exports }
      : /** @type {Record<string, unknown>} */ (pkg.exports ?? {});
    for (const [subpath, entry] of Object.entries(exportsMap)) {
      if (subpath === './package.json') continue;
      const specifier = `${pkg.name}${subpath.slice(1)}`;
      const target = builtFile(entry);
      const stem = target?.match(/^\.\/dist\/(.+)\.(?:m|c)?js$/)?.[1];
      if (stem === undefined) {
        problems.push(`${pkg.dir}/package.json exports["${subpath}"]: no ./dist/<name>.js target to derive its source from`);
        continue;
      }
      map.set(specifier, posix.join(pkg.dir, 'src', `${stem}.ts`));
    }
  }
  return { map, problems };
}

/**
 * Drift between the exports maps, tsconfig `paths` and the files on disk.
 * @param {{ packages: WorkspacePackage[], paths: Record<string, string[]>, exists: (file: string) => boolean }} input
 * @returns {string[]} one message per problem; empty when in step
 */
export function checkDevResolution({ packages, paths, exists }) {
  const { map, problems } = expectedPaths(packages);
  for (const [specifier, source] of map) {
    const listed = paths[specifier];
    if (!exists(source)) problems.push(`${specifier}: exported, but its source ${source} does not exist`);
    if (listed === undefined) problems.push(`${specifier}: exported, but tsconfig.base.json paths has no entry (add "${specifier}": ["${source}"])`);
    else if (listed.length !== 1 || listed[0] !== source) problems.push(`${specifier}: tsconfig.base.json paths says ${JSON.stringify(listed)}, the exports map calls for ["${source}"]`);
  }
  for (const specifier of Object.keys(paths)) {
    if (specifier.startsWith('@tracker-auth/') && !map.has(specifier)) {
      problems.push(`${specifier}: tsconfig.base.json paths has an entry, but no package exports that subpath (dev would accept an import a published install rejects)`);
    }
  }
  return problems;
}

/**
 * The published workspace packages (packages/*), as the check sees them.
 * @param {string} root
 * @returns {WorkspacePackage[]}
 */
export function readWorkspacePackages(root) {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, 'packages', e.name, 'package.json')))
    .map((e) => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', e.name, 'package.json'), 'utf8'));
      return { dir: `packages/${e.name}`, name: manifest.name, exports: manifest.exports };
    })
    .filter((p) => !p.name.startsWith('@tracker-auth-tools/'));
}

/**
 * tsconfig.base.json as TypeScript reads it (comments allowed).
 * @param {string} root
 */
export function readBaseConfig(root) {
  const file = join(root, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return { file, config: /** @type {{ compilerOptions?: { paths?: Record<string, string[]> } }} */ (config) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const packages = readWorkspacePackages(root);
  const { file, config } = readBaseConfig(root);
  const paths = config.compilerOptions?.paths ?? {};
  const problems = checkDevResolution({ packages, paths, exists: (f) => existsSync(join(root, f)) });
  // And that TypeScript itself, with the real base options, lands on those files: the paths
  // are only the truth if the compiler follows them (a later `customConditions` or a
  // `baseUrl` change would not show in the list).
  const options = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, file).options;
  const { map } = expectedPaths(packages);
  const from = join(root, 'packages', 'core', 'src', 'index.ts');
  for (const [specifier, source] of map) {
    const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule?.resolvedFileName;
    if (resolved !== undefined && relative(root, resolved).split('\\').join('/') !== source) {
      problems.push(`${specifier}: TypeScript resolves it to ${relative(root, resolved)}, not ${source}`);
    } else if (resolved === undefined && existsSync(join(root, source))) {
      problems.push(`${specifier}: TypeScript does not resolve it with tsconfig.base.json`);
    }
  }
  if (problems.length === 0) {
    console.log(`dev-resolution: ${map.size} exported entries, each resolved to its src file by tsconfig.base.json paths.`);
  } else {
    console.error('dev-resolution: the dev mapping (tsconfig.base.json paths) and the packages\' exports maps disagree:');
    for (const p of problems) console.error(`  ${p}`);
    process.exitCode = 1;
  }
}
