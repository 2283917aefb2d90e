// Runs after `tsup` in a package directory (`tsup && node ../../tsup.post-build.mjs`): makes the
// CommonJS declarations load ESM-only dependencies correctly, then fails the build if `dist`
// carries top-level code a bundler could not drop.
//
// 1. tsup writes `dist/*.d.cts` with plain imports of every external package. When one of those is
// ESM-only (ky; NestJS 12), a strict CommonJS project (`module`/`moduleResolution` node16,
// `skipLibCheck: false`) fails on our declarations with TS1479: a `.d.cts` may not `require` an
// ES module. Type-only imports carrying `resolution-mode: "import"` (TypeScript 5.3+) load those
// types the way `import()` would, which is what the runtime does too (require(esm), or the
// dependency is only reached through ESM). tsup's declaration bundler drops import attributes
// and has no hook after it runs, hence this step.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const packageDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const ATTRIBUTES = `with { 'resolution-mode': 'import' }`;

/** The installed package.json of a dependency (exports maps may hide `./package.json`). */
function findPackageJson(name) {
  for (let dir = packageDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    if (dirname(dir) === dir) return undefined;
  }
}

/** True when `require` cannot load the package: `type: module` and no `require` export condition. */
function isEsmOnly(manifest) {
  if (manifest?.type !== 'module') return false;
  const hasRequire = (node) =>
    node !== null && typeof node === 'object' && Object.entries(node).some(([key, value]) => key === 'require' || hasRequire(value));
  return !hasRequire(manifest.exports);
}

const esmOnly = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((name) =>
  isEsmOnly(findPackageJson(name)),
);

function isEsmOnlySpecifier(specifier) {
  return esmOnly.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/** `import …`/`export … from` of an ESM-only package → type-only with resolution-mode "import". */
function rewrite(statement, keyword, clause, quote, specifier) {
  if (!isEsmOnlySpecifier(specifier)) return statement;
  const from = `from ${quote}${specifier}${quote} ${ATTRIBUTES};`;
  const bare = clause.replace(/^type\s+/, '');
  if (keyword === 'export') return `export type ${bare} ${from}`;
  // A type-only import has either a default or named bindings, never both: split `A, { b }`.
  const both = /^([A-Za-z_$][\w$]*)\s*,\s*(\{[\s\S]*\}|\*\s+as\s+[A-Za-z_$][\w$]*)$/.exec(bare);
  if (both) return `import type ${both[1]} ${from}\nimport type ${both[2]} ${from}`;
  return `import type ${bare} ${from}`;
}

const STATEMENT = /^(import|export)\s+([^;]*?)\s+from\s+(['"])([^'"]+)\3\s*;/gm;

let changed = 0;
for (const file of readdirSync(join(packageDir, 'dist'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.cts')) continue;
  const path = join(packageDir, 'dist', file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(STATEMENT, rewrite);
  if (after !== before) {
    writeFileSync(path, after);
    changed += 1;
  }
}
if (esmOnly.length > 0) {
  console.log(`post-build: ${esmOnly.join(', ')} imported with resolution-mode "import" in ${changed} .d.cts file(s)`);
}

// 2. esbuild's keepNames output (`__name(fn, "fn")` calls, `static { __name(this, …) }` blocks)
// is code a bundler must keep, so one import would carry the whole package: tsup.shared.ts turns
// it off; this keeps it off.
const problems = [];
for (const file of readdirSync(join(packageDir, 'dist'), { recursive: true, encoding: 'utf8' })) {
  if (!/\.c?js$/.test(file)) continue;
  const text = readFileSync(join(packageDir, 'dist', file), 'utf8');
  if (/\b__name\(/.test(text)) problems.push(`dist/${file}: esbuild keepNames helper __name(…)`);
  if (/static\s*\{\s*__name\(/.test(text)) problems.push(`dist/${file}: class static block calling __name`);
}
// tsup.shared.ts marks Object.freeze pure so unused frozen constants drop; as a statement
// (`Object.freeze(this);`) its result is unused and a bundler would drop the freeze itself.
for (const file of readdirSync(join(packageDir, 'src'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
  const text = readFileSync(join(packageDir, 'src', file), 'utf8');
  if (/^\s*Object\.freeze\(/m.test(text)) problems.push(`src/${file}: Object.freeze(…) as a statement (assign or return its result)`);
}
if (problems.length > 0) {
  console.error(`post-build: ${pkg.name} is not side-effect free:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
