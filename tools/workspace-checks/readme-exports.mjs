// @ts-check
// Every public name of an adapter package appears in that package's README, so the README's API
// sections cover the whole export list (core pins its three entries with its own export-list
// test, against its README's API section). A name added to an adapter's index.ts without a word
// in its README fails here, naming the package and the name.
//
// Usage: node tools/workspace-checks/readme-exports.mjs   (exit 1 and a list on a missing name)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The adapters, whose README must name every export of `src/index.ts` (their API section). */
export const PACKAGES = ['express', 'nestjs', 'next'];

/**
 * Names of `names` that `readme` never mentions as code (in backticks, alone or as the start of
 * a call or member such as `trackerAuth(options)` or `TrackerService.client`).
 * @param {string} readme
 * @param {string[]} names
 */
export function unmentioned(readme, names) {
  const mentioned = new Set([...readme.matchAll(/`@?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  return names.filter((name) => !mentioned.has(name));
}

/**
 * Every name `file` exports (values and types), as the compiler sees it.
 * @param {string} file
 */
export function exportedNames(file) {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const source = program.getSourceFile(file);
  const symbol = source && program.getTypeChecker().getSymbolAtLocation(source);
  if (!symbol) throw new Error(`readme-exports: cannot read the exports of ${file}`);
  return program.getTypeChecker().getExportsOfModule(symbol).map((s) => s.name);
}

function main() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const problems = [];
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name);
    const missing = unmentioned(readFileSync(join(dir, 'README.md'), 'utf8'), exportedNames(join(dir, 'src', 'index.ts')));
    if (missing.length > 0) problems.push(`@tracker-auth/${name}: README.md never names ${missing.map((n) => `\`${n}\``).join(', ')}`);
  }
  if (problems.length > 0) {
    console.error(`Exports missing from their package README (document them, or stop exporting them):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`readme-exports: every export of ${PACKAGES.length} packages is named in its README`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
